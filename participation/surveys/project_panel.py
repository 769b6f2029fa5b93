"""The project page's panel listing the surveys linked to the project (one query however many)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy import select

from participation.extensions import db
from participation.surveys import policy
from participation.surveys.models import Survey


def linked_surveys(project_id: int, user) -> list[Survey]:
    """The project's surveys the viewer may see listed (citizens: open, or closed with published results)."""
    query = select(Survey).where(Survey.project_id == project_id).order_by(Survey.id.desc())
    if not policy.can_list_managed_surveys(user):
        # Drafts never reach citizens; the state (it follows the clock) is decided per survey below.
        query = query.where(Survey.published_at.is_not(None))
    return [s for s in db.session.scalars(query) if policy.can_see_listed(user, s)]


def survey_panel(project, **_options: Any) -> dict | None:
    """Panel context: the visible linked surveys, or None to leave the panel out."""
    surveys = linked_surveys(project.id, current_user)
    return {"surveys": surveys} if surveys else None
