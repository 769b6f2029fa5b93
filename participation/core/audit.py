"""Writing to the append-only audit log; every domain records its actions here."""

from __future__ import annotations

from typing import Any

from participation.core.models import AuditLogEntry
from participation.extensions import db


def record(
    actor,
    action: str,
    target: Any = None,
    *,
    reason: str | None = None,
    label: str | None = None,
    **details: Any,
) -> AuditLogEntry:
    """Add an audit-log row in the current transaction (the view's commit lands it with the change)."""
    entry = AuditLogEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=getattr(target, "__tablename__", None) if target is not None else None,
        target_id=getattr(target, "id", None) if target is not None else None,
        target_label=(label or _label_of(target))[:200] if target is not None else label,
        reason=reason,
        details=details,
    )
    db.session.add(entry)
    return entry


def _label_of(target: Any) -> str:
    for attribute in ("title", "display_name", "slug", "email"):
        value = getattr(target, attribute, None)
        if value:
            return str(value)
    return f"#{getattr(target, 'id', '?')}"
