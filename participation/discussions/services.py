"""Writing comments, votes and reports; moderators hide and restore. Flush, never commit."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import delete, func, select, update

from participation.accounts.models import User
from participation.accounts.policy import is_staff
from participation.core.dialect import insert_unless_exists
from participation.core.markup import render_markdown
from participation.core.permissions import InvalidState, NotAllowed
from participation.core.ratelimit import user_key
from participation.core.settings import PREMODERATION_FIRST_N, get_int, published_contributions
from participation.core.types import utcnow
from participation.discussions import policy
from participation.discussions.links import permalink
from participation.discussions.models import (
    REASONS_NEEDING_TEXT,
    Comment,
    CommentReport,
    CommentRevision,
    CommentStatus,
    CommentVote,
    ReportReason,
)
from participation.discussions.signals import (
    comment_held,
    comment_moderated,
    comment_reported,
    moderation_reasons_wanted,
)
from participation.extensions import db, limiter
from participation.notifications.services import notify
from participation.projects import mark_page_changed
from participation.projects.models import Project

REPLY_KIND = "discussions.reply"
REPLY_TEXT = _l("Neue Antwort auf Ihren Kommentar zum Vorhaben „%(project)s“.")
NEW_ACCOUNT_AGE = timedelta(days=7)
NEW_ACCOUNT_LIMIT = "5 per 10 minutes"


class AlreadyReported(InvalidState):
    """This person has reported this comment before."""


class ParentElsewhere(InvalidState):
    """A reply must stay in its parent's project."""

    message = _l("Der Kommentar konnte nicht gespeichert werden.")


class ReportTextMissing(InvalidState):
    """Some report reasons need a text (the form checks it first)."""

    message = _l("Bitte beschreiben Sie bei diesem Grund kurz das Problem.")


class InvalidVote(InvalidState):
    """A vote is +1, -1, or 0 to take it back."""


class UnknownOutcome(InvalidState):
    """A moderation decision makes a comment published, hidden or removed (removing needs a person)."""


# --- rate limit for new accounts ------------------------------------------------------------------


def _limit():
    return parse(current_app.config.get("DISCUSSION_NEW_ACCOUNT_LIMIT", NEW_ACCOUNT_LIMIT))


def _is_new(user: User) -> bool:
    return user.created_at is not None and utcnow() - user.created_at < NEW_ACCOUNT_AGE


def rate_limited(user: User) -> bool:
    """True when an account younger than seven days has written too many comments just now."""
    if not _is_new(user):
        return False
    return not limiter.limiter.test(_limit(), "new-account-comments", user_key(user.id))


def _count_for_rate_limit(user: User) -> None:
    if _is_new(user):
        limiter.limiter.hit(_limit(), "new-account-comments", user_key(user.id))


# --- comments ---------------------------------------------------------------------------------------


def post_comment(author: User, project: Project, body: str, parent: Comment | None = None) -> Comment:
    """Write a comment or a reply; the parent's author is notified of a published reply."""
    if parent is None:
        if not policy.can_comment(author, project):
            raise NotAllowed("comment")
    else:
        if parent.project_id != project.id:
            raise ParentElsewhere()
        if not policy.can_reply(author, project, parent):
            raise NotAllowed("reply")
    comment = Comment(
        project_id=project.id,
        parent_id=parent.id if parent else None,
        root_id=parent.thread_root_id if parent else None,
        author_id=author.id,
        body=body,
        body_html=str(render_markdown(body)),
        status=(CommentStatus.PENDING if is_held(author, project) else CommentStatus.PUBLISHED).value,
    )
    db.session.add(comment)
    db.session.flush()
    _count_for_rate_limit(author)
    if not comment.is_published:
        # The moderation queue (a later domain) picks the held comment up.
        comment_held.send(comment, project=project)
    if parent is not None and parent.author_id != author.id and comment.is_published:
        _notify_reply(parent, comment, project)
    return comment


def is_held(author: User, project: Project) -> bool:
    """Pre-moderation: the project holds every comment, or the account is new (first N published)."""
    if is_staff(author):
        return False
    if project.premoderation:
        return True
    first_n = get_int(PREMODERATION_FIRST_N, 0)
    if first_n <= 0:
        return False
    # Contributions anywhere count (comments here, approved wiki changes there: each domain answers).
    return published_contributions(author) < first_n


def published_comment_count(user: User) -> int:
    """Answer to core's contributions question: the account's public comments (first-N pre-moderation)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Comment)
            .where(Comment.author_id == user.id, Comment.status == CommentStatus.PUBLISHED.value)
        )
        or 0
    )


def notify_reply(comment: Comment, project: Project) -> None:
    """Tell the parent's author about a reply once it is published (also after pre-moderation)."""
    if comment.parent_id is None or not comment.is_published:
        return
    parent = db.session.get(Comment, comment.parent_id)
    if parent is not None and parent.author_id != comment.author_id:
        _notify_reply(parent, comment, project)


def _notify_reply(parent: Comment, reply: Comment, project: Project) -> None:
    # The text names no person and quotes nothing: hidden or deleted replies leave no trace in it.
    notify(
        db.session.get(User, parent.author_id),
        REPLY_KIND,
        {"project": project.title},
        permalink(project, reply.id),
    )


def edit_comment(author: User, project: Project, comment: Comment, body: str) -> CommentRevision:
    """Replace the text of one's own comment; the earlier text is kept as a revision."""
    if not policy.can_edit_comment(author, project, comment):
        raise NotAllowed("edit comment")
    revision = comment.change_body(body, str(render_markdown(body)), author.id)
    db.session.add(revision)
    db.session.flush()
    return revision


def delete_comment(author: User, project: Project, comment: Comment) -> None:
    """Delete one's own comment: the text and its earlier versions go, replies stay."""
    if not policy.can_delete_comment(author, project, comment):
        raise NotAllowed("delete comment")
    comment.delete_by_author()
    db.session.execute(
        delete(CommentRevision)
        .where(CommentRevision.comment_id == comment.id)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


# --- votes ------------------------------------------------------------------------------------------


def _counts(value: int | None) -> tuple[int, int]:
    return (1 if value == 1 else 0, 1 if value == -1 else 0)


def vote(user: User, project: Project, comment: Comment, value: int) -> int | None:
    """Set the person's vote to +1 or -1, or remove it with 0; returns the vote now stored."""
    if value not in (-1, 0, 1):
        raise InvalidVote(value)
    if not policy.can_vote(user, project, comment):
        raise NotAllowed("vote")
    existing = _own_vote(user, comment)
    old = existing.value if existing else None
    if value == 0:
        if existing is not None:
            db.session.delete(existing)
    elif existing is not None:
        existing.value = value
    elif not insert_unless_exists(
        CommentVote, comment_id=comment.id, user_id=user.id, value=value, created_at=utcnow()
    ):
        # A parallel request of the same person inserted first (the unique constraint
        # let only one row in): change that row instead.
        raced = db.session.scalars(
            select(CommentVote).where(CommentVote.comment_id == comment.id, CommentVote.user_id == user.id)
        ).one()
        old, raced.value = raced.value, value
    db.session.flush()
    new = value or None
    _adjust_score(comment, old, new)
    return new


def _own_vote(user: User, comment: Comment) -> CommentVote | None:
    return db.session.scalar(
        select(CommentVote).where(CommentVote.comment_id == comment.id, CommentVote.user_id == user.id)
    )


def _adjust_score(comment: Comment, old: int | None, new: int | None) -> None:
    if old == new:
        return
    (old_up, old_down), (new_up, new_down) = _counts(old), _counts(new)
    # Relative UPDATE: concurrent votes of different people never overwrite each other.
    db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .values(
            score=Comment.score + (new or 0) - (old or 0),
            upvotes=Comment.upvotes + new_up - old_up,
            downvotes=Comment.downvotes + new_down - old_down,
        )
        .execution_options(synchronize_session=False, versions_marked=True)
    )
    db.session.expire(comment, ["score", "upvotes", "downvotes"])
    mark_page_changed(db.session, comment.project_id)  # a bulk UPDATE: its project named here


# --- reports ----------------------------------------------------------------------------------------


def report(
    reporter: User, project: Project, comment: Comment, reason: str, text: str | None
) -> CommentReport:
    """Report someone else's comment once, with a reason (and a text for some reasons)."""
    if not policy.can_report(reporter, project, comment):
        raise NotAllowed("report")
    reason_code = ReportReason(reason)
    if reason_code in REASONS_NEEDING_TEXT and not (text or "").strip():
        raise ReportTextMissing()
    inserted = insert_unless_exists(
        CommentReport,
        comment_id=comment.id,
        reporter_id=reporter.id,
        reason=reason_code.value,
        text=text or None,
        created_at=utcnow(),
    )
    if not inserted:
        raise AlreadyReported("already reported")
    stored = db.session.scalars(
        select(CommentReport).where(
            CommentReport.comment_id == comment.id, CommentReport.reporter_id == reporter.id
        )
    ).one()
    # The moderation queue (a later domain) opens or reopens its item and may auto-hide.
    comment_reported.send(comment, report=stored, project=project)
    return stored


def has_reported(user: User, comment: Comment) -> bool:
    """Whether the person already reported this comment."""
    return (
        db.session.scalar(
            select(CommentReport.id).where(
                CommentReport.comment_id == comment.id, CommentReport.reporter_id == user.id
            )
        )
        is not None
    )


# --- moderation -------------------------------------------------------------------------------------


def reason_categories() -> list[tuple[str, str]]:
    """The reason categories for hiding, as (code, label): the moderation desk answers the signal."""
    return [pair for _receiver, answer in moderation_reasons_wanted.send() for pair in answer]


def hide_comment(moderator: User, comment: Comment, reason: str, reason_code: str | None) -> None:
    """Hide a comment in place (reversible); the moderation desk records the decision and tells the author."""
    if not policy.can_hide_comment(moderator, comment):
        raise NotAllowed("hide comment")
    comment.hide(moderator.id, reason)
    db.session.flush()
    # A later domain (moderation) makes this a decision like one from its queue: statement of
    # reasons, appeal, the comment's queue item closed, audit-log row. It may refuse (raise).
    comment_moderated.send(comment, moderator=moderator, action="hide", reason_code=reason_code, text=reason)


def restore_comment(moderator: User, comment: Comment, reason: str) -> None:
    """Publish a hidden comment again; the moderation desk records the decision."""
    if not policy.can_restore_comment(moderator, comment):
        raise NotAllowed("restore comment")
    comment.restore()
    db.session.flush()
    comment_moderated.send(comment, moderator=moderator, action="restore", reason_code=None, text=reason)


def moderate_comment(
    moderator: User | None, comment: Comment, status: CommentStatus, reason: str | None
) -> None:
    """Carry out a moderation decision: publish (held, hidden or removed), hide or remove the comment.

    Called by the moderation desk, which has checked its own policy and records the decision;
    `moderator` is None when citizens' reports hid the comment automatically.
    """
    moderator_id = moderator.id if moderator is not None else None
    if status == CommentStatus.PUBLISHED:
        was_held = comment.status == CommentStatus.PENDING
        comment.status = CommentStatus.PUBLISHED.value
        comment.hidden_at = comment.hidden_by_id = comment.hidden_reason = None
        if was_held:
            # Held replies tell the parent's author only now that others can read them.
            notify_reply(comment, db.session.get_one(Project, comment.project_id))
    elif status == CommentStatus.HIDDEN and comment.status == CommentStatus.HIDDEN:
        # Already hidden by citizens' reports: the moderator's decision takes the hiding over.
        comment.hidden_by_id, comment.hidden_reason = moderator_id, reason
    elif status == CommentStatus.HIDDEN:
        comment.hide(moderator_id, reason or "")
    elif status == CommentStatus.REMOVED and moderator_id is not None:
        comment.remove(moderator_id, reason)
    else:
        raise UnknownOutcome(status)
    db.session.flush()


def open_reporters(comment: Comment) -> int:
    """Number of different people whose reports on the comment are not yet dealt with."""
    return (
        db.session.scalar(
            select(func.count(func.distinct(CommentReport.reporter_id))).where(
                CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None)
            )
        )
        or 0
    )


def resolve_reports(moderator: User, comment: Comment, resolution: str) -> list[int]:
    """Close the comment's open reports with the decision taken; returns the reporters' ids to tell."""
    reporter_ids = list(
        db.session.scalars(
            select(CommentReport.reporter_id).where(
                CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None)
            )
        )
    )
    if reporter_ids:
        db.session.execute(
            update(CommentReport)
            .where(CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None))
            .values(resolved_at=utcnow(), resolved_by_id=moderator.id, resolution=resolution)
            .execution_options(synchronize_session=False)
        )
    return reporter_ids


def revisions(comment: Comment) -> list[CommentRevision]:
    """Earlier versions of a comment, newest first (moderators only; the view checks)."""
    return list(
        db.session.scalars(
            select(CommentRevision)
            .where(CommentRevision.comment_id == comment.id)
            .order_by(CommentRevision.id.desc())
        )
    )
