"""Answering: evaluate conditions, validate every shown question, store one typed row per answer.

Branching, decided on the server: a question whose conditions do not hold is not shown, never required
and never stored (its posted values are dropped by `raw_from_form`). A question that depends on an
answer on its own page is sent with that page, hidden (`hidden` attribute) while it does not apply, with
a marker field `q<id>_hidden`. With JavaScript (static/js/branching.js) it appears live and the marker is
switched off. Without JavaScript the marker comes back: when the answers now make such a question apply,
"Weiter" shows the same page again with the question visible (`Evaluation.unseen`), before going on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import delete, exists, select

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.answering.codes import consume_code, hash_code
from participation.surveys.answering.sealing import mark_participation, mix_used_code
from participation.surveys.answering.storing import answer_rows, insert_answer_rows, store_response
from participation.surveys.conditions import all_hold
from participation.surveys.errors import ChangesNotAllowed, NotAnswerable, UnknownChannel
from participation.surveys.models import (
    Access,
    Answer,
    Channel,
    Participation,
    Response,
    State,
    Survey,
)
from participation.surveys.questions import AnswerError, Raw, qtype

BERLIN = ZoneInfo("Europe/Berlin")


class AnswersInvalid(Exception):
    """Some shown questions were answered wrongly or not at all; nothing was stored."""

    def __init__(self, evaluation: Evaluation):
        super().__init__("invalid answers")
        self.evaluation = evaluation


class AlreadyAnswered(Exception):
    """This account or code has already been used for this survey."""


class CodeRejected(Exception):
    """The code is unknown, belongs to another survey or was used already."""


@dataclass
class Evaluation:
    """What a set of raw answers means: which pages/questions are shown, their values, their errors."""

    pages: list  # visible pages, in order
    shown: set[int] = field(default_factory=set)
    values: dict[int, Any] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    # Shown questions that were hidden when their page was sent (no JavaScript): the page comes again.
    unseen: set[int] = field(default_factory=set)

    def errors_on(self, page) -> dict[int, str]:
        """The errors of the questions on one page, and questions that now apply there but were not seen."""
        ids = {q.id for q in page.questions}
        result = {qid: msg for qid, msg in self.errors.items() if qid in ids}
        for qid in self.unseen & ids:
            result.setdefault(qid, _("Nach Ihrer Antwort gilt diese Frage jetzt auch für Sie."))
        return result


HIDDEN_MARK = "_hidden"


def marker_name(question) -> str:
    """The field sent with a question that was hidden when its page was shown (see the module docstring)."""
    return f"q{question.id}{HIDDEN_MARK}"


def depends_on_own_page(question) -> bool:
    """Does a condition of this question look at an answer on the same page?"""
    return any(c.source.page_id == question.page_id for c in question.conditions)


def today() -> date:
    """The day in the municipality's time zone; anonymous responses keep nothing finer."""
    return utcnow().astimezone(BERLIN).date()


def raw_from_form(survey: Survey, form, *, applicable_only: bool = True) -> Raw:
    """Only the survey's own field names, as lists (anything else posted is ignored); by default
    without the answers of questions that do not apply (assisted entry keeps them to refuse them)."""
    raw: Raw = {}
    for question in survey.questions:
        for name in _names(question):
            values = [v for v in form.getlist(name) if v is not None]
            if values:
                raw[name] = values[:50]
    return applicable(survey, raw) if applicable_only else raw


def answers_from_form(survey: Survey, form) -> tuple[Raw, Evaluation]:
    """raw_from_form and the evaluation of its answers, walking the survey once instead of twice.

    The evaluation of all posted answers is that of the applicable ones: a question that does not apply
    is skipped before its answer is read, so dropping its answer changes nothing.
    """
    raw = raw_from_form(survey, form, applicable_only=False)
    evaluation = evaluate(survey, raw)
    return applicable(survey, raw, evaluation), evaluation


def _names(question) -> list[str]:
    names = qtype(question).field_names(question)
    return [*names, marker_name(question)] if question.conditions and names else names


def applicable(survey: Survey, raw: Raw, evaluation: Evaluation | None = None) -> Raw:
    """The raw answers of the questions that apply; answers to the others are dropped, never kept."""
    shown = (evaluation or evaluate(survey, raw)).shown
    return {
        name: values
        for question in survey.questions
        if question.id in shown
        for name in _names(question)
        if (values := raw.get(name))
    }


def inapplicable_answers(survey: Survey, raw: Raw, evaluation: Evaluation) -> list:
    """Questions answered although they do not apply, and "Sonstiges" texts without "Sonstiges" chosen."""
    stray: list[tuple[Any, Any]] = []
    for question in survey.questions:
        names = qtype(question).field_names(question)
        given = [n for n in names if any((v or "").strip() for v in raw.get(n, []))]
        if not given:
            continue
        if question.id not in evaluation.shown:
            stray.append((question, None))
            continue
        other = next((o for o in question.choices if o.is_other), None)
        if other is not None and f"q{question.id}_other" in given:
            if str(other.id) not in raw.get(f"q{question.id}", []):
                stray.append((question, other))
    return stray


def evaluate(survey: Survey, raw: Raw) -> Evaluation:
    """Walk pages and questions in order; hidden ones get no value (later conditions see them unanswered)."""
    evaluation = Evaluation(pages=[])
    for page in survey.pages:
        page_shown = all_hold(page, evaluation.values)
        if page_shown:
            evaluation.pages.append(page)
        for question in page.questions:
            if not page_shown or not all_hold(question, evaluation.values):
                continue
            evaluation.shown.add(question.id)
            if marker_name(question) in raw and depends_on_own_page(question):
                evaluation.unseen.add(question.id)
            kind = qtype(question)
            if not kind.answerable:
                continue
            try:
                value = kind.parse(question, raw)
            except AnswerError as error:
                evaluation.errors[question.id] = str(error)
                value = error.partial  # what was validly chosen counts for conditions, never stored
            else:
                if value is None and question.mandatory:
                    evaluation.errors[question.id] = _("Bitte beantworten Sie diese Frage.")
            evaluation.values[question.id] = value
    return evaluation


def has_participated(survey: Survey, user) -> bool:
    """Has this account already answered (in either anonymity mode)?"""
    if survey.is_anonymous:
        condition = (Participation.survey_id == survey.id) & (Participation.user_id == user.id)
    else:
        condition = (Response.survey_id == survey.id) & (Response.user_id == user.id)
    return bool(db.session.scalar(select(exists().where(condition))))


def own_response(survey: Survey, user) -> Response | None:
    """The account's response in a non-anonymous survey (anonymous responses belong to nobody)."""
    if survey.is_anonymous or user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Response).where(Response.survey_id == survey.id, Response.user_id == user.id)
    )


def submit_response(
    survey: Survey,
    raw: Raw,
    *,
    user=None,
    code: str | None = None,
    channel: str = Channel.ONLINE.value,
    assisted: bool = False,
    known_new: bool = False,
    evaluation: Evaluation | None = None,
) -> Response:
    """Validate everything and store one response; database constraints settle races (view commits).

    known_new: the caller has just found no own response of `user` (own_response), so a non-anonymous
    survey need not ask again whether the account took part. evaluation: the caller's evaluation of
    exactly these answers (answers_from_form), not computed again.
    """
    if survey.state is not State.OPEN:
        raise NotAnswerable()
    if channel not in {c.value for c in Channel}:
        raise UnknownChannel()
    if evaluation is None:
        evaluation = evaluate(survey, raw)
    if evaluation.errors:
        raise AnswersInvalid(evaluation)
    response = Response(survey_id=survey.id, channel=channel, submitted_on=today())
    if code:
        if not consume_code(survey, code):
            raise CodeRejected()
        mix_used_code(survey, hash_code(code))
        response.via = "code"
    elif assisted:
        response.via = "assisted"
    elif survey.access == Access.ACCOUNT.value:
        if user is None:
            raise AlreadyAnswered()
        if not (known_new and not survey.is_anonymous) and has_participated(survey, user):
            raise AlreadyAnswered()
        response.via = "account"
        if survey.is_anonymous:
            # Raises IntegrityError when a parallel request of the same account won (the view says so).
            mark_participation(survey, user.id)
        else:
            response.user_id = user.id
    elif survey.access == Access.OPEN.value:
        response.via = "open"
    else:
        raise CodeRejected()
    # The account's draft goes with the submission (in the same statement where the database allows).
    draft_of = user.id if user is not None and not assisted else None
    store_response(survey, response, evaluation, draft_of=draft_of)
    return response


def change_response(survey: Survey, response: Response, raw: Raw) -> Response:
    """Replace the answers of one's own non-anonymous response while the survey is open and allows it."""
    if survey.state is not State.OPEN or not survey.allow_changes or survey.is_anonymous:
        raise ChangesNotAllowed()
    evaluation = evaluate(survey, raw)
    if evaluation.errors:
        raise AnswersInvalid(evaluation)
    db.session.execute(delete(Answer).where(Answer.response_id == response.id))
    insert_answer_rows(answer_rows(survey, evaluation, response.id))
    response.submitted_on = today()
    return response


def response_raw(survey: Survey, response: Response) -> Raw:
    """The stored answers as a raw form, to show them again for changes."""
    raw: Raw = {}
    for question, value in response_values(survey, response).items():
        raw.update(qtype(question).to_raw(question, value))
    return raw


def response_values(survey: Survey, response: Response) -> dict:
    """{question: typed value} for one response (questions in answering order)."""
    rows = db.session.scalars(
        select(Answer).where(Answer.response_id == response.id).order_by(Answer.id)
    ).all()
    by_question: dict[int, list] = {}
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row)
    result = {}
    for question in survey.ordered_questions():
        if question.id in by_question:
            result[question] = qtype(question).from_rows(question, by_question[question.id])
    return result
