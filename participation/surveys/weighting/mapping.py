"""Reading what a planner mapped (one query each) and suggesting a mapping from the labels."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from participation.extensions import db
from participation.surveys.models import Question, Survey
from participation.surveys.weighting.models import (
    DEFAULT_MIN_CASES,
    DEFAULT_THRESHOLD,
    DEFAULT_TRIM_LOWER,
    DEFAULT_TRIM_UPPER,
    WeightingOption,
    WeightingQuestion,
    WeightingSettings,
)
from participation.surveys.weighting.reference import DIMENSION_LABELS, ReferenceMargins

# Only single-choice questions stand for a dimension: each respondent is in exactly one group.
MAPPABLE_TYPES = ("single",)


@dataclass
class MappedQuestion:
    """A mapped question with its options' categories (options missing here are not weighted)."""

    dimension: str
    question_id: int
    code: str
    text: str
    categories: dict[int, str] = field(default_factory=dict)  # option id -> population category


def load_settings(survey_id: int) -> WeightingSettings:
    """The survey's settings, or unsaved defaults (weighting off) when the planner never chose any."""
    stored = db.session.get(WeightingSettings, survey_id)
    if stored is not None:
        return stored
    # Not added to the session: a GET never writes.
    return WeightingSettings(
        survey_id=survey_id,
        enabled=False,
        threshold_pp=DEFAULT_THRESHOLD,
        min_cases=DEFAULT_MIN_CASES,
        trim_lower=DEFAULT_TRIM_LOWER,
        trim_upper=DEFAULT_TRIM_UPPER,
    )


def load_mapping(survey_id: int) -> list[MappedQuestion]:
    """The survey's mapped questions in dimension order, each with its options' categories (one query)."""
    rows = db.session.execute(
        select(
            WeightingQuestion.dimension,
            Question.id,
            Question.code,
            Question.text,
            WeightingOption.option_id,
            WeightingOption.category,
        )
        .join(Question, Question.id == WeightingQuestion.question_id)
        .outerjoin(WeightingOption, WeightingOption.mapped_question_id == WeightingQuestion.id)
        .where(WeightingQuestion.survey_id == survey_id, Question.qtype.in_(MAPPABLE_TYPES))
        .order_by(WeightingQuestion.id, WeightingOption.id)
    ).all()
    mapped: dict[str, MappedQuestion] = {}
    for dimension, question_id, code, text, option_id, category in rows:
        entry = mapped.setdefault(dimension, MappedQuestion(dimension, question_id, code, text))
        if option_id is not None:
            entry.categories[option_id] = category
    order = list(DIMENSION_LABELS)
    return sorted(mapped.values(), key=lambda m: order.index(m.dimension) if m.dimension in order else 99)


def mappable_questions(survey: Survey) -> list[Question]:
    """The survey's single-choice questions, in answering order."""
    return [q for q in survey.ordered_questions() if q.qtype in MAPPABLE_TYPES]


def normalized(label: str) -> str:
    """A label reduced for comparing: lower case, one kind of dash, no "Jahre", no spaces or dots."""
    text = label.casefold().replace("–", "-").replace("—", "-").replace("‐", "-").replace(" bis ", "-")
    text = re.sub(r"\bjahre?n?\b", "", text)
    return re.sub(r"[\s.]+", "", text)


def suggest_category(label: str, categories: list[str]) -> str | None:
    """The population category an option's label names ("18–29 Jahre" -> "18-29"), if exactly one does."""
    wanted = normalized(label)
    matches = [c for c in categories if normalized(c) == wanted]
    return matches[0] if len(matches) == 1 else None


def suggest_question(questions: list[Question], categories: list[str]) -> Question | None:
    """The question whose options name most of a dimension's categories (at least two), if any."""
    best, best_hits = None, 1
    for question in questions:
        hits = sum(suggest_category(o.label, categories) is not None for o in question.choices)
        if hits > best_hits:
            best, best_hits = question, hits
    return best


def suggestions(survey: Survey, reference: ReferenceMargins) -> dict[str, Question]:
    """For each dimension of the reference, the question a planner most likely means (no question twice)."""
    free = mappable_questions(survey)
    chosen: dict[str, Question] = {}
    for dimension in reference.margins:
        question = suggest_question(free, reference.categories(dimension))
        if question is not None:
            chosen[dimension] = question
            free.remove(question)
    return chosen
