"""The discussions part of "Meine Daten"; account deletion keeps comments under "Gelöschtes Konto"."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from participation.accounts.models import User
from participation.discussions.models import Comment, CommentReport, CommentRevision, CommentVote
from participation.discussions.visibility import visible_body
from participation.extensions import db
from participation.projects.models import Project


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_discussions(user: User) -> dict[str, Any]:
    """The person's comments (with earlier versions), votes and reports."""
    comments = db.session.execute(
        select(Comment, Project.slug)
        .join(Project, Project.id == Comment.project_id)
        .where(Comment.author_id == user.id)
        .order_by(Comment.id)
    ).all()
    revisions: dict[int, list[dict]] = {}
    for revision in db.session.scalars(
        select(CommentRevision)
        .join(Comment, Comment.id == CommentRevision.comment_id)
        .where(Comment.author_id == user.id)
        .order_by(CommentRevision.id)
    ):
        revisions.setdefault(revision.comment_id, []).append(
            {
                "body": revision.body,
                "written_at": _iso(revision.written_at),
                "replaced_at": _iso(revision.replaced_at),
            }
        )
    votes = db.session.execute(
        select(CommentVote.comment_id, CommentVote.value, CommentVote.created_at)
        .where(CommentVote.user_id == user.id)
        .order_by(CommentVote.id)
    ).all()
    reports = db.session.scalars(
        select(CommentReport).where(CommentReport.reporter_id == user.id).order_by(CommentReport.id)
    )
    return {
        "comments": [
            _comment(comment, slug, user, revisions.get(comment.id, [])) for comment, slug in comments
        ],
        "votes": [
            {"comment_id": v.comment_id, "value": v.value, "created_at": _iso(v.created_at)} for v in votes
        ],
        "reports": [
            {"comment_id": r.comment_id, "reason": r.reason, "text": r.text, "created_at": _iso(r.created_at)}
            for r in reports
        ],
    }


def _comment(comment: Comment, slug: str, user: User, revisions: list[dict]) -> dict[str, Any]:
    # The same visibility rule as everywhere: authors read their own texts, deleted ones are gone.
    view = visible_body(comment, user)
    return {
        "id": comment.id,
        "project": slug,
        "parent_id": comment.parent_id,
        "status": comment.status,
        "body": comment.body if view.readable else None,
        "created_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at),
        "earlier_versions": revisions if view.readable else [],
    }
