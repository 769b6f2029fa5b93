"""Saving a survey's weighting: the mapping of questions and options, the switch and the bounds.

Functions check the policy, change rows and flush; the view commits once, so a refused or invalid
request leaves the old mapping whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.core import audit
from participation.core.permissions import InvalidState, require
from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.weighting.mapping import MAPPABLE_TYPES, mappable_questions, suggest_category
from participation.surveys.weighting.models import WeightingOption, WeightingQuestion, WeightingSettings
from participation.surveys.weighting.policy import can_manage_weighting
from participation.surveys.weighting.reference import ReferenceMargins


class MappingInvalid(InvalidState):
    """A question that is not a single-choice question of this survey, or a group the figures lack."""

    message = _l("Die Zuordnung passt nicht zu dieser Umfrage oder zu den aktuellen Bevölkerungszahlen.")


class NothingMapped(InvalidState):
    """Weighting switched on without any mapped question."""

    message = _l("Ordnen Sie zuerst mindestens eine Frage einem Merkmal zu, dann kann gewichtet werden.")


@dataclass(frozen=True)
class Bounds:
    """The settings a planner types: warning threshold, minimum cases, trimming bounds."""

    threshold_pp: Decimal
    min_cases: int
    trim_lower: Decimal
    trim_upper: Decimal


def save_weighting(
    actor,
    survey: Survey,
    reference: ReferenceMargins,
    questions: dict[str, int | None],
    categories: dict[str, dict[int, str | None]],
    *,
    enabled: bool,
    bounds: Bounds,
) -> bool:
    """Store the whole page at once; True when a dimension got a new question (its options suggested)."""
    require(can_manage_weighting(actor, survey))
    by_id = {q.id: q for q in mappable_questions(survey)}
    if any(qid is not None and qid not in by_id for qid in questions.values()):
        raise MappingInvalid()
    chosen = [qid for qid in questions.values() if qid is not None]
    if len(chosen) != len(set(chosen)):
        raise MappingInvalid()
    if not (0 < bounds.trim_lower < bounds.trim_upper and bounds.trim_lower <= 1 <= bounds.trim_upper):
        raise MappingInvalid()
    existing = {
        row.dimension: row
        for row in db.session.scalars(
            select(WeightingQuestion).where(WeightingQuestion.survey_id == survey.id)
        )
    }
    suggested = False
    for dimension, question_id in questions.items():
        row = existing.get(dimension)
        if row is not None and row.question_id != question_id:
            db.session.delete(row)
            db.session.flush()  # the question may move to another dimension: free its unique key first
            row = None
        if question_id is None:
            continue
        wanted, guessed = _option_categories(
            by_id[question_id], reference.categories(dimension), categories.get(dimension, {})
        )
        suggested = suggested or guessed
        if row is None:
            row = WeightingQuestion(survey_id=survey.id, question_id=question_id, dimension=dimension)
            db.session.add(row)
        else:
            row.options.clear()
            db.session.flush()  # old rows out before new ones take the options' unique keys
        row.options = [
            WeightingOption(option_id=option_id, category=category)
            for option_id, category in wanted.items()
            if category is not None
        ]
    if enabled and not any(questions.values()):
        raise NothingMapped()
    _store_settings(survey, enabled, bounds)
    db.session.flush()
    # Recorded as a change of the survey (core/audit_texts.py words it); the fields say what changed.
    audit.record(actor, "surveys.updated", survey, fields=["weighting"])
    return suggested


def _option_categories(
    question, known: list[str], submitted: dict[int, str | None]
) -> tuple[dict[int, str | None], bool]:
    """The submitted groups of this question's options, or suggestions when the form showed other options."""
    option_ids = {o.id for o in question.choices}
    if submitted and set(submitted) <= option_ids:
        if any(c is not None and c not in known for c in submitted.values()):
            raise MappingInvalid()
        return submitted, False
    return {o.id: suggest_category(o.label, known) for o in question.choices}, True


def switch_weighting(actor, survey: Survey, enabled: bool) -> None:
    """Weighting on or off from the results page (the bounds stay as they are)."""
    require(can_manage_weighting(actor, survey))
    settings = db.session.get(WeightingSettings, survey.id)
    if (
        enabled
        and db.session.scalar(
            select(WeightingQuestion.id).where(WeightingQuestion.survey_id == survey.id).limit(1)
        )
        is None
    ):
        raise NothingMapped()
    if settings is None:
        settings = WeightingSettings(survey_id=survey.id)
        db.session.add(settings)
    settings.enabled = enabled
    db.session.flush()
    audit.record(
        actor, "surveys.updated", survey, fields=["weighting_enabled" if enabled else "weighting_disabled"]
    )


def _store_settings(survey: Survey, enabled: bool, bounds: Bounds) -> None:
    settings = db.session.get(WeightingSettings, survey.id)
    if settings is None:
        settings = WeightingSettings(survey_id=survey.id)
        db.session.add(settings)
    settings.enabled = enabled
    settings.threshold_pp = bounds.threshold_pp
    settings.min_cases = bounds.min_cases
    settings.trim_lower = bounds.trim_lower
    settings.trim_upper = bounds.trim_upper


def map_question(actor, survey: Survey, dimension: str, question, categories: dict[int, str]) -> None:
    """Map one question and its options' groups as given (the demo presets; planners use the page)."""
    require(can_manage_weighting(actor, survey))
    if question.survey_id != survey.id or question.qtype not in MAPPABLE_TYPES:
        raise MappingInvalid()
    row = WeightingQuestion(survey_id=survey.id, question_id=question.id, dimension=dimension)
    row.options = [
        WeightingOption(option_id=option_id, category=label) for option_id, label in categories.items()
    ]
    db.session.add(row)
    db.session.flush()
