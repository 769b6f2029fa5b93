"""Who may comment, reply, edit, delete, vote, report and moderate. Pure functions, also in templates."""

from __future__ import annotations

from collections.abc import Callable

from participation.accounts.policy import can_contribute, can_participate
from participation.discussions.models import CommentStatus
from participation.discussions.visibility import sees_everything

_EDITABLE = (CommentStatus.PUBLISHED, CommentStatus.PENDING)


def _is_author(user, comment) -> bool:
    return bool(user is not None and user.is_authenticated and user.id == comment.author_id)


def can_comment(user, project) -> bool:
    """Verified, active, not muted citizens write in open discussions."""
    return can_contribute(user) and project.discussion_open


def can_reply(user, project, comment) -> bool:
    """Replies go to published comments of an open discussion."""
    return can_comment(user, project) and comment.status == CommentStatus.PUBLISHED


def can_edit_comment(user, project, comment) -> bool:
    """Authors edit their own published or pending comments while the discussion is open."""
    return can_comment(user, project) and _is_author(user, comment) and comment.status in _EDITABLE


def can_delete_comment(user, project, comment) -> bool:
    """Authors delete their own published or pending comments (even after the discussion closed)."""
    return can_participate(user) and _is_author(user, comment) and comment.status in _EDITABLE


def can_vote(user, project, comment) -> bool:
    """Others' published comments in an open discussion can be voted on."""
    return (
        can_comment(user, project)
        and not _is_author(user, comment)
        and comment.status == CommentStatus.PUBLISHED
    )


def can_report(user, project, comment) -> bool:
    """Anyone taking part (not muted) reports others' published comments, open discussion or not."""
    return (
        can_contribute(user) and not _is_author(user, comment) and comment.status == CommentStatus.PUBLISHED
    )


def can_moderate_comments(user) -> bool:
    """Moderators and admins hide and restore comments and read earlier versions."""
    return sees_everything(user)


def can_hide_comment(user, comment) -> bool:
    """Published or pending comments can be hidden by moderators."""
    return can_moderate_comments(user) and comment.status in _EDITABLE


def can_restore_comment(user, comment) -> bool:
    """Hidden comments can be restored by moderators."""
    return can_moderate_comments(user) and comment.status == CommentStatus.HIDDEN


TEMPLATE_POLICIES: dict[str, Callable[..., bool]] = {
    "can_comment": can_comment,
    "can_reply": can_reply,
    "can_edit_comment": can_edit_comment,
    "can_delete_comment": can_delete_comment,
    "can_vote": can_vote,
    "can_report": can_report,
    "can_moderate_comments": can_moderate_comments,
    "can_hide_comment": can_hide_comment,
    "can_restore_comment": can_restore_comment,
}
