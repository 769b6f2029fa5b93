"""What the feeds and the open data read: one bounded query per list, only what the public may see."""

from __future__ import annotations

from flask_login import AnonymousUserMixin
from sqlalchemy import Row, func, or_, select

from participation.core.types import utcnow
from participation.discussions.models import Comment
from participation.discussions.visibility import visible_filter
from participation.extensions import db
from participation.projects.models import Project
from participation.surveys.models import Survey
from participation.surveys.policy import can_view_public_results
from participation.wiki.models import RevisionState, WikiPage, WikiRevision

from .atom import LIMIT

# Feeds are read by anyone without logging in: every filter is the public's.
PUBLIC = AnonymousUserMixin()


def latest_projects() -> list[Project]:
    """The most recently changed projects (new ones and phase changes), newest first."""
    return list(
        db.session.scalars(
            select(Project).order_by(Project.updated_at.desc(), Project.id.desc()).limit(LIMIT)
        )
    )


def project_by_slug(slug: str) -> Project | None:
    """A project by its address."""
    return db.session.scalar(select(Project).where(Project.slug == slug))


def visible_comments(project: Project) -> list[Row]:
    """(id, text, time) of the newest comments the public may read, through the one visibility rule."""
    rows = db.session.execute(
        select(Comment.id, Comment.body, Comment.created_at)
        .where(Comment.project_id == project.id, visible_filter(PUBLIC))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(LIMIT)
    )
    return list(rows)


def approved_revisions() -> list[Row]:
    """The newest approved wiki revisions (id, title, summary, time, slug, page_id); never pending ones."""
    rows = db.session.execute(
        select(
            WikiRevision.id,
            WikiRevision.title,
            WikiRevision.summary,
            func.coalesce(WikiRevision.decided_at, WikiRevision.created_at).label("time"),
            WikiPage.slug,
            WikiPage.id.label("page_id"),
        )
        .join(WikiPage, WikiPage.id == WikiRevision.page_id)
        .where(
            WikiRevision.state == RevisionState.APPROVED.value,
            WikiPage.approved_revision_id.is_not(None),
        )
        .order_by(WikiRevision.decided_at.desc(), WikiRevision.id.desc())
        .limit(LIMIT)
    )
    return list(rows)


def published_results(limit: int | None = LIMIT) -> list[Survey]:
    """Closed surveys whose results the planner published, newest change first."""
    now = utcnow()
    query = (
        select(Survey)
        .where(
            Survey.results_published.is_(True),
            Survey.published_at.is_not(None),
            or_(Survey.closed_at.is_not(None), Survey.ends_at <= now),
        )
        .order_by(Survey.updated_at.desc(), Survey.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    # The SQL narrows; the survey policy decides (the same rule as the public results page).
    return [s for s in db.session.scalars(query) if can_view_public_results(PUBLIC, s)]
