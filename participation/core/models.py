"""Site-wide models: the append-only audit log and the admin-edited legal pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column, relationship

from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import Model


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit-log row."""


class AuditLogEntry(Model):
    """One recorded action: who did what to which object, when, with details. Never changed."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)

    id: Mapped[IdPk]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(BigId)
    target_label: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("User", lazy="raise")


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    """Keep the audit log append-only at the ORM level, whatever a route tries."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditLogEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError("audit_log rows cannot be changed or deleted")


class LegalPage(Model):
    """Impressum, Datenschutz, Barrierefreiheit, Netiquette: Markdown edited by admins."""

    __tablename__ = "legal_pages"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
