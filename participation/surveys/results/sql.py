"""SQL building blocks for results: the response filter and "was this question shown" as SQL.

Hidden questions never store answers, so whether a question was shown is a pure function of the stored
answers: the conditions are translated to correlated EXISTS clauses and evaluated by the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased

from participation.surveys.models import Answer, Question, Response


@dataclass(frozen=True)
class ResultFilter:
    """Which responses count: channel, date range, and "answered option X to question Y"."""

    channel: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    question_id: int | None = None
    option_id: int | None = None
    value: int | None = None  # a yes/no (1/0) or scale answer of question_id

    @property
    def narrows(self) -> bool:
        return any(
            v is not None for v in (self.channel, self.date_from, self.date_to, self.option_id, self.value)
        )


def response_conditions(survey_id: int, flt: ResultFilter | None, response=Response) -> list:
    """WHERE clauses selecting the survey's responses that pass the filter."""
    clauses = [response.survey_id == survey_id]
    if flt is None:
        return clauses
    if flt.channel:
        clauses.append(response.channel == flt.channel)
    if flt.date_from:
        clauses.append(response.submitted_on >= flt.date_from)
    if flt.date_to:
        clauses.append(response.submitted_on <= flt.date_to)
    if flt.question_id is not None and (flt.option_id is not None or flt.value is not None):
        picked = aliased(Answer)
        same = (
            picked.option_id == flt.option_id
            if flt.option_id is not None
            else picked.value_number == flt.value
        )
        clauses.append(
            exists().where(picked.response_id == response.id, picked.question_id == flt.question_id, same)
        )
    return clauses


def _number(text: str | None) -> Decimal | None:
    try:
        return Decimal((text or "").replace(",", ".")) if text not in (None, "") else None
    except InvalidOperation:
        return None


def _compare(column, operator: str, value):
    return {
        "eq": column == value,
        "lt": column < value,
        "le": column <= value,
        "gt": column > value,
        "ge": column >= value,
    }[operator]


def condition_sql(condition, response=Response):
    """One condition as SQL, mirroring conditions.holds() exactly (unanswered never matches)."""
    source = condition.source
    op = condition.operator
    a = aliased(Answer)

    def ex(*criteria):
        return exists().where(a.response_id == response.id, a.question_id == source.id, *criteria)

    if op == "answered":
        return ex()
    if op == "not_answered":
        return ~ex()
    if source.qtype == "single":
        same = ex(a.option_id == condition.option_id)
        return same if op in ("eq", "contains") else and_(ex(), ~same)
    if source.qtype == "multiple":
        return ex(a.option_id == condition.option_id)
    if source.qtype in ("number", "scale", "yesno", "date", "short_text"):
        if source.qtype == "date":
            try:
                expected, column = date.fromisoformat(condition.value or ""), a.value_date
            except ValueError:
                return false()
        elif source.qtype == "yesno":
            expected, column = Decimal(1 if condition.value == "ja" else 0), a.value_number
        elif source.qtype == "short_text":
            if condition.value is None:
                return false()
            expected, column = condition.value.casefold(), func.lower(a.value_text)
        else:
            expected, column = _number(condition.value), a.value_number
            if expected is None:
                return false()
        if op == "ne":
            # "weiß nicht" (NULL number) is "not equal", like the Python evaluation.
            return and_(ex(), ~ex(column == expected))
        return ex(_compare(column, op, expected))
    return false()


def shown_sql(question, response=Response):
    """SQL that is true for responses in which the question was shown (page and own conditions)."""
    parts = []
    for target in (question.page, question):
        conditions = list(target.conditions)
        if not conditions:
            continue
        clauses = [condition_sql(c, response) for c in conditions]
        parts.append(or_(*clauses) if target.condition_mode == "any" else and_(*clauses))
    return and_(*parts) if parts else true()


def is_conditional(question) -> bool:
    """Whether the question or its page has conditions (else every respondent was shown it)."""
    return bool(question.conditions or question.page.conditions)


def of_responses(statement, survey_id: int, flt: ResultFilter | None):
    """Restrict a statement over answers to the survey's responses that pass the filter.

    Without a narrowing filter, "the survey's answers" is "answers to the survey's questions": no join
    with the responses at all (the join costs about as much as the whole aggregation on SQLite).
    """
    if flt is None or not flt.narrows:
        questions = select(Question.id).where(Question.survey_id == survey_id)
        return statement.where(Answer.question_id.in_(questions))
    return statement.join(Response, Answer.response_id == Response.id).where(
        *response_conditions(survey_id, flt)
    )
