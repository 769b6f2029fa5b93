"""Unfinished questionnaires kept to be resumed later."""

from __future__ import annotations

from participation.extensions import db
from participation.surveys.errors import NotAnswerable
from participation.surveys.models import Draft, State, Survey
from participation.surveys.questions import Raw


def save_draft(user, survey: Survey, raw: Raw, page_index: int) -> Draft:
    """Keep an account holder's unfinished answers (also in anonymous surveys, until they submit)."""
    if survey.state is not State.OPEN:
        raise NotAnswerable()
    draft = db.session.get(Draft, (survey.id, user.id))
    if draft is None:
        draft = Draft(survey_id=survey.id, user_id=user.id)
        db.session.add(draft)
    draft.data = raw
    draft.page = page_index
    return draft


def load_draft(user, survey: Survey) -> Draft | None:
    """The account's saved draft for this survey, if any."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.get(Draft, (survey.id, user.id))
