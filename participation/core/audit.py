"""Writing to the append-only audit log; every domain records its actions here."""

from __future__ import annotations

from typing import Any

from participation.core.models import AuditLogEntry
from participation.core.types import Actor
from participation.extensions import db


def record(
    actor: Actor | None,
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
        target_label=_target_label(target, label),
        reason=reason,
        details=details,
    )
    db.session.add(entry)
    return entry


def _target_label(target: Any, label: str | None) -> str | None:
    if target is None:
        return label
    if getattr(target, "__tablename__", None) == "users":
        # People are referenced by id only: erasing an account leaves no name in the log.
        return None
    return (label or _label_of(target))[:200]


def _label_of(target: Any) -> str:
    for attribute in ("title", "display_name", "slug", "email"):
        value = getattr(target, attribute, None)
        if value:
            return str(value)
    return f"#{getattr(target, 'id', '?')}"
