"""The queue's rows: each item with its content, context, reports and the author's standing.

Everything is loaded in bulk, one query per kind of object for the whole page, so the queue's
query count stays the same however many items wait (tests/moderation/test_queue_rows.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import format_timedelta
from markupsafe import Markup
from sqlalchemy import case, func, select

from participation.accounts.models import User
from participation.core.markup import plain_excerpt
from participation.core.types import utcnow
from participation.discussions.models import Comment, CommentReport, CommentStatus
from participation.extensions import db
from participation.moderation.models import RESTRICTIONS, Decision, ModerationItem, TargetType
from participation.projects.models import Project
from participation.wiki.diff import render_diff_excerpt
from participation.wiki.models import WikiPage, WikiRevision

# An account younger than this counts as new ("nur neue Konten", the tag in the row).
NEW_ACCOUNT_DAYS = 30
# About 200 characters of plain text: half on either side of the start.
EXCERPT_CONTEXT = 100


def new_account_since() -> datetime:
    """Accounts created after this moment are new."""
    return utcnow() - timedelta(days=NEW_ACCOUNT_DAYS)


@dataclass
class Standing:
    """What the queue says about an author: how new the account is and what was decided before."""

    created_at: datetime | None = None
    decisions: int = 0
    restrictions: int = 0

    @property
    def is_new(self) -> bool:
        return self.created_at is not None and self.created_at >= new_account_since()


@dataclass
class Row:
    item: ModerationItem
    target: Comment | WikiRevision | None
    author: User | None
    project: Project | None
    reports: list[CommentReport] = field(default_factory=list)
    standing: Standing = field(default_factory=Standing)
    parent: Comment | None = None
    page: WikiPage | None = None
    published: WikiRevision | None = None

    @property
    def age(self) -> str:
        """When the item entered the queue, in words ("vor 3 Stunden")."""
        return format_timedelta(self.item.opened_at - utcnow(), add_direction=True)

    @property
    def is_comment(self) -> bool:
        return self.item.target_type == TargetType.COMMENT.value

    @property
    def held(self) -> bool:
        if self.target is None:
            return False
        if isinstance(self.target, WikiRevision):
            return True
        return self.target.status == CommentStatus.PENDING.value

    @property
    def reasons(self) -> dict[str, int]:
        """Report reasons with how many people gave each."""
        counts: dict[str, int] = defaultdict(int)
        for report in self.reports:
            counts[report.reason] += 1
        return dict(counts)

    @property
    def reporters(self) -> int:
        # One report per person and comment (unique constraint): the reports are the reporters.
        return len(self.reports)

    @property
    def excerpt(self) -> str:
        """About 200 characters of the content as plain text."""
        if self.target is None:
            return ""
        return plain_excerpt(self.target.body, context=EXCERPT_CONTEXT)

    @property
    def parent_excerpt(self) -> str:
        return plain_excerpt(self.parent.body, context=EXCERPT_CONTEXT // 2) if self.parent else ""

    @property
    def diff(self) -> Markup:
        """The changed passages against the published text (wiki changes only)."""
        if not isinstance(self.target, WikiRevision):
            return Markup("")
        return render_diff_excerpt(self.published.body if self.published else "", self.target.body)

    @property
    def title_changed(self) -> bool:
        return isinstance(self.target, WikiRevision) and (
            self.published is None or self.published.title != self.target.title
        )


def by_id(model, ids) -> dict:
    """The rows of `model` with these ids, in one query."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {obj.id: obj for obj in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _open_reports(comment_ids: list[int]) -> dict[int, list[CommentReport]]:
    reports: dict[int, list[CommentReport]] = defaultdict(list)
    if comment_ids:
        for report in db.session.scalars(
            select(CommentReport)
            .where(CommentReport.comment_id.in_(comment_ids), CommentReport.resolved_at.is_(None))
            .order_by(CommentReport.id)
        ):
            reports[report.comment_id].append(report)
    return reports


def _standings(users: dict[int, User]) -> dict[int, Standing]:
    standings = {user_id: Standing(created_at=user.created_at) for user_id, user in users.items()}
    if users:
        restriction = case((Decision.action.in_([a.value for a in RESTRICTIONS]), 1), else_=0)
        for subject_id, total, restrictions in db.session.execute(
            select(Decision.subject_id, func.count(), func.sum(restriction))
            .where(Decision.subject_id.in_(list(users)))
            .group_by(Decision.subject_id)
        ):
            standings[subject_id].decisions = int(total)
            standings[subject_id].restrictions = int(restrictions or 0)
    return standings


def build_rows(items: list[ModerationItem]) -> list[Row]:
    """The rows for these items, with a fixed number of queries for any number of items."""
    comment_ids = [i.target_id for i in items if i.target_type == TargetType.COMMENT.value]
    revision_ids = [i.target_id for i in items if i.target_type == TargetType.WIKI_REVISION.value]
    comments = by_id(Comment, comment_ids)
    revisions = by_id(WikiRevision, revision_ids)
    parents = by_id(Comment, [c.parent_id for c in comments.values()])
    pages = by_id(WikiPage, [r.page_id for r in revisions.values()])
    published = by_id(WikiRevision, [p.approved_revision_id for p in pages.values()])
    users = by_id(User, [i.author_id for i in items])
    projects = by_id(Project, [i.project_id for i in items])
    reports = _open_reports(comment_ids)
    standings = _standings(users)
    rows = []
    for item in items:
        is_comment = item.target_type == TargetType.COMMENT.value
        target = (comments if is_comment else revisions).get(item.target_id)
        row = Row(
            item=item,
            target=target,
            author=users.get(item.author_id),
            project=projects.get(item.project_id),
            reports=reports.get(item.target_id, []) if is_comment else [],
            standing=standings.get(item.author_id or 0, Standing()),
        )
        if isinstance(target, Comment):
            row.parent = parents.get(target.parent_id)
        elif isinstance(target, WikiRevision):
            row.page = pages.get(target.page_id)
            row.published = published.get(row.page.approved_revision_id) if row.page else None
        rows.append(row)
    return rows
