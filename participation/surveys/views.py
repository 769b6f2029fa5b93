"""The surveys blueprint and helpers shared by its view modules."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from participation.core.forms import PostOnlyForm
from participation.core.permissions import require
from participation.extensions import db
from participation.surveys import policy
from participation.surveys.answering import Evaluation, evaluate
from participation.surveys.conditions import describe
from participation.surveys.models import CHANNEL_LABELS, Option, Question, Survey, SurveyPage
from participation.surveys.questions import qtype
from participation.surveys.sealing import seal_if_closed

bp = Blueprint("surveys", __name__, url_prefix="/umfragen")


def load_survey(survey_id: int) -> Survey:
    """The survey with pages, questions, options and conditions in a fixed number of queries."""
    survey = db.session.get(
        Survey,
        survey_id,
        options=[
            selectinload(Survey.pages).selectinload(SurveyPage.conditions),
            selectinload(Survey.pages).selectinload(SurveyPage.questions),
            selectinload(Survey.questions).selectinload(Question.options),
            selectinload(Survey.questions).selectinload(Question.conditions),
        ],
    )
    if survey is None:
        abort(404)
    if seal_if_closed(survey):
        # Closing happens by the clock, so the first request that sees a survey closed seals it.
        db.session.commit()
    return survey


def load_public_survey(survey_id: int) -> Survey:
    """A published survey (drafts are 404 for everyone but their editors)."""
    survey = load_survey(survey_id)
    if not policy.can_view_survey(current_user, survey):
        abort(404)
    return survey


def load_editable(survey_id: int) -> Survey:
    """A survey the current user may edit (login redirect / 403 otherwise)."""
    require(policy.can_create_surveys(current_user))
    survey = load_survey(survey_id)
    require(policy.can_edit_survey(current_user, survey))
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
    if not PostOnlyForm().validate_on_submit():
        abort(400)


def render_questionnaire(
    survey: Survey,
    raw: dict,
    *,
    mode: str,
    page=None,
    evaluation: Evaluation | None = None,
    show_errors: dict | None = None,
    extra: dict | None = None,
    status: int = 200,
    **context,
):
    """The answering form: one page (citizens, preview) or all pages (assisted entry)."""
    evaluation = evaluation or evaluate(survey, raw)
    if mode == "assisted":
        blocks = [(p, p.questions) for p in survey.pages]
        rendered = {q.id for q in survey.questions}
    else:
        page = page or evaluation.pages[0]
        visible = [q for q in page.questions if q.id in evaluation.shown or _depends_on_page(q, page)]
        blocks = [(page, visible)]
        rendered = {q.id for q in visible}
    hidden = {name: values for name, values in raw.items() if _question_of(survey, name) not in rendered}
    pages = _potential_pages(survey, evaluation, page)
    index = pages.index(page) + 1 if page in pages else 1
    errors = show_errors or {}
    error_list = [(q, errors[q.id]) for q in survey.ordered_questions() if q.id in errors]
    return render_template(
        "surveys/survey_answer.html",
        survey=survey,
        blocks=blocks,
        raw=raw,
        hidden=hidden,
        errors=errors,
        error_list=error_list,
        mode=mode,
        page=page,
        page_number=index,
        page_count=max(len(pages), 1),
        is_last=page is None or index >= len(pages),
        qtype=qtype,
        describe=describe,
        extra=extra or {},
        channel_labels=CHANNEL_LABELS,
        shown=evaluation.shown,
        **context,
    ), status


def _potential_pages(survey: Survey, evaluation: Evaluation, current) -> list:
    """Pages shown so far plus later pages whose conditions cannot be decided yet (for the progress bar)."""
    result = []
    for page in survey.pages:
        undecided = any(evaluation.values.get(c.source_id) is None for c in page.conditions)
        if page in evaluation.pages or (
            undecided and current is not None and page.position > current.position
        ):
            result.append(page)
    return result


def _depends_on_page(question: Question, page: SurveyPage) -> bool:
    # Without JavaScript a question cannot appear while its page is filled in: show it with its condition.
    return any(c.source.page_id == page.id for c in question.conditions)


def _question_of(survey: Survey, name: str) -> int | None:
    head = name.split("_")[0]
    return int(head[1:]) if head.startswith("q") and head[1:].isdigit() else None


def flash_error_for(exc: Exception) -> str:
    """German explanations for refused builder actions."""
    messages = {
        "has responses": _(
            "Die Umfrage hat bereits Antworten: Fragen und Antwortmöglichkeiten können nicht mehr "
            "gelöscht werden, sonst gingen Antworten verloren. Formulierungen dürfen Sie ändern."
        ),
        "type fixed": _(
            "Die Umfrage hat bereits Antworten: Der Fragetyp kann nicht mehr geändert werden, sonst "
            "passten die gespeicherten Antworten nicht mehr. Formulierungen dürfen Sie ändern."
        ),
        "settings fixed": _(
            "Die Umfrage hat bereits Antworten: Grenzen, Skala und Auswahlregeln bleiben, wie sie "
            "sind. Formulierungen dürfen Sie ändern."
        ),
        "flags fixed": _(
            "Die Umfrage hat bereits Antworten: „Sonstiges“ und „schließt aus“ bleiben, wie sie sind."
        ),
        "participation mode fixed": _(
            "Die Umfrage hat bereits Antworten: Teilnahmeart und Anonymität können nicht "
            "mehr geändert werden."
        ),
        "conditions fixed": _(
            "Die Umfrage hat bereits Antworten: Bedingungen können nicht mehr hinzugefügt, gelöscht oder "
            "anders verknüpft werden, sonst stimmte in den Ergebnissen nicht mehr, wem eine Frage gezeigt "
            "wurde."
        ),
        "source of conditions": _(
            "Bedingungen anderer Fragen oder Seiten beziehen sich auf diese Frage. Löschen Sie zuerst "
            "diese Bedingungen, dann können Sie den Fragetyp ändern."
        ),
        "used in conditions": _(
            "Eine Bedingung bezieht sich darauf. Bitte löschen Sie zuerst die Bedingung."
        ),
        "page has questions": _("Die Seite enthält noch Fragen. Verschieben oder löschen Sie diese zuerst."),
        "last page": _("Eine Umfrage braucht mindestens eine Seite."),
        "condition order": _("Bedingungen dürfen sich nur auf Fragen beziehen, die vorher gestellt werden."),
        "operator": _("Diese Bedingung passt nicht zum Typ der Frage."),
        "option": _("Bitte wählen Sie eine Antwort dieser Frage."),
        "value": _("Bitte geben Sie einen Wert an."),
        "no questions": _("Die Umfrage braucht mindestens eine Frage."),
        "already published": _("Die Umfrage ist bereits veröffentlicht."),
        "not open": _("Die Umfrage ist nicht geöffnet."),
    }
    return messages.get(str(exc.args[0]) if exc.args else "", _("Das ist in diesem Zustand nicht möglich."))


def home_section() -> dict:
    """Open surveys for the start page (at most three)."""
    from sqlalchemy import select

    surveys = db.session.scalars(
        select(Survey)
        .where(Survey.published_at.is_not(None), Survey.closed_at.is_(None))
        .order_by(Survey.id.desc())
        .limit(20)
    ).all()
    return {"surveys": [s for s in surveys if s.state.value == "open"][:3]}
