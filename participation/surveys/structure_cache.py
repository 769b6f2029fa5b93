"""A published survey's pages, questions, options and conditions, kept by each worker between requests.

Every step of answering a survey needs its whole structure: which pages and questions there are, their
options, the conditions that show or hide them. Loading it as ORM objects for each request was the
largest part of a submission's CPU (two queries, a few hundred rows, an object per row). Citizens'
pages (``views.load_public_survey``) take it from here instead: each worker keeps the structures it
loaded, detached from any session, under the survey's ``structure_version`` (with its id and creation
time: an id SQLite gave again after a deletion is another survey). Every change to a page, question,
option or condition raises that version at its commit (core/versions.py), on the survey row the
request loads anyway, so every app server sees a change at once and a hit costs no query.

The kept objects are shared by the requests of a worker (and its threads) and only read. Their
collections and the many-to-one links the answering code follows (a question's page, a condition's
source question and option) are loaded before they are detached; following any other link of theirs
(``question.survey``) raises DetachedInstanceError instead of reading a stale survey. Whoever changes
the structure loads it afresh with ``views.load_survey`` (the builder, results and exports do).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from participation.core import versions
from participation.core.lru import TimedLRU
from participation.extensions import db
from participation.surveys.models import Condition, Option, Question, Survey, SurveyPage

# Surveys kept per worker, and the longest time one is kept: a bound for what an administrator
# changes past the application (SQL by hand), which raises no version.
ENTRIES = 64
SECONDS = 600

STRUCTURE_VERSION = versions.Counter(
    "surveys_structure_changed", Survey, "structure_version", keep=("updated_at",)
)


@dataclass(frozen=True)
class Structure:
    """A survey's pages (each with its questions and conditions) and its questions in answering order."""

    pages: tuple[SurveyPage, ...]
    questions: tuple[Question, ...]


def _survey_id(row) -> int | None:
    """The survey of a page or question, also before the flush has set its survey_id from its survey."""
    if row.survey_id is not None:
        return row.survey_id
    survey = row.survey
    if survey is None and isinstance(row, Question) and row.page is not None:
        return _survey_id(row.page)
    return survey.id if survey is not None else None


def _survey_of_option(option: Option) -> int | None:
    return _survey_id(option.question) if option.question is not None else None


def _survey_of_condition(condition: Condition) -> int | None:
    owner = condition.question or condition.page or condition.source
    return _survey_id(owner) if owner is not None else None


def track() -> None:
    """Changes to pages, questions, options and conditions raise their survey's structure version."""
    versions.listen()
    versions.track(STRUCTURE_VERSION, SurveyPage, _survey_id)
    versions.track(STRUCTURE_VERSION, Question, _survey_id)
    versions.track(STRUCTURE_VERSION, Option, _survey_of_option)
    versions.track(STRUCTURE_VERSION, Condition, _survey_of_condition)


def _cache() -> TimedLRU[Structure]:
    cache = current_app.extensions.get("survey_structure_cache")
    if cache is None:
        cache = current_app.extensions["survey_structure_cache"] = TimedLRU[Structure](ENTRIES, SECONDS)
    return cache


def give_structure(survey: Survey) -> None:
    """Set the survey's pages and questions: the worker's copy while its version holds, else 2 queries."""
    cache = _cache()
    key = (survey.id, survey.created_at, survey.structure_version)
    structure = cache.get(key)
    if structure is None:
        structure = _load(survey.id)
        cache.put(key, structure)
    # The kept pages already hold their questions: only the survey's own collections are set.
    hand_to_survey(survey, structure.questions, structure.pages)


def questions_of(survey_id: int) -> list[Question]:
    """The survey's questions in answering order with their options and conditions: one query (a
    question has few of each, so the joined rows stay few)."""
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.survey_id == survey_id)
            .options(joinedload(Question.options), joinedload(Question.conditions))
            .order_by(Question.position, Question.id)
        ).unique()
    )


def hand_to_pages(pages: Sequence[SurveyPage], questions: Sequence[Question]) -> None:
    """Give each page its questions (in the questions' order) as if the ORM had loaded them."""
    on_page: dict[int, list[Question]] = {}
    for question in questions:
        on_page.setdefault(question.page_id, []).append(question)
    for page in pages:
        set_committed_value(page, "questions", on_page.get(page.id, []))


def hand_to_survey(
    survey: Survey, questions: Sequence[Question], pages: Sequence[SurveyPage] | None = None
) -> None:
    """Give the survey its questions (and pages, unless it loaded its own) as if the ORM had loaded
    them, in lists of its own."""
    if pages is not None:
        set_committed_value(survey, "pages", list(pages))
    set_committed_value(survey, "questions", list(questions))


def _load(survey_id: int) -> Structure:
    """Pages with conditions, questions with options and conditions, linked and detached from the session."""
    pages = (
        db.session.scalars(
            select(SurveyPage)
            .where(SurveyPage.survey_id == survey_id)
            .options(joinedload(SurveyPage.conditions))
            .order_by(SurveyPage.position, SurveyPage.id)
        )
        .unique()
        .all()
    )
    questions = questions_of(survey_id)
    hand_to_pages(pages, questions)
    by_id = {page.id: page for page in pages}
    for question in questions:
        set_committed_value(question, "page", by_id.get(question.page_id))
    conditions = [c for page in pages for c in page.conditions] + [c for q in questions for c in q.conditions]
    for condition in conditions:
        # Followed while still in the session: both are in its identity map, so no query runs.
        condition.source, condition.option  # noqa: B018 (loads the links)
    options = [option for question in questions for option in question.options]
    for row in (*pages, *questions, *options, *conditions):
        if row in db.session:
            db.session.expunge(row)
    return Structure(tuple(pages), tuple(questions))
