"""Wiki pages and their immutable revisions; a page points to its one approved (stable) revision."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, event, inspect
from sqlalchemy.orm import InstanceState, Mapped, mapped_column, relationship

from participation.core.permissions import InvalidState
from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import Model

TITLE_MAX = 120
SLUG_MAX = 80
SUMMARY_MAX = 300
BODY_MAX = 200_000
REASON_MAX = 1000


class RevisionState(enum.StrEnum):
    """Where a proposed text stands; only APPROVED text is ever shown to other readers."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    OUTDATED = "outdated"


STATE_LABELS = {
    RevisionState.PENDING: _l("wartet auf Prüfung"),
    RevisionState.APPROVED: _l("freigegeben"),
    RevisionState.REJECTED: _l("abgelehnt"),
    RevisionState.WITHDRAWN: _l("zurückgezogen"),
    RevisionState.OUTDATED: _l("überholt"),
}

_STATE_SQL = ", ".join(f"'{state.value}'" for state in RevisionState)


class WikiPage(Model):
    """A knowledge page; title and text readers see come from the approved revision only."""

    __tablename__ = "wiki_pages"

    id: Mapped[IdPk]
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    # The approved revision's title, copied for lists, search and link resolution; NULL until approved.
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX), index=True)
    project_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_revision_id: Mapped[int | None] = mapped_column(
        BigId,
        ForeignKey(
            "wiki_revisions.id",
            use_alter=True,
            name="fk_wiki_pages_approved_revision_id",
            ondelete="SET NULL",
        ),
    )
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    approved_revision: Mapped[WikiRevision | None] = relationship(
        foreign_keys=[approved_revision_id], post_update=True, lazy="joined"
    )
    project = relationship("Project", lazy="joined")

    @property
    def is_published(self) -> bool:
        return self.approved_revision_id is not None


class WikiRevision(Model):
    """One proposed or published text of a page. Never edited after it is written; only its state moves."""

    __tablename__ = "wiki_revisions"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATE_SQL})", name="known_state"),
        Index("ix_wiki_revisions_page_state", "page_id", "state"),
        Index("ix_wiki_revisions_state_created", "state", "created_at"),
    )

    id: Mapped[IdPk]
    page_id: Mapped[int] = mapped_column(BigId, ForeignKey("wiki_pages.id", ondelete="CASCADE"))
    # Kept after account deletion: the user row stays and reads "Gelöschtes Konto".
    author_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    base_revision_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("wiki_revisions.id", ondelete="SET NULL")
    )
    state: Mapped[str] = mapped_column(String(12), default=RevisionState.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    # Bumped by every state change; decisions are conditional on it (optimistic locking).
    version: Mapped[int] = mapped_column(Integer, default=1)

    page: Mapped[WikiPage] = relationship(foreign_keys=[page_id])
    author = relationship("User", foreign_keys=[author_id], lazy="joined")

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[RevisionState(self.state)])

    @property
    def is_pending(self) -> bool:
        return self.state == RevisionState.PENDING.value

    @property
    def is_approved(self) -> bool:
        return self.state == RevisionState.APPROVED.value


class RevisionImmutable(InvalidState):
    """A revision's text is history: only its state and decision may change."""


_IMMUTABLE = ("page_id", "author_id", "title", "body", "summary", "base_revision_id", "created_at")


@event.listens_for(WikiRevision, "before_update")
def _refuse_text_changes(mapper, connection, target: WikiRevision) -> None:
    """A revision's text is history: only its state and decision may change."""
    state: InstanceState[WikiRevision] = inspect(target)
    for name in _IMMUTABLE:
        if state.attrs[name].history.has_changes():
            raise RevisionImmutable(name)
