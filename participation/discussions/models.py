"""Threaded comments on projects, their earlier versions, votes and reports."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.permissions import InvalidState
from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import Model

MAX_BODY_LENGTH = 5000


class CommentStatus(enum.StrEnum):
    PUBLISHED = "published"
    PENDING = "pending"  # held for review before others can read it
    HIDDEN = "hidden"  # hidden by a moderator, can be restored
    REMOVED = "removed"  # removed by a moderator for good (e.g. unlawful content)
    DELETED = "deleted"  # deleted by its author; the text is erased, replies stay


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off_topic"
    PERSONAL_DATA = "personal_data"
    UNLAWFUL = "unlawful"
    OTHER = "other"


REPORT_REASON_LABELS = {
    ReportReason.SPAM: _l("Spam"),
    ReportReason.ABUSE: _l("Beleidigung oder Hassrede"),
    ReportReason.OFF_TOPIC: _l("Off-Topic"),
    ReportReason.PERSONAL_DATA: _l("Personenbezogene Daten"),
    ReportReason.UNLAWFUL: _l("Rechtswidriger Inhalt"),
    ReportReason.OTHER: _l("Sonstiges"),
}
# A free text is required for these reasons: the moderators need to know what is meant.
REASONS_NEEDING_TEXT = frozenset({ReportReason.UNLAWFUL, ReportReason.OTHER})


class NotEditable(InvalidState):
    """Only published or held comments can be edited."""

    message = _l("Der Kommentar konnte nicht gespeichert werden.")


class AlreadyDeleted(InvalidState):
    """The author deleted the comment before."""


class NotHideable(InvalidState):
    """Only published or held comments can be hidden (someone decided meanwhile)."""

    message = _l("Diese Entscheidung passt nicht mehr zum Stand des Beitrags. Es hat sich nichts geändert.")


class NotRestorable(InvalidState):
    """Only hidden comments can be published again (someone decided meanwhile)."""

    message = _l("Diese Entscheidung passt nicht mehr zum Stand des Beitrags. Es hat sich nichts geändert.")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Comment(Model):
    """One comment or reply; its text is Markdown, its rendered HTML is cached at write time."""

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(_in("status", CommentStatus), name="known_status"),
        # Top-level pages are read by (project, parent IS NULL) in id or score order.
        Index("ix_comments_project_parent_id", "project_id", "parent_id", "id"),
        Index("ix_comments_project_parent_score", "project_id", "parent_id", "score", "id"),
        # A thread's replies are counted by root (discussions/thread.py: "N weitere Antworten").
        Index("ix_comments_root_id", "root_id", "id"),
    )

    id: Mapped[IdPk]
    # No ON DELETE CASCADE: a project with comments cannot be deleted by accident.
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id"))
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("comments.id"), index=True)
    # The top-level comment of the thread (NULL for top-level comments): permalinks open that thread.
    root_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("comments.id"))
    author_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    # Output of participation.core.markup.render_markdown for `body` (never anything else).
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=CommentStatus.PUBLISHED.value)
    score: Mapped[int] = mapped_column(Integer, default=0)
    upvotes: Mapped[int] = mapped_column(Integer, default=0)
    downvotes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))

    @property
    def is_published(self) -> bool:
        return self.status == CommentStatus.PUBLISHED

    @property
    def thread_root_id(self) -> int:
        return self.root_id or self.id

    def change_body(self, body: str, body_html: str, editor_id: int) -> CommentRevision:
        """Keep the current text as a revision and take the new one."""
        if self.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
            raise NotEditable(self.status)
        revision = CommentRevision(
            comment_id=self.id,
            body=self.body,
            written_at=self.edited_at or self.created_at,
            editor_id=editor_id,
        )
        self.body, self.body_html, self.edited_at = body, body_html, utcnow()
        return revision

    def delete_by_author(self) -> None:
        """Erase the text; the row stays so replies keep their place."""
        if self.status == CommentStatus.DELETED:
            raise AlreadyDeleted()
        self.status = CommentStatus.DELETED.value
        self.body, self.body_html, self.deleted_at = "", "", utcnow()

    def hide(self, moderator_id: int | None, reason: str) -> None:
        """Hide from everyone but the author and moderators (reversible; no moderator: auto-hidden)."""
        if self.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
            raise NotHideable(self.status)
        self.status = CommentStatus.HIDDEN.value
        self.hidden_at, self.hidden_by_id, self.hidden_reason = utcnow(), moderator_id, reason

    def restore(self) -> None:
        """Publish a hidden comment again."""
        if self.status != CommentStatus.HIDDEN:
            raise NotRestorable(self.status)
        self.status = CommentStatus.PUBLISHED.value
        self.hidden_at = self.hidden_by_id = self.hidden_reason = None

    def remove(self, moderator_id: int, reason: str | None) -> None:
        """Remove for good (unlawful content): nobody but moderators reads it any more."""
        if self.status == CommentStatus.DELETED:
            raise AlreadyDeleted()
        self.status = CommentStatus.REMOVED.value
        self.hidden_at, self.hidden_by_id, self.hidden_reason = utcnow(), moderator_id, reason


class CommentRevision(Model):
    """An earlier text of an edited comment (moderators can read them)."""

    __tablename__ = "comment_revisions"

    id: Mapped[IdPk]
    comment_id: Mapped[int] = mapped_column(BigId, ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # When this text was written (the comment's creation or the edit before).
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    editor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


class CommentVote(Model):
    """One person's up (+1) or down (-1) vote on one comment; the constraint makes it one."""

    __tablename__ = "comment_votes"
    __table_args__ = (
        UniqueConstraint("comment_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="plus_or_minus_one"),
    )

    id: Mapped[IdPk]
    comment_id: Mapped[int] = mapped_column(BigId, ForeignKey("comments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommentReport(Model):
    """A citizen's report of a comment; the moderation queue is built on these rows."""

    __tablename__ = "comment_reports"
    __table_args__ = (
        UniqueConstraint("comment_id", "reporter_id"),
        CheckConstraint(_in("reason", ReportReason), name="known_reason"),
        Index("ix_comment_reports_open", "resolved_at", "created_at"),
    )

    id: Mapped[IdPk]
    comment_id: Mapped[int] = mapped_column(BigId, ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Filled in by moderation: when and how the report was dealt with.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(500))

    @property
    def reason_label(self) -> str:
        return str(REPORT_REASON_LABELS[ReportReason(self.reason)])
