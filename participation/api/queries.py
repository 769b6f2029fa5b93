"""What the public API lists: the public's view of each domain, as keyset-paged SQL (one query a page).

Every list asks for limit + 1 rows by id (newest first, comments oldest first) so the page knows
whether a next one exists; no query runs per item.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from participation.core.types import utcnow
from participation.discussions.models import Comment
from participation.discussions.visibility import visible_filter
from participation.projects.models import Project
from participation.surveys.models import Question, Survey
from participation.wiki.models import WikiPage, WikiRevision
from participation.wiki.queries import visible_revisions_query


def listed_surveys_filter():
    """SQL twin of surveys.policy.can_see_listed for the public: open, or closed with published results."""
    now = utcnow()
    published = Survey.published_at.is_not(None)
    closed = or_(Survey.closed_at.is_not(None), and_(Survey.ends_at.is_not(None), Survey.ends_at <= now))
    started = or_(Survey.starts_at.is_(None), Survey.starts_at <= now)
    return and_(published, or_(and_(~closed, started), and_(closed, Survey.results_published.is_(True))))


def _before(query: Select, column, cursor: list[int] | None, limit: int) -> Select:
    if cursor is not None:
        query = query.where(column < cursor[0])
    return query.order_by(column.desc()).limit(limit + 1)


def projects(phase: str | None, district: str | None, cursor: list[int] | None, limit: int) -> Select:
    """Projects, newest first, filtered by phase and district."""
    query = select(Project)
    if phase:
        query = query.where(Project.phase == phase)
    if district:
        query = query.where(Project.district == district)
    return _before(query, Project.id, cursor, limit)


def surveys(project_id: int | None, cursor: list[int] | None, limit: int) -> Select:
    """Surveys the public sees listed, newest first."""
    query = select(Survey).where(listed_surveys_filter())
    if project_id is not None:
        query = query.where(Survey.project_id == project_id)
    return _before(query, Survey.id, cursor, limit)


def survey_with_questions(survey_id: int) -> Select:
    """One listed survey with its pages, questions and options loaded in a fixed number of queries."""
    return (
        select(Survey)
        .where(Survey.id == survey_id, listed_surveys_filter())
        .options(
            selectinload(Survey.pages),
            selectinload(Survey.questions).selectinload(Question.options),
        )
    )


def visible_comments(project_id: int, cursor: list[int] | None, limit: int) -> Select:
    """A project's comments an anonymous reader may read (the discussions' one rule), oldest first."""
    query = select(Comment).where(Comment.project_id == project_id, visible_filter(None))
    if cursor is not None:
        query = query.where(Comment.id > cursor[0])
    return query.order_by(Comment.id).limit(limit + 1)


def wiki_pages(cursor: list[int] | None, limit: int) -> Select:
    """Wiki pages with an approved text, newest first, with that text loaded."""
    # The approved revision and the project are joined by the model itself (lazy="joined").
    query = select(WikiPage).where(WikiPage.approved_revision_id.is_not(None))
    return _before(query, WikiPage.id, cursor, limit)


def wiki_revisions(page: WikiPage, cursor: list[int] | None, limit: int) -> Select:
    """A page's approved revisions (the wiki's own query for an anonymous reader), newest first."""
    query = visible_revisions_query(page, None).order_by(None)
    return _before(query, WikiRevision.id, cursor, limit)
