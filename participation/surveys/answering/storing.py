"""Storing a validated response: its typed answer rows, at once or (anonymous, code) in a shuffled batch."""

from __future__ import annotations

from typing import Any, Protocol

from participation.surveys.answering import drafts
from participation.surveys.answering.batches import wait_for_batch
from participation.surveys.answering.rows import insert_rows, insert_with_children
from participation.surveys.models import Answer, Draft, Response, Survey
from participation.surveys.models.responses import new_answer_id, new_response_id
from participation.surveys.questions import qtype


class Evaluation(Protocol):
    """What storing needs of services.Evaluation: the shown questions and their parsed values."""

    shown: set[int]
    values: dict[int, Any]


RESPONSE_COLUMNS = ("id", "survey_id", "user_id", "channel", "via", "submitted_on")


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


def with_answer_ids(rows: list[dict]) -> list[dict]:
    """The answer rows with random ids (ascending ones would tell the order)."""
    return [{**row, "id": new_answer_id()} for row in rows]


def insert_answer_rows(rows: list[dict]) -> None:
    """Insert answer rows in one statement, with random ids."""
    insert_rows(Answer, with_answer_ids(rows))


def store_response(
    survey: Survey, response: Response, evaluation: Evaluation, *, draft_of: int | None
) -> None:
    """Write a new response and its answers, and delete the draft of the account `draft_of` (None: no
    draft to delete); anonymous and code responses wait for their batch instead."""
    if survey.is_anonymous or response.via == "code":
        # Never written alone: its transaction stamp would say when it came in (batches.py explains).
        response.id = new_response_id()
        wait_for_batch(survey, response, answer_rows(survey, evaluation, response.id))
        if draft_of is not None:
            drafts.delete_account_draft(survey, draft_of)
        return
    response.id = new_response_id()
    # Written with Core, not added to the session: the view's commit would expire it, and reading it for
    # the confirmation would cost a query. IntegrityError here (one response per account) means a
    # parallel request won: the view says so.
    insert_with_children(
        Response,
        [{column: getattr(response, column) for column in RESPONSE_COLUMNS}],
        Answer,
        with_answer_ids(answer_rows(survey, evaluation, response.id)),
        delete_from=(Draft, {"survey_id": survey.id, "user_id": draft_of}) if draft_of is not None else None,
    )
