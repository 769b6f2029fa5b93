"""Building surveys: settings, pages, questions, options; structure locks once answered.

Conditions are built in conditions.py next to this module.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from participation.core import audit
from participation.core.permissions import NotAllowed
from participation.core.types import Actor
from participation.extensions import db
from participation.surveys import policy
from participation.surveys.answering.batches import waiting_count
from participation.surveys.answering.sealing import SEAL_IN_REQUEST, seal
from participation.surveys.errors import (
    ConditionOrder,
    FlagsFixed,
    HasResponses,
    LastPage,
    PageHasQuestions,
    ParticipationModeFixed,
    SettingsFixed,
    SourceOfConditions,
    TypeFixed,
    UnknownType,
    UsedInConditions,
)
from participation.surveys.models import Condition, Option, Question, Response, Survey, SurveyPage
from participation.surveys.questions import TYPES

# Settings whose change would give stored answers another meaning (label texts are only wording).
WORDING_SETTINGS = {"label_min", "label_max", "display"}
# Wording that is recorded in the audit log when it changes after responses came in.
RECORDED_SETTINGS = ("label_min", "label_max")


def has_responses(survey: Survey) -> bool:
    """True once any response (any channel) is received, also one still waiting for its batch."""
    # Answers waiting for their batch must find their questions unchanged when they are written.
    return waiting_count(survey) > 0 or bool(
        db.session.scalar(select(exists().where(Response.survey_id == survey.id)))
    )


def require_edit(actor: Actor, survey: Survey) -> None:
    """Raise NotAllowed unless the actor may edit the survey."""
    if not policy.can_edit_survey(actor, survey):
        raise NotAllowed("edit survey")


def create_survey(actor: Actor, **fields: Any) -> Survey:
    """A new draft with one empty page."""
    if not policy.can_create_surveys(actor):
        raise NotAllowed("create survey")
    survey = Survey(created_by_id=actor.id, **fields)
    survey.pages = [SurveyPage(position=0, title="")]
    db.session.add(survey)
    db.session.flush()
    audit.record(actor, "surveys.created", survey)
    return survey


def update_survey(actor: Actor, survey: Survey, **fields: Any) -> None:
    """Change the settings; who may take part and anonymity are fixed once responses exist."""
    require_edit(actor, survey)
    locked = {"access", "anonymous"}
    if has_responses(survey) and any(fields.get(k) != getattr(survey, k) for k in locked if k in fields):
        raise ParticipationModeFixed()
    if fields.get("anonymous", survey.anonymous):
        fields["allow_changes"] = False  # an anonymous response cannot be found again to change it
    changed = sorted(k for k, v in fields.items() if getattr(survey, k) != v)
    for key, value in fields.items():
        setattr(survey, key, value)
    audit.record(actor, "surveys.updated", survey, fields=changed)


def publish(actor: Actor, survey: Survey) -> None:
    """Release the survey (it opens at its start time)."""
    require_edit(actor, survey)
    survey.publish()
    audit.record(actor, "surveys.published", survey)


def close(actor: Actor, survey: Survey) -> None:
    """End the survey now."""
    require_edit(actor, survey)
    survey.close()
    audit.record(actor, "surveys.closed", survey)
    seal(survey, max_responses=SEAL_IN_REQUEST)


def set_results_published(actor: Actor, survey: Survey, published: bool) -> None:
    """Show (or hide) the survey in the public list of finished surveys with results."""
    require_edit(actor, survey)
    survey.results_published = published
    audit.record(actor, "surveys.results_published" if published else "surveys.results_hidden", survey)


def set_texts_published(actor: Actor, survey: Survey, published: bool) -> None:
    """Show (or hide) the free-text answers in the public results."""
    require_edit(actor, survey)
    survey.texts_published = published
    audit.record(actor, "surveys.texts_published" if published else "surveys.texts_hidden", survey)


def delete_survey(actor: Actor, survey: Survey) -> None:
    """Delete a survey that has no responses."""
    require_edit(actor, survey)
    if has_responses(survey):
        raise HasResponses()
    audit.record(actor, "surveys.deleted", survey)
    db.session.delete(survey)


# --- pages ------------------------------------------------------------------------------------


def add_page(actor: Actor, survey: Survey, title: str) -> SurveyPage:
    """Append a page."""
    require_edit(actor, survey)
    page = SurveyPage(title=title, position=len(survey.pages))
    survey.pages.append(page)
    db.session.flush()
    return page


def rename_page(actor: Actor, page: SurveyPage, title: str) -> None:
    """Change a page's title (wording only; recorded once responses exist)."""
    survey = page.survey
    require_edit(actor, survey)
    if title != page.title and has_responses(survey):
        audit.record(
            actor,
            "surveys.page_renamed",
            survey,
            page=page.position + 1,
            old_title=page.title,
            new_title=title,
        )
    page.title = title


def delete_page(actor: Actor, page: SurveyPage) -> None:
    """Delete an empty page (never the last one)."""
    survey = page.survey
    require_edit(actor, survey)
    if page.questions:
        raise PageHasQuestions()
    if len(survey.pages) == 1:
        raise LastPage()
    survey.pages.remove(page)
    db.session.delete(page)
    _renumber(survey.pages)


# --- questions --------------------------------------------------------------------------------


def add_question(actor: Actor, page: SurveyPage, qtype: str, text: str, **fields: Any) -> Question:
    """Append a question to a page with the next free stable code (Q01, Q02 ...)."""
    survey = page.survey
    require_edit(actor, survey)
    if qtype not in TYPES:
        raise UnknownType()
    number = survey.next_question_number
    survey.next_question_number = number + 1
    question = Question(
        survey=survey,
        page=page,
        qtype=qtype,
        text=text,
        code=f"Q{number:02d}",
        position=len(page.questions),
        **fields,
    )
    db.session.add(question)
    db.session.flush()
    return question


def update_question(
    actor: Actor,
    question: Question,
    *,
    text: str,
    help_text: str,
    mandatory: bool,
    settings: dict,
    qtype: str | None = None,
) -> None:
    """Edit a question; type and answer-relevant settings are fixed once responses exist."""
    survey = question.survey
    require_edit(actor, survey)
    qtype = qtype or question.qtype
    if qtype not in TYPES:
        raise UnknownType()
    answered = has_responses(survey)
    if qtype != question.qtype and db.session.scalar(
        select(exists().where(Condition.source_id == question.id))
    ):
        # The conditions' operators and options were chosen for the old type: refuse, drop nothing silently.
        raise SourceOfConditions()
    if answered:
        if qtype != question.qtype:
            raise TypeFixed()
        old = {k: v for k, v in (question.settings or {}).items() if k not in WORDING_SETTINGS}
        new = {k: v for k, v in settings.items() if k not in WORDING_SETTINGS}
        if old != new:
            raise SettingsFixed()
    if qtype != question.qtype and (TYPES[qtype].has_rows != TYPES[question.qtype].has_rows):
        # Options and matrix rows are different things: start over rather than mis-read them.
        question.options = []
    if answered:
        _record_rewording(actor, question, text=text, help_text=help_text, settings=settings)
    question.qtype, question.text, question.help_text = qtype, text, help_text
    question.mandatory = mandatory
    question.settings = settings


def _record_rewording(actor: Actor, question: Question, *, text: str, help_text: str, settings: dict) -> None:
    """Audit what changed in the wording of an answered question (text, help, scale endpoint labels)."""
    old = {"text": question.text, "help_text": question.help_text}
    new = {"text": text, "help_text": help_text}
    for key in RECORDED_SETTINGS:
        old[key], new[key] = question.setting(key, "") or "", settings.get(key, "") or ""
    changed = [key for key in old if old[key] != new[key]]
    if changed:
        details = {f"old_{key}": old[key] for key in changed} | {f"new_{key}": new[key] for key in changed}
        audit.record(actor, "surveys.question_reworded", question.survey, question=question.code, **details)


def delete_question(actor: Actor, question: Question) -> None:
    """Delete a question that nothing depends on, before any response exists."""
    survey = question.survey
    require_edit(actor, survey)
    if has_responses(survey):
        raise HasResponses()
    if db.session.scalar(select(exists().where(Condition.source_id == question.id))):
        raise UsedInConditions()
    page = question.page
    page.questions.remove(question)
    survey.questions.remove(question)
    db.session.delete(question)
    _renumber(page.questions)


def move_question(actor: Actor, question: Question, direction: str) -> None:
    """Move up/down within its page; at the page edge, onto the neighbouring page."""
    survey = question.survey
    require_edit(actor, survey)
    page = question.page
    siblings = list(page.questions)
    index = siblings.index(question)
    step = -1 if direction == "up" else 1
    if 0 <= index + step < len(siblings):
        other = siblings[index + step]
        question.position, other.position = other.position, question.position
    else:
        pages = list(survey.pages)
        target_index = pages.index(page) + step
        if not 0 <= target_index < len(pages):
            return
        target = pages[target_index]
        page.questions.remove(question)
        if step < 0:
            target.questions.append(question)
        else:
            target.questions.insert(0, question)
        question.page = target
        _renumber(page.questions)
        _renumber(target.questions)
    db.session.flush()
    db.session.expire(survey, ["questions"])
    for p in survey.pages:
        db.session.expire(p, ["questions"])
    check_condition_order(survey)


def check_condition_order(survey: Survey) -> None:
    """A condition may only look at questions asked before its target."""
    order = {q.id: i for i, q in enumerate(survey.ordered_questions())}
    first_on_page: dict[int, int] = {}
    for q in survey.ordered_questions():
        first_on_page.setdefault(q.page_id, order[q.id])
    for q in survey.questions:
        for c in q.conditions:
            if order[c.source_id] >= order[q.id]:
                raise ConditionOrder()
    for p in survey.pages:
        for c in p.conditions:
            if c.source.page_id == p.id or order[c.source_id] >= first_on_page.get(p.id, len(order)):
                raise ConditionOrder()


# --- options ----------------------------------------------------------------------------------


def add_option(
    actor: Actor,
    question: Question,
    label: str,
    *,
    kind: str = "choice",
    is_other: bool = False,
    exclusive: bool = False,
) -> Option:
    """Append an option (A1, A2 ...) or a matrix row (R1, R2 ...)."""
    require_edit(actor, question.survey)
    number = question.next_option_number
    question.next_option_number = number + 1
    prefix = "R" if kind == "row" else "A"
    option = Option(
        kind=kind,
        label=label,
        code=f"{prefix}{number}",
        is_other=is_other,
        exclusive=exclusive,
        position=len(question.options),
    )
    question.options.append(option)
    db.session.flush()
    return option


def update_option(actor: Actor, option: Option, label: str, *, is_other: bool, exclusive: bool) -> None:
    """Relabel an option (allowed, recorded once answered); its flags are fixed once answered."""
    survey = option.question.survey
    require_edit(actor, survey)
    if has_responses(survey):
        if (is_other, exclusive) != (option.is_other, option.exclusive):
            raise FlagsFixed()
        if label != option.label:
            audit.record(
                actor,
                "surveys.option_relabelled",
                survey,
                question=option.question.code,
                option=option.code,
                old_label=option.label,
                new_label=label,
            )
    option.label, option.is_other, option.exclusive = label, is_other, exclusive


def delete_option(actor: Actor, option: Option) -> None:
    """Delete an option before any response exists and when no condition uses it."""
    question = option.question
    require_edit(actor, question.survey)
    if has_responses(question.survey):
        raise HasResponses()
    if db.session.scalar(select(exists().where(Condition.option_id == option.id))):
        raise UsedInConditions()
    question.options.remove(option)
    db.session.delete(option)
    _renumber(question.options)


def move_option(actor: Actor, option: Option, direction: str) -> None:
    """Swap with the neighbour above or below (among options of the same kind)."""
    question = option.question
    require_edit(actor, question.survey)
    same = [o for o in question.options if o.kind == option.kind]
    index = same.index(option)
    step = -1 if direction == "up" else 1
    if 0 <= index + step < len(same):
        other = same[index + step]
        option.position, other.position = other.position, option.position


def _renumber(items) -> None:
    for position, item in enumerate(items):
        item.position = position
