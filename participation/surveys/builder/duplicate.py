"""Duplicating a survey: a new draft with the same pages, questions, options, conditions and codes."""

from __future__ import annotations

from participation.core import audit
from participation.core.permissions import NotAllowed
from participation.core.types import Actor
from participation.extensions import db
from participation.surveys import policy
from participation.surveys.models import Condition, Option, Question, Survey, SurveyPage


def duplicate_survey(actor: Actor, survey: Survey) -> Survey:
    """A new draft with the same settings, pages, questions, options and conditions (same codes)."""
    if not policy.can_create_surveys(actor) or not policy.can_view_survey(actor, survey):
        raise NotAllowed("duplicate")
    copy = Survey(
        title=f"Kopie von {survey.title}"[:200],
        intro=survey.intro,
        privacy_notice=survey.privacy_notice,
        project_id=survey.project_id,
        access=survey.access,
        anonymous=survey.anonymous,
        allow_changes=survey.allow_changes,
        starts_at=None,
        ends_at=None,
        next_question_number=survey.next_question_number,
        created_by_id=actor.id,
    )
    db.session.add(copy)
    pages, questions, options = {}, {}, {}
    for page in survey.pages:
        pages[page.id] = SurveyPage(
            title=page.title, position=page.position, condition_mode=page.condition_mode
        )
        copy.pages.append(pages[page.id])
    for question in survey.questions:
        new = Question(
            page=pages[question.page_id],
            position=question.position,
            code=question.code,
            qtype=question.qtype,
            text=question.text,
            help_text=question.help_text,
            mandatory=question.mandatory,
            settings=dict(question.settings or {}),
            condition_mode=question.condition_mode,
            next_option_number=question.next_option_number,
        )
        copy.questions.append(new)
        questions[question.id] = new
        for option in question.options:
            options[option.id] = Option(
                kind=option.kind,
                position=option.position,
                code=option.code,
                label=option.label,
                is_other=option.is_other,
                exclusive=option.exclusive,
            )
            new.options.append(options[option.id])
    for question in survey.questions:
        for c in question.conditions:
            questions[question.id].conditions.append(_copy_condition(c, questions, options))
    for page in survey.pages:
        for c in page.conditions:
            pages[page.id].conditions.append(_copy_condition(c, questions, options))
    db.session.flush()
    audit.record(actor, "surveys.duplicated", copy, source_survey=survey.id)
    return copy


def _copy_condition(c: Condition, questions: dict, options: dict) -> Condition:
    return Condition(
        source=questions[c.source_id],
        operator=c.operator,
        option=options.get(c.option_id) if c.option_id else None,
        value=c.value,
    )
