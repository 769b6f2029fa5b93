"""Reading the desk: the queue page and the moderation log (public figures: transparency.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select

from participation.accounts.models import User
from participation.core.models import AuditLogEntry
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
from participation.projects.models import Project
from participation.wiki.models import WikiRevision

PAGE_SIZE = 50
HELD = "vorab"
TYPE_PARAMS = {"kommentar": TargetType.COMMENT, "wiki": TargetType.WIKI_REVISION}
APPEAL_TYPE = "einspruch"
# Audit actions the moderation log shows (the admin log shows everything).
LOG_PREFIXES = ("moderation.", "comment.", "wiki.", "user.blocked", "user.unblocked")


@dataclass
class Row:
    item: ModerationItem
    target: Comment | WikiRevision | None
    author: User | None
    project: Project | None
    reasons: dict[str, int] = field(default_factory=dict)
    reporters: int = 0

    @property
    def held(self) -> bool:
        if self.target is None:
            return False
        if isinstance(self.target, WikiRevision):
            return True
        return self.target.status == CommentStatus.PENDING.value


def queue_page(kind: str, reason: str, project_id: int | None, number: int):
    """Open items oldest first, filtered; returns (pagination, rows) with everything loaded in bulk."""
    query = select(ModerationItem).where(ModerationItem.status == ItemStatus.OPEN.value)
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
    return pagination, _rows(pagination.items)


def _by_id(model, ids) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {obj.id: obj for obj in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _rows(items: list[ModerationItem]) -> list[Row]:
    comment_ids = [i.target_id for i in items if i.target_type == TargetType.COMMENT.value]
    revision_ids = [i.target_id for i in items if i.target_type == TargetType.WIKI_REVISION.value]
    comments = _by_id(Comment, comment_ids)
    revisions = _by_id(WikiRevision, revision_ids)
    users = _by_id(User, [i.author_id for i in items])
    projects = _by_id(Project, [i.project_id for i in items])
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    reporters: dict[int, int] = defaultdict(int)
    if comment_ids:
        for comment_id, reason, number in db.session.execute(
            select(CommentReport.comment_id, CommentReport.reason, func.count())
            .where(CommentReport.comment_id.in_(comment_ids), CommentReport.resolved_at.is_(None))
            .group_by(CommentReport.comment_id, CommentReport.reason)
        ):
            counts[comment_id][reason] = number
            # One report per person and comment (unique constraint): the sum is the reporter count.
            reporters[comment_id] += number
    rows = []
    for item in items:
        is_comment = item.target_type == TargetType.COMMENT.value
        target = (comments if is_comment else revisions).get(item.target_id)
        rows.append(
            Row(
                item=item,
                target=target,
                author=users.get(item.author_id),
                project=projects.get(item.project_id),
                reasons=dict(counts.get(item.target_id, {})) if is_comment else {},
                reporters=reporters.get(item.target_id, 0) if is_comment else 0,
            )
        )
    return rows


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


# --- moderation log ---------------------------------------------------------------------------------


def log_query(action: str, actor_id: int | None, since: datetime | None, until: datetime | None):
    """Moderation-relevant audit entries, newest first, filtered."""
    query = select(AuditLogEntry).where(
        or_(*[AuditLogEntry.action.startswith(prefix) for prefix in LOG_PREFIXES])
    )
    if action:
        query = query.where(AuditLogEntry.action == action)
    if actor_id is not None:
        query = query.where(AuditLogEntry.actor_id == actor_id)
    if since is not None:
        query = query.where(AuditLogEntry.created_at >= since)
    if until is not None:
        query = query.where(AuditLogEntry.created_at < until)
    return query.order_by(AuditLogEntry.id.desc())
