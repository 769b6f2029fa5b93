"""Creating, changing and listing projects. Acting user first; flush, never commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from participation.accounts.models import User
from participation.core import audit
from participation.core.fulltext import match_ids, parse_query
from participation.core.permissions import InvalidState, NotAllowed
from participation.extensions import db
from participation.projects import policy, search_source
from participation.projects.models import Phase, Project

PAGE_SIZE = 20
HOME_LIMIT = 6
# The project's own texts and switches: what create_project and update_project set from `data`
# (the project form has a field of the same name for each).
FIELDS = (
    "title",
    "slug",
    "summary",
    "description",
    "district",
    "location_text",
    "latitude",
    "longitude",
    "phase",
    "department",
    "contact",
    "discussion_open",
    "premoderation",
)


# Planned start and end of each phase, by phase name.
PhaseDates = dict[str, tuple[date | None, date | None]]


class SlugTaken(InvalidState):
    """Another project already uses this slug."""


def get_by_slug(slug: str) -> Project | None:
    """The project with its phases in one query (the project page counts its queries)."""
    return db.session.scalar(select(Project).options(joinedload(Project.phases)).where(Project.slug == slug))


def _slug_taken(slug: str, project: Project | None) -> bool:
    query = select(Project.id).where(Project.slug == slug)
    if project is not None and project.id is not None:
        query = query.where(Project.id != project.id)
    return db.session.scalar(query) is not None


def _apply(project: Project, data: dict[str, Any], phase_dates: PhaseDates) -> None:
    for name in FIELDS:
        if name in data:
            value = data[name]
            if value == "" and name != "description":
                value = None  # empty optional fields are stored as NULL, not as ""
            setattr(project, name, value)
    project.set_phase_dates(phase_dates)


def create_project(actor: User, data: dict[str, Any], phase_dates: PhaseDates | None = None) -> Project:
    """Create a project (planners and admins); refuses a slug that is taken."""
    if not policy.can_manage_projects(actor):
        raise NotAllowed("create project")
    if _slug_taken(data["slug"], None):
        raise SlugTaken(data["slug"])
    project = Project(created_by_id=actor.id, description="", phase=Phase.INFORMATION.value)
    _apply(project, data, phase_dates or {})
    db.session.add(project)
    db.session.flush()
    audit.record(actor, "project.created", project)
    return project


def update_project(
    actor: User, project: Project, data: dict[str, Any], phase_dates: PhaseDates | None = None
) -> None:
    """Change a project's texts, phase and dates; the slug stays unique."""
    if not policy.can_edit_project(actor, project):
        raise NotAllowed("edit project")
    if data.get("slug") and _slug_taken(data["slug"], project):
        raise SlugTaken(data["slug"])
    before = {
        "phase": project.phase,
        "discussion_open": project.discussion_open,
        "premoderation": project.premoderation,
        "slug": project.slug,
    }
    _apply(project, data, phase_dates or {})
    db.session.flush()
    changed = {k: getattr(project, k) for k, v in before.items() if getattr(project, k) != v}
    audit.record(actor, "project.updated", project, **changed)


def delete_project(actor: User, project: Project) -> None:
    """Delete a project without comments (otherwise close its discussion instead); unlinks the rest."""
    if not policy.can_delete_project(actor, project):
        raise NotAllowed("delete project")
    label = project.title
    try:
        # Comments reference their project without ON DELETE: the database itself refuses to delete
        # a discussion with the project. Surveys, wiki pages and moderation items use ON DELETE
        # SET NULL: they (and any answers or revisions) stay, merely no longer linked to a project.
        # The caller must roll back after InvalidState (the failed flush spoils the transaction).
        db.session.delete(project)
        db.session.flush()
    except IntegrityError as error:
        raise InvalidState("project has contributions") from error
    audit.record(actor, "project.deleted", None, label=label)


def list_query(
    q: str | None = None, phase: str | None = None, district: str | None = None
) -> Select[Project]:
    """Projects for the public list: filter by phase and district, search their texts (site-wide engine)."""
    query = select(Project).order_by(Project.updated_at.desc(), Project.id.desc())
    if phase:
        query = query.where(Project.phase == phase)
    if district:
        query = query.where(Project.district == district)
    if q:
        query = query.where(Project.id.in_(match_ids(search_source.KIND, parse_query(q))))
    return query


def districts() -> list[str]:
    """The districts that have projects, for the filter."""
    return list(
        db.session.scalars(
            select(Project.district)
            .where(Project.district.is_not(None))
            .distinct()
            .order_by(Project.district)
        )
    )


def current_projects(limit: int = HOME_LIMIT) -> list[Project]:
    """Projects not yet completed, most recently changed first (start page)."""
    query = (
        select(Project)
        .where(Project.phase != Phase.COMPLETED.value)
        .order_by(Project.updated_at.desc(), Project.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
