"""Reading the wiki: every query here returns only what the given reader may see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from participation.accounts.models import User
from participation.core.fulltext import match_ids, parse_query
from participation.core.markup import plain_excerpt
from participation.extensions import db
from participation.projects.models import Project
from participation.wiki import policy, search_source
from participation.wiki.models import RevisionState, WikiPage, WikiRevision

PAGE_SIZE = 20
EXCERPT_CHARS = 90


def page_by_slug(slug: str) -> WikiPage | None:
    return db.session.scalar(select(WikiPage).where(WikiPage.slug == slug))


def published_pages(term: str, number: int, project_id: int | None = None):
    """One page of published pages (title order), filtered by title or approved text when searching."""
    approved = aliased(WikiRevision)
    query = (
        select(WikiPage)
        .join(approved, approved.id == WikiPage.approved_revision_id)
        .options(contains_eager(WikiPage.approved_revision.of_type(approved)))
        .order_by(func.lower(WikiPage.title), WikiPage.id)
    )
    if project_id is not None:
        query = query.where(WikiPage.project_id == project_id)
    if term:
        # The site-wide engine: German word forms, only published text (the index holds nothing else).
        query = query.where(WikiPage.id.in_(match_ids(search_source.KIND, parse_query(term))))
    return db.paginate(query, page=number, per_page=PAGE_SIZE, error_out=False)


def excerpt(body: str, term: str) -> str:
    """A short plain-text piece of the page around the first match (Markdown stripped, whole words)."""
    return plain_excerpt(body, term, EXCERPT_CHARS)


def visible_revisions_query(page: WikiPage, viewer):
    """The page's revisions this reader may see, newest first: approved, plus own, or all for reviewers."""
    query = select(WikiRevision).where(WikiRevision.page_id == page.id).order_by(WikiRevision.id.desc())
    if policy.can_review_wiki(viewer):
        return query
    if viewer is not None and viewer.is_authenticated:
        return query.where(
            or_(WikiRevision.state == RevisionState.APPROVED.value, WikiRevision.author_id == viewer.id)
        )
    return query.where(WikiRevision.state == RevisionState.APPROVED.value)


def history(page: WikiPage, viewer, number: int):
    return db.paginate(visible_revisions_query(page, viewer), page=number, per_page=50, error_out=False)


def own_pending(page: WikiPage, user: User) -> WikiRevision | None:
    """The reader's own change to this page that waits for review, if any."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(WikiRevision)
        .where(
            WikiRevision.page_id == page.id,
            WikiRevision.author_id == user.id,
            WikiRevision.state == RevisionState.PENDING.value,
        )
        .order_by(WikiRevision.id.desc())
        .limit(1)
    )


def has_own_revision(page: WikiPage, user: User) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return (
        db.session.scalar(
            select(WikiRevision.id)
            .where(WikiRevision.page_id == page.id, WikiRevision.author_id == user.id)
            .limit(1)
        )
        is not None
    )


def revision_of(page: WikiPage, revision_id: int) -> WikiRevision | None:
    revision = db.session.get(WikiRevision, revision_id)
    if revision is None or revision.page_id != page.id:
        return None
    return revision


def approved_revision_count(user: User) -> int:
    """Answer to core's contributions question: the account's published changes (first-N pre-moderation)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(WikiRevision)
            .where(WikiRevision.author_id == user.id, WikiRevision.state == RevisionState.APPROVED.value)
        )
        or 0
    )


def pages_for_project(project_id: int) -> list[WikiPage]:
    """Published pages linked to one project (for the project page's panel)."""
    return list(
        db.session.scalars(
            select(WikiPage)
            .where(WikiPage.project_id == project_id, WikiPage.approved_revision_id.is_not(None))
            .order_by(func.lower(WikiPage.title))
        )
    )


def project_panel(project: Project, **_options: Any) -> dict[str, Any] | None:
    """The project page's wiki panel: its published pages, or nothing when it has none."""
    pages = pages_for_project(project.id)
    return {"pages": pages} if pages else None


def export_revisions(user: User) -> list[dict]:
    """The wiki part of "Meine Daten": every revision the person wrote, whatever its state."""
    rows = db.session.scalars(
        select(WikiRevision)
        .where(WikiRevision.author_id == user.id)
        .options(joinedload(WikiRevision.page))
        .order_by(WikiRevision.id)
    )
    return [
        {
            "page": r.page.slug,
            "title": r.title,
            "summary": r.summary,
            "body": r.body,
            "state": r.state,
            "created_at": r.created_at.isoformat(),
            "decision_reason": r.decision_reason,
        }
        for r in rows
    ]
