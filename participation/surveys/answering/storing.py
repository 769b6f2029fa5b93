"""Storing a validated response: its typed answer rows, and the mixing that hides when it came in."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import insert

from participation.extensions import db
from participation.surveys.answering.sealing import mix_response
from participation.surveys.models import Answer, Response, Survey
from participation.surveys.questions import qtype


class Evaluation(Protocol):
    """What storing needs of services.Evaluation: the shown questions and their parsed values."""

    shown: set[int]
    values: dict[int, Any]


def answer_rows(survey: Survey, evaluation: Evaluation, response_id: str) -> list[dict]:
    """The typed rows for the shown, answered questions (hidden answers are never stored)."""
    rows = []
    for question in survey.questions:
        value = evaluation.values.get(question.id)
        if question.id not in evaluation.shown or value is None:
            continue
        for row in qtype(question).to_rows(question, value):
            rows.append({**row, "response_id": response_id, "question_id": question.id})
    return rows


def insert_answer_rows(rows: list[dict]) -> None:
    """Insert answer rows in one statement."""
    if rows:
        db.session.execute(insert(Answer), rows)


def store_response(survey: Survey, response: Response, evaluation: Evaluation) -> None:
    """Write a new response and its answers; anonymous and code responses are mixed into a crowd."""
    db.session.add(response)
    # IntegrityError here (unique participation/response) means a parallel request won: the view says so.
    db.session.flush()
    insert_answer_rows(answer_rows(survey, evaluation, response.id))
    if survey.is_anonymous or response.via == "code":
        # Its transaction stamp must not tell when it came in (sealing.py explains the crowd).
        mix_response(survey, response)
