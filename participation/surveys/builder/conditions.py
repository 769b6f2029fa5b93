"""Building surveys, part two: conditions (show a question or page only if earlier answers match)."""

from __future__ import annotations

from participation.core import audit
from participation.core.types import Actor
from participation.extensions import db
from participation.surveys.builder.services import check_condition_order, has_responses, require_edit
from participation.surveys.conditions import OPERATORS_FOR_TYPE
from participation.surveys.errors import (
    ConditionsFixed,
    OperatorMismatch,
    OptionMissing,
    UnknownMode,
    ValueMissing,
)
from participation.surveys.models import Condition, Question, Survey, SurveyPage


def add_condition(
    actor: Actor,
    target: Question | SurveyPage,
    source: Question,
    operator: str,
    *,
    option_id: int | None = None,
    value: str | None = None,
) -> Condition:
    """Add a condition on an earlier question; the operator must suit the source's type."""
    survey = source.survey
    require_edit(actor, survey)
    _require_conditions_open(survey)
    if operator not in OPERATORS_FOR_TYPE.get(source.qtype, ()):
        raise OperatorMismatch()
    needs_option = source.qtype in ("single", "multiple") and operator in ("eq", "ne", "contains")
    option = next((o for o in source.choices if o.id == option_id), None) if needs_option else None
    if needs_option and option is None:
        raise OptionMissing()
    if not needs_option and operator not in ("answered", "not_answered") and not value:
        raise ValueMissing()
    condition = Condition(
        source=source,
        operator=operator,
        option=option,
        value=None if needs_option or operator in ("answered", "not_answered") else value,
    )
    target.conditions.append(condition)
    db.session.flush()
    check_condition_order(survey)
    audit.record(actor, "surveys.condition_added", survey, source=source.code, operator=operator)
    return condition


def conditions_fixed(survey: Survey) -> bool:
    """Once responses exist, conditions stay (the builder shows a note instead of the forms)."""
    # Results decide "was this question shown" from the conditions and the stored answers: changing the
    # conditions afterwards would re-interpret every stored response (bases, "nicht gezeigt").
    return has_responses(survey)


def _require_conditions_open(survey: Survey) -> None:
    """Raise ConditionsFixed once responses exist."""
    if conditions_fixed(survey):
        raise ConditionsFixed()


def delete_condition(actor: Actor, condition: Condition) -> None:
    """Remove a condition (refused once responses exist)."""
    target: Question | SurveyPage | None = condition.question or condition.page
    assert target is not None  # a check constraint gives every condition exactly one target
    require_edit(actor, target.survey)
    _require_conditions_open(target.survey)
    target.conditions.remove(condition)
    db.session.delete(condition)


def set_condition_mode(actor: Actor, target: Question | SurveyPage, mode: str) -> None:
    """AND ("all") or OR ("any")."""
    require_edit(actor, target.survey)
    if mode not in ("all", "any"):
        raise UnknownMode()
    if mode != target.condition_mode and target.conditions:
        _require_conditions_open(target.survey)
    target.condition_mode = mode
