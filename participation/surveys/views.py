"""The surveys blueprint and the loaders its view modules share (load, authorize, 404 for strangers)."""

from __future__ import annotations

from flask import Blueprint, abort, g, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from participation.core.forms import PostOnlyForm
from participation.core.permissions import require
from participation.extensions import db
from participation.surveys import policy, services, structure_cache
from participation.surveys.models import Option, Question, State, Survey, SurveyPage

bp = Blueprint("surveys", __name__, url_prefix="/umfragen")


def load_survey(survey_id: int) -> Survey:
    """The survey with pages, questions, options and conditions, loaded afresh: two queries however large."""
    # The survey row with its pages and their conditions, then the questions (structure_cache.questions_of).
    # Questions are handed to the survey's and the pages' collections rather than loaded by selectinload
    # options: those would also run again whenever the survey is refreshed after the view's commit, just
    # for the redirect.
    survey = db.session.get(
        Survey, survey_id, options=[joinedload(Survey.pages).joinedload(SurveyPage.conditions)]
    )
    if survey is None:
        abort(404)
    questions = structure_cache.questions_of(survey.id)
    structure_cache.hand_to_pages(survey.pages, questions)
    structure_cache.hand_to_survey(survey, questions)
    return survey


def seal_on_write(survey: Survey) -> None:
    """On a POST, seal a survey that has ended by the clock and is not sealed yet; a GET never writes."""
    if request.method != "POST" or not services.seal_if_closed(survey):
        return
    # Committed at once, before the view's own work: a POST the view then refuses (answers to an ended
    # survey) or rolls back (a refused builder action) must not take the seal back with it.
    db.session.commit()


def load_public_survey(survey_id: int) -> Survey:
    """A published survey for answering (drafts are 404 for everyone but their editors); its structure
    comes from this worker's copy (structure_cache.py): one query while the structure is unchanged."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not policy.can_view_survey(current_user, survey):
        abort(404)
    seal_on_write(survey)
    structure_cache.give_structure(survey)
    return survey


def load_editable(survey_id: int) -> Survey:
    """A survey the current user may edit (login redirect / 403 otherwise)."""
    require(policy.can_create_surveys(current_user))
    survey = load_survey(survey_id)
    require(policy.can_edit_survey(current_user, survey))
    seal_on_write(survey)
    return survey


def child(survey: Survey, model, object_id: int):
    """A page/question/option of THIS survey; ids from other surveys are 404."""
    obj = db.session.get(model, object_id)
    owner = (
        {
            SurveyPage: lambda o: o.survey_id,
            Question: lambda o: o.survey_id,
            Option: lambda o: o.question.survey_id,
        }[model](obj)
        if obj is not None
        else None
    )
    if owner != survey.id:
        abort(404)
    return obj


def check_csrf() -> None:
    """Abort with 400 unless the POST carries a valid CSRF token (forms without fields)."""
    if g.get("csrf_valid"):
        return  # CSRFProtect checked this request's token already (no form built to say so again)
    if not PostOnlyForm().validate_on_submit():
        abort(400)


def home_section() -> dict:
    """Open surveys for the start page (at most three)."""
    surveys = db.session.scalars(
        select(Survey)
        .where(Survey.published_at.is_not(None), Survey.closed_at.is_(None))
        .order_by(Survey.id.desc())
        .limit(20)
    ).all()
    return {"surveys": [s for s in surveys if s.state is State.OPEN][:3]}
