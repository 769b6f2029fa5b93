"""The moderation desk: one queue item per reviewed object, decisions, appeals and sanctions."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import Model


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class TargetType(enum.StrEnum):
    COMMENT = "comment"
    WIKI_REVISION = "wiki_revision"


class ItemStatus(enum.StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class Action(enum.StrEnum):
    """What a moderator decided; RESTRICTIONS get a statement of reasons and can be appealed."""

    PUBLISH = "publish"  # held comment or pending wiki change goes public
    HIDE = "hide"
    REMOVE = "remove"
    RESTORE = "restore"  # a hidden comment is published again
    DISMISS = "dismiss"  # the reports were unfounded; nothing changes (an auto-hide is undone)
    REJECT = "reject"  # a pending wiki change is refused
    MUTE = "mute"
    BLOCK = "block"


RESTRICTIONS = frozenset({Action.HIDE, Action.REMOVE, Action.REJECT, Action.MUTE, Action.BLOCK})

ACTION_LABELS = {
    Action.PUBLISH: _l("Freigegeben"),
    Action.HIDE: _l("Ausgeblendet"),
    Action.REMOVE: _l("Entfernt"),
    Action.RESTORE: _l("Wiederhergestellt"),
    Action.DISMISS: _l("Meldungen unbegründet"),
    Action.REJECT: _l("Abgelehnt"),
    Action.MUTE: _l("Stummgeschaltet"),
    Action.BLOCK: _l("Gesperrt"),
}


class AppealStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the decision stands
    OVERTURNED = "overturned"  # the decision is reversed


APPEAL_LABELS = {
    AppealStatus.OPEN: _l("offen"),
    AppealStatus.UPHELD: _l("zurückgewiesen – Entscheidung bleibt"),
    AppealStatus.OVERTURNED: _l("stattgegeben – Entscheidung aufgehoben"),
}


class ModerationItem(Model):
    """One row per reviewed object; a new report on a decided object reopens the same row."""

    __tablename__ = "moderation_items"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id"),
        CheckConstraint(_in("target_type", TargetType), name="known_target_type"),
        CheckConstraint(_in("status", ItemStatus), name="known_status"),
        Index("ix_moderation_items_open", "status", "opened_at"),
    )

    id: Mapped[IdPk]
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(BigId)
    project_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=ItemStatus.OPEN.value)
    # Set when the item (re)enters the queue: the age shown and the start of "time to decision".
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    auto_hidden: Mapped[bool] = mapped_column(default=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    # Bumped by every change of status; decisions are conditional on it (optimistic locking).
    version: Mapped[int] = mapped_column(Integer, default=1)

    @property
    def is_open(self) -> bool:
        return self.status == ItemStatus.OPEN.value


class Decision(Model):
    """A decision on an item or an account; restrictions carry a statement of reasons."""

    __tablename__ = "moderation_decisions"
    __table_args__ = (
        CheckConstraint(_in("action", Action), name="known_action"),
        Index("ix_moderation_decisions_created", "created_at"),
    )

    id: Mapped[IdPk]
    item_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("moderation_items.id"), index=True)
    # The person affected (author of the content, or the sanctioned account).
    subject_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    moderator_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(10))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_text: Mapped[str | None] = mapped_column(String(1000))
    # Sanctions only: until when the mute or block applies.
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Seconds from entering the queue to this decision (transparency report; NULL for sanctions
    # and for decisions on the discussion page about content that never waited in the queue).
    seconds_to_decision: Mapped[int | None] = mapped_column(Integer)

    @property
    def is_restriction(self) -> bool:
        return Action(self.action) in RESTRICTIONS

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[Action(self.action)])


class Appeal(Model):
    """The affected person's objection to one decision (one per decision), decided by someone else."""

    __tablename__ = "moderation_appeals"
    __table_args__ = (CheckConstraint(_in("status", AppealStatus), name="known_status"),)

    id: Mapped[IdPk]
    decision_id: Mapped[int] = mapped_column(BigId, ForeignKey("moderation_decisions.id"), unique=True)
    author_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=AppealStatus.OPEN.value, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(String(1000))
    version: Mapped[int] = mapped_column(Integer, default=1)

    @property
    def is_open(self) -> bool:
        return self.status == AppealStatus.OPEN.value

    @property
    def status_label(self) -> str:
        return str(APPEAL_LABELS[AppealStatus(self.status)])
