"""Who may comment, reply, edit, delete, vote, report and moderate. Pure functions, also in templates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from participation.accounts.policy import Viewer, can_contribute, can_participate
from participation.discussions.models import CommentStatus
from participation.discussions.visibility import sees_everything
from participation.projects.models import Project

_EDITABLE = (CommentStatus.PUBLISHED, CommentStatus.PENDING)


class CommentFacts(Protocol):
    """What the rules read of a comment: a Comment, or cards.py's stand-in for a kind of comment."""

    @property
    def status(self) -> str: ...

    @property
    def author_id(self) -> int | None: ...


def _is_author(user: Viewer, comment: CommentFacts) -> bool:
    return bool(user is not None and user.is_authenticated and user.id == comment.author_id)


def can_comment(user: Viewer, project: Project) -> bool:
    """Verified, active, not muted citizens write in open discussions."""
    return can_contribute(user) and project.discussion_open


def can_reply(user: Viewer, project: Project, comment: CommentFacts) -> bool:
    """Replies go to published comments of an open discussion."""
    return can_comment(user, project) and comment.status == CommentStatus.PUBLISHED


def can_edit_comment(user: Viewer, project: Project, comment: CommentFacts) -> bool:
    """Authors edit their own published or pending comments while the discussion is open."""
    return can_comment(user, project) and _is_author(user, comment) and comment.status in _EDITABLE


def can_delete_comment(user: Viewer, project: Project, comment: CommentFacts) -> bool:
    """Authors delete their own published or pending comments (even after the discussion closed)."""
    return can_participate(user) and _is_author(user, comment) and comment.status in _EDITABLE


def can_vote(user: Viewer, project: Project, comment: CommentFacts) -> bool:
    """Others' published comments in an open discussion can be voted on."""
    return (
        can_comment(user, project)
        and not _is_author(user, comment)
        and comment.status == CommentStatus.PUBLISHED
    )


def can_report(user: Viewer, project: Project, comment: CommentFacts) -> bool:
    """Anyone taking part (not muted) reports others' published comments, open discussion or not."""
    return (
        can_contribute(user) and not _is_author(user, comment) and comment.status == CommentStatus.PUBLISHED
    )


def can_moderate_comments(user: Viewer) -> bool:
    """Moderators and admins hide and restore comments and read earlier versions."""
    return sees_everything(user)


def can_hide_comment(user: Viewer, comment: CommentFacts) -> bool:
    """Published or pending comments can be hidden by moderators."""
    return can_moderate_comments(user) and comment.status in _EDITABLE


def can_restore_comment(user: Viewer, comment: CommentFacts) -> bool:
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
