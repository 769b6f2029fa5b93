"""Reading the desk: the queue page (the moderation log: audit_log.py; public figures: transparency.py)."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from participation.accounts.models import User
from participation.discussions.models import Comment, CommentReport, CommentStatus, ReportReason
from participation.extensions import db
from participation.moderation.models import (
    Appeal,
    AppealStatus,
    Decision,
    ItemStatus,
    ModerationItem,
    TargetType,
)
from participation.moderation.queue_rows import build_rows, new_account_since
from participation.projects.models import Project

PAGE_SIZE = 50
HELD = "vorab"
TYPE_PARAMS = {"kommentar": TargetType.COMMENT, "wiki": TargetType.WIKI_REVISION}
APPEAL_TYPE = "einspruch"


def queue_page(kind: str, reason: str, project_id: int | None, new_only: bool, number: int):
    """Open items oldest first, filtered; returns (pagination, rows) with everything loaded in bulk."""
    query = select(ModerationItem).where(ModerationItem.status == ItemStatus.OPEN.value)
    if new_only:
        new_authors = select(User.id).where(User.created_at >= new_account_since())
        query = query.where(ModerationItem.author_id.in_(new_authors))
    if kind in TYPE_PARAMS:
        query = query.where(ModerationItem.target_type == TYPE_PARAMS[kind].value)
    if project_id is not None:
        query = query.where(ModerationItem.project_id == project_id)
    if reason == HELD:
        held_comments = select(Comment.id).where(Comment.status == CommentStatus.PENDING.value)
        query = query.where(
            or_(
                ModerationItem.target_type == TargetType.WIKI_REVISION.value,
                ModerationItem.target_id.in_(held_comments),
            )
        )
    elif reason in {r.value for r in ReportReason}:
        reported = select(CommentReport.comment_id).where(
            CommentReport.reason == reason, CommentReport.resolved_at.is_(None)
        )
        query = query.where(
            ModerationItem.target_type == TargetType.COMMENT.value, ModerationItem.target_id.in_(reported)
        )
    query = query.order_by(ModerationItem.opened_at, ModerationItem.id)
    pagination = db.paginate(query, page=number, per_page=PAGE_SIZE, error_out=False)
    return pagination, build_rows(pagination.items)


def open_appeals(limit: int = 100) -> list[tuple[Appeal, Decision]]:
    """Appeals waiting for a decision, oldest first."""
    return list(
        db.session.execute(
            select(Appeal, Decision)
            .join(Decision, Decision.id == Appeal.decision_id)
            .where(Appeal.status == AppealStatus.OPEN.value)
            .order_by(Appeal.created_at, Appeal.id)
            .limit(limit)
        ).all()
    )


def open_work_count() -> int:
    """Open queue items plus open appeals: the number beside "Moderation" in the header (one query)."""
    open_items = ModerationItem.status == ItemStatus.OPEN.value
    items = select(func.count(ModerationItem.id)).where(open_items).scalar_subquery()
    appeals = select(func.count(Appeal.id)).where(Appeal.status == AppealStatus.OPEN.value).scalar_subquery()
    return int(db.session.scalar(select(items + appeals)) or 0)


def projects_with_items() -> list[Project]:
    """Projects that have open items (for the project filter)."""
    ids = select(ModerationItem.project_id).where(ModerationItem.status == ItemStatus.OPEN.value)
    return list(db.session.scalars(select(Project).where(Project.id.in_(ids)).order_by(Project.title)))


def reports_for(comment_id: int) -> list[CommentReport]:
    return list(
        db.session.scalars(
            select(CommentReport).where(CommentReport.comment_id == comment_id).order_by(CommentReport.id)
        )
    )


def decisions_for(item_id: int) -> list[Decision]:
    return list(db.session.scalars(select(Decision).where(Decision.item_id == item_id).order_by(Decision.id)))


def decisions_about(user_id: int) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision).where(Decision.subject_id == user_id).order_by(Decision.id.desc()).limit(100)
        )
    )
