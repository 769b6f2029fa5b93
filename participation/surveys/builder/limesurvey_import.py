"""LimeSurvey import, part three: create the draft through the builder services (same codes and rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from participation.core import audit
from participation.core.permissions import NotAllowed
from participation.core.types import Actor
from participation.surveys import policy
from participation.surveys.builder import conditions, services
from participation.surveys.builder.limesurvey import read_upload
from participation.surveys.builder.limesurvey_mapping import (
    Plan,
    PlannedCondition,
    PlannedQuestion,
    plan_import,
)
from participation.surveys.models import Option, Question, Survey, SurveyPage


@dataclass
class Imported:
    """The new draft and the report: LimeSurvey code → new question, what was left out and adapted."""

    survey: Survey
    plan: Plan
    questions: list[tuple[str, Question]] = field(default_factory=list)


def import_lss(actor: Actor, stream: IO[bytes]) -> Imported:
    """Read, map and create a draft; raises ImportRefused before anything is written."""
    if not policy.can_create_surveys(actor):
        raise NotAllowed("import survey")
    plan = plan_import(read_upload(stream))
    return create_draft(actor, plan)


def create_draft(actor: Actor, plan: Plan) -> Imported:
    """Pages, questions, options, rows and conditions in the plan's order (the caller commits)."""
    survey = services.create_survey(actor, title=plan.title, intro=plan.intro)
    result = Imported(survey=survey, plan=plan)
    by_code: dict[str, tuple[Question, dict[str, Option]]] = {}
    for index, planned_page in enumerate(plan.pages):
        if index == 0:
            page = survey.pages[0]
            services.rename_page(actor, page, planned_page.title)
        else:
            page = services.add_page(actor, survey, planned_page.title)
        _add_conditions(actor, page, planned_page.conditions, planned_page.mode, by_code)
        for planned in planned_page.questions:
            question, options = _add_question(actor, page, planned)
            by_code[planned.code] = (question, options)
            result.questions.append((planned.code, question))
            _add_conditions(actor, question, planned.conditions, planned.mode, by_code)
    audit.record(
        actor,
        "surveys.imported",
        survey,
        source="limesurvey",
        layout=plan.layout,
        language=plan.language,
        questions=len(result.questions),
        skipped=[code for code, _reason in plan.skipped],
    )
    return result


def _add_question(
    actor: Actor, page: SurveyPage, planned: PlannedQuestion
) -> tuple[Question, dict[str, Option]]:
    """One question with its options (A1 …) or rows (R1 …), by LimeSurvey code."""
    question = services.add_question(
        actor,
        page,
        planned.qtype,
        planned.text,
        help_text=planned.help_text,
        mandatory=planned.mandatory,
        settings=planned.settings,
    )
    options = {
        code: services.add_option(actor, question, label, is_other=is_other)
        for code, label, is_other in planned.options
    }
    for code, label in planned.rows:
        options[code] = services.add_option(actor, question, label, kind="row")
    return question, options


def _add_conditions(
    actor: Actor,
    target: Question | SurveyPage,
    planned: list[PlannedCondition],
    mode: str,
    by_code: dict[str, tuple[Question, dict[str, Option]]],
) -> None:
    """The target's conditions (the mapping only plans sources that were created before)."""
    for condition in planned:
        source, options = by_code[condition.source]
        option = options[condition.option] if condition.option else None
        conditions.add_condition(
            actor,
            target,
            source,
            condition.operator,
            option_id=option.id if option else None,
            value=condition.value,
        )
    if len(planned) > 1:
        conditions.set_condition_mode(actor, target, mode)
