"""Writing comments, votes and reports; moderators hide and restore. Flush, never commit."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import func, select, update

from participation.accounts.policy import is_staff
from participation.core.markup import render_markdown
from participation.core.permissions import InvalidState, NotAllowed
from participation.core.ratelimit import user_key
from participation.core.settings import (
    PREMODERATION_FIRST_N,
    collect_hook,
    get_int,
    published_contributions,
    run_hook,
)
from participation.core.types import utcnow
from participation.discussions import policy
from participation.discussions.dialect import insert_unless_exists
from participation.discussions.models import (
    REASONS_NEEDING_TEXT,
    Comment,
    CommentReport,
    CommentRevision,
    CommentStatus,
    CommentVote,
    ReportReason,
)
from participation.extensions import db, limiter

REPLY_KIND = "discussions.reply"
REPLY_TEXT = _l("Neue Antwort auf Ihren Kommentar zum Vorhaben „%(project)s“.")
NEW_ACCOUNT_AGE = timedelta(days=7)
NEW_ACCOUNT_LIMIT = "5 per 10 minutes"


class AlreadyReported(InvalidState):
    """This person has reported this comment before."""


def permalink(project, comment_id: int) -> str:
    """The local path that opens the thread at this comment."""
    path = url_for("discussions.permalink", project_slug=project.slug, comment_id=comment_id)
    return f"{path}#kommentar-{comment_id}"


# --- rate limit for new accounts ------------------------------------------------------------------


def _limit():
    return parse(current_app.config.get("DISCUSSION_NEW_ACCOUNT_LIMIT", NEW_ACCOUNT_LIMIT))


def _is_new(user) -> bool:
    return user.created_at is not None and utcnow() - user.created_at < NEW_ACCOUNT_AGE


def rate_limited(user) -> bool:
    """True when an account younger than seven days has written too many comments just now."""
    if not _is_new(user):
        return False
    return not limiter.limiter.test(_limit(), "new-account-comments", user_key(user.id))


def _count_for_rate_limit(user) -> None:
    if _is_new(user):
        limiter.limiter.hit(_limit(), "new-account-comments", user_key(user.id))


# --- comments ---------------------------------------------------------------------------------------


def post_comment(author, project, body: str, parent: Comment | None = None) -> Comment:
    """Write a comment or a reply; the parent's author is notified of a published reply."""
    if parent is None:
        if not policy.can_comment(author, project):
            raise NotAllowed("comment")
    else:
        if parent.project_id != project.id:
            raise InvalidState("parent belongs to another project")
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
        run_hook("comment.held", comment=comment, project=project)
    if parent is not None and parent.author_id != author.id and comment.is_published:
        _notify_reply(parent, comment, project)
    return comment


def is_held(author, project) -> bool:
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


def published_comment_count(user) -> int:
    """Hook answer: how many of the account's comments are public (first-N pre-moderation)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.author_id == user.id, Comment.status == CommentStatus.PUBLISHED.value)
    )


def notify_reply(comment: Comment, project) -> None:
    """Tell the parent's author about a reply once it is published (also after pre-moderation)."""
    if comment.parent_id is None or not comment.is_published:
        return
    parent = db.session.get(Comment, comment.parent_id)
    if parent is not None and parent.author_id != comment.author_id:
        _notify_reply(parent, comment, project)


def _notify_reply(parent: Comment, reply: Comment, project) -> None:
    from participation.accounts.models import User
    from participation.notifications.services import notify

    # The text names no person and quotes nothing: hidden or deleted replies leave no trace in it.
    notify(
        db.session.get(User, parent.author_id),
        REPLY_KIND,
        {"project": project.title},
        permalink(project, reply.id),
    )


def edit_comment(author, project, comment: Comment, body: str) -> CommentRevision:
    """Replace the text of one's own comment; the earlier text is kept as a revision."""
    if not policy.can_edit_comment(author, project, comment):
        raise NotAllowed("edit comment")
    revision = comment.change_body(body, str(render_markdown(body)), author.id)
    db.session.add(revision)
    db.session.flush()
    return revision


def delete_comment(author, project, comment: Comment) -> None:
    """Delete one's own comment: the text and its earlier versions go, replies stay."""
    if not policy.can_delete_comment(author, project, comment):
        raise NotAllowed("delete comment")
    comment.delete_by_author()
    db.session.execute(CommentRevision.__table__.delete().where(CommentRevision.comment_id == comment.id))
    db.session.flush()


# --- votes ------------------------------------------------------------------------------------------


def _counts(value: int | None) -> tuple[int, int]:
    return (1 if value == 1 else 0, 1 if value == -1 else 0)


def vote(user, project, comment: Comment, value: int) -> int | None:
    """Set the person's vote to +1 or -1, or remove it with 0; returns the vote now stored."""
    if value not in (-1, 0, 1):
        raise ValueError("vote must be -1, 0 or 1")
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
        existing = _own_vote(user, comment)
        old = existing.value
        existing.value = value
    db.session.flush()
    new = value or None
    _adjust_score(comment, old, new)
    return new


def _own_vote(user, comment: Comment) -> CommentVote | None:
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
        .execution_options(synchronize_session=False)
    )
    db.session.expire(comment, ["score", "upvotes", "downvotes"])


# --- reports ----------------------------------------------------------------------------------------


def report(reporter, project, comment: Comment, reason: str, text: str | None) -> CommentReport:
    """Report someone else's comment once, with a reason (and a text for some reasons)."""
    if not policy.can_report(reporter, project, comment):
        raise NotAllowed("report")
    reason_code = ReportReason(reason)
    if reason_code in REASONS_NEEDING_TEXT and not (text or "").strip():
        raise InvalidState("text required")
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
    stored = db.session.scalar(
        select(CommentReport).where(
            CommentReport.comment_id == comment.id, CommentReport.reporter_id == reporter.id
        )
    )
    # The moderation queue (a later domain) opens or reopens its item and may auto-hide.
    run_hook("comment.reported", report=stored, comment=comment, project=project)
    return stored


def has_reported(user, comment: Comment) -> bool:
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


MODERATED_HOOK = "comment.moderated"
REASONS_HOOK = "comment.moderation_reasons"


def reason_categories() -> list[tuple[str, str]]:
    """The reason categories for hiding, as (code, label): the moderation desk answers the hook."""
    return [pair for answer in collect_hook(REASONS_HOOK) for pair in answer]


def hide_comment(moderator, comment: Comment, reason: str, reason_code: str | None) -> None:
    """Hide a comment in place (reversible); the moderation desk records the decision and tells the author."""
    if not policy.can_hide_comment(moderator, comment):
        raise NotAllowed("hide comment")
    comment.hide(moderator.id, reason)
    db.session.flush()
    # A later domain (moderation) makes this a decision like one from its queue: statement of
    # reasons, appeal, the comment's queue item closed, audit-log row. It may refuse (raise).
    run_hook(
        MODERATED_HOOK,
        moderator=moderator,
        comment=comment,
        action="hide",
        reason_code=reason_code,
        text=reason,
    )


def restore_comment(moderator, comment: Comment, reason: str) -> None:
    """Publish a hidden comment again; the moderation desk records the decision."""
    if not policy.can_restore_comment(moderator, comment):
        raise NotAllowed("restore comment")
    comment.restore()
    db.session.flush()
    run_hook(
        MODERATED_HOOK, moderator=moderator, comment=comment, action="restore", reason_code=None, text=reason
    )


def revisions(comment: Comment) -> list[CommentRevision]:
    """Earlier versions of a comment, newest first (moderators only; the view checks)."""
    return list(
        db.session.scalars(
            select(CommentRevision)
            .where(CommentRevision.comment_id == comment.id)
            .order_by(CommentRevision.id.desc())
        )
    )
