"""Anonymous and code responses reach their tables in shuffled batches, never one by one.

A response that must not be linked to its author (anonymous survey, or answered with a code) is not
written to survey_responses when it is submitted. It waits in survey_waiting_responses, sealed
(envelope.py: encrypted with the application's key, padded to one size per survey), in the same
transaction that acknowledges it, so nothing acknowledged is lost. When BATCH_SIZE responses of a survey
wait, the submission that makes them BATCH_SIZE writes them all: one multi-row INSERT of responses and
one of answers, each in random order, with random ids and the day of the batch. What a reader of the
database (xmin, ctid, ids, row order, submitted_on) can tell about a response is which batch it came
in, and a batch is at least BATCH_SIZE people: the author is one of them, no better than chance.

A batch smaller than that is never written while the survey is open (waiting for a clock would write
small ones in quiet hours); the rest waits until the survey closes, when `seal` writes it and rewrites
the whole survey in one transaction. Results therefore lag by less than one batch.
"""

from __future__ import annotations

import logging
import random
import secrets
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidTag
from flask import current_app
from sqlalchemy import delete, func, insert, select

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.answering.envelope import open_payload, seal_payload
from participation.surveys.answering.rows import insert_rows
from participation.surveys.errors import NotAnswerable
from participation.surveys.models import Answer, Response, Survey, WaitingResponse
from participation.surveys.models.responses import new_answer_id

# A response is one of at least this many (itself and ten others) in the rows that share its transaction.
BATCH_SIZE = 11
# One flush writes at most this many (a backlog after parallel flushes skipped each other's rows).
MAX_FLUSH = 2_000
BERLIN = ZoneInfo("Europe/Berlin")
ANSWER_FIELDS = ("question_id", "option_id", "row_id", "value_number", "value_text", "value_date", "rank")

_random: random.Random = secrets.SystemRandom()
logger = logging.getLogger(__name__)


def batch_size() -> int:
    """Responses per batch: SURVEY_BATCH_SIZE, at least BATCH_SIZE outside tests."""
    return int(current_app.config.get("SURVEY_BATCH_SIZE", BATCH_SIZE))


def wait_for_batch(survey: Survey, response: Response, rows: list[dict]) -> None:
    """Store a response sealed until its batch is written; write the batch when it is full (flush only)."""
    answers = [[row.get(name) for name in ANSWER_FIELDS] + [bool(row.get("dont_know"))] for row in rows]
    payload = {"response": [response.id, response.channel, response.via], "answers": answers}
    db.session.execute(
        insert(WaitingResponse).values(survey_id=survey.id, sealed=seal_payload(survey, payload))
    )
    if _waiting_in_open_survey(survey) >= batch_size():
        flush(survey, minimum=batch_size())


def _waiting_in_open_survey(survey: Survey) -> int:
    """How many wait (this one too), under a share lock on the survey that refuses a sealed survey.

    Sealing claims the survey with an UPDATE, which waits for this lock: either the seal sees this
    response waiting and writes it, or this submission sees the seal and is refused (NotAnswerable).
    """
    waiting = select(func.count()).where(WaitingResponse.survey_id == survey.id).scalar_subquery()
    query = select(Survey.sealed_at, waiting).where(Survey.id == survey.id).with_for_update(read=True)
    sealed_at, count = db.session.execute(query).one()
    if sealed_at is not None:
        raise NotAnswerable()
    return int(count)


def flush(survey: Survey, minimum: int = 1, *, wait: bool = False) -> int:
    """Write the survey's waiting responses as one shuffled batch if at least `minimum` can be taken.

    Rows another transaction is writing right now are skipped, not waited for (unless `wait`: the seal
    takes every row); fewer than `minimum` stay waiting for the next submission (or the seal). Returns
    how many were written.
    """
    taken = db.session.execute(
        select(WaitingResponse.id, WaitingResponse.sealed)
        .where(WaitingResponse.survey_id == survey.id)
        .limit(MAX_FLUSH)
        .with_for_update(skip_locked=not wait)
    ).all()
    if len(taken) < max(minimum, 1):
        return 0
    opened = {}
    for waiting_id, sealed in taken:
        try:
            opened[waiting_id] = open_payload(survey.id, sealed)
        except InvalidTag:
            # Sealed under a key the app no longer has: kept, not lost, until that key is back in
            # SECRET_KEY_FALLBACKS; the others must not wait for it.
            logger.error("Survey %s: a waiting response cannot be opened with SECRET_KEY", survey.id)
    if len(opened) < max(minimum, 1):
        return 0
    db.session.execute(
        delete(WaitingResponse)
        .where(WaitingResponse.id.in_(list(opened)))
        .execution_options(synchronize_session=False)
    )
    _write_batch(survey, list(opened.values()))
    return len(opened)


def _write_batch(survey: Survey, payloads: list[dict]) -> None:
    """Insert responses and answers, each in random order, all with the day of the batch."""
    day = utcnow().astimezone(BERLIN).date()
    # A question or option deleted while answers waited (the builder allows that only before responses
    # exist) would fail the foreign key and with it the submission of whoever fills the batch.
    questions = {question.id for question in survey.questions}
    options = {option.id for question in survey.questions for option in question.options}
    responses, answers = [], []
    for payload in payloads:
        response_id, channel, via = payload["response"]
        responses.append(
            {"id": response_id, "survey_id": survey.id, "channel": channel, "via": via, "submitted_on": day}
        )
        for values in payload["answers"]:
            row = dict(zip((*ANSWER_FIELDS, "dont_know"), values, strict=True))
            # JSON carried numbers and dates as text (exact decimals, ISO days).
            row["value_number"] = None if row["value_number"] is None else Decimal(row["value_number"])
            row["value_date"] = None if row["value_date"] is None else date.fromisoformat(row["value_date"])
            if row["question_id"] in questions and {row["option_id"], row["row_id"]} <= options | {None}:
                answers.append({**row, "response_id": response_id})
    _random.shuffle(responses)
    _random.shuffle(answers)
    insert_rows(Response, responses)
    insert_rows(Answer, [{**row, "id": new_answer_id()} for row in answers])


def waiting_count(survey: Survey) -> int:
    """How many responses of the survey wait for their batch (received, not yet in the results)."""
    count = db.session.scalar(select(func.count()).where(WaitingResponse.survey_id == survey.id))
    return int(count or 0)


def waiting_counts() -> dict[int, int]:
    """{survey id: responses waiting for their batch}, for lists of surveys (one query)."""
    rows = db.session.execute(
        select(WaitingResponse.survey_id, func.count()).group_by(WaitingResponse.survey_id)
    ).all()
    return {survey_id: int(count) for survey_id, count in rows}


def surveys_with_full_batches() -> list[Survey]:
    """Surveys with a full batch waiting (parallel flushes that skipped each other, with no one after)."""
    full = (
        select(WaitingResponse.survey_id)
        .group_by(WaitingResponse.survey_id)
        .having(func.count() >= batch_size())
    )
    return list(db.session.scalars(select(Survey).where(Survey.id.in_(full), Survey.sealed_at.is_(None))))


def flush_full_batches() -> int:
    """Write every full batch that waits (`flask surveys seal` runs it); returns how many responses."""
    return sum(flush(survey, minimum=batch_size()) for survey in surveys_with_full_batches())
