"""Reading responses for an export: in keyset batches, each batch its own short query.

A batch is BATCH responses (in id order, after the last id of the previous batch) and their answers. Each
batch borrows a pooled connection and gives it back before its rows are handed on: a download that a
slow client takes minutes to fetch holds no connection, no transaction and no open cursor, and memory
holds one batch however many responses there are.

Answers are read through the driver's cursor as plain tuples (numbers and dates as the driver returns
them): the columns do the little conversion they need, which is what makes a million-row export affordable.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import select

from participation.extensions import db
from participation.surveys.conditions import all_hold
from participation.surveys.models import Answer, Response
from participation.surveys.questions import TYPES
from participation.surveys.results.sql import ResultFilter, response_conditions

BATCH = 2000

# A raw answer row: (response_id, question_id, option_id, row_id, value_number, value_text, value_date,
# rank, dont_know), as the driver returns them (SQLite: numbers int/float, dates ISO text, 0/1 flags).
A_RESPONSE, A_QUESTION, A_OPTION, A_ROW, A_NUMBER, A_TEXT, A_DATE, A_RANK, A_DK = range(9)
ANSWER_FIELDS = (
    "response_id",
    "question_id",
    "option_id",
    "row_id",
    "value_number",
    "value_text",
    "value_date",
    "rank",
    "dont_know",
)


class AnswerRow(NamedTuple):
    """A raw answer row with the Answer model's attribute names (for the question types' from_rows)."""

    response_id: str
    question_id: int
    option_id: int | None
    row_id: int | None
    value_number: object
    value_text: str | None
    value_date: object
    rank: int | None
    dont_know: object

    @classmethod
    def of(cls, raw: tuple) -> AnswerRow:
        row = cls._make(raw)
        if isinstance(row.value_date, str):
            row = row._replace(value_date=date.fromisoformat(row.value_date))
        return row


def _answers_sql(dialect, count: int) -> str:
    """SELECT of the answers of `count` responses, in the driver's own parameter style."""
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    table = Answer.__tablename__
    return (
        f"SELECT {', '.join(ANSWER_FIELDS)} FROM {table} WHERE response_id IN ({', '.join([mark] * count)})"
    )


@dataclass
class ResponseRecord:
    """One response: its metadata and its raw answer rows by question id."""

    id: str
    submitted_on: object
    channel: str
    via: str
    user_id: int | None
    answers: dict[int, list[tuple]]


def read_batches(
    survey_id: int, flt: ResultFilter | None, batch: int | None = None, after: str | None = None
) -> Iterator[list[ResponseRecord]]:
    """Every matching response after the id `after` (default: from the start), BATCH (or `batch`) at a
    time, in id order; no database resource is held between batches."""
    batch = batch or BATCH
    first = after or ""
    engine = db.engine  # bound now: the generator runs on after the request (and its app context) ended
    conditions = response_conditions(survey_id, flt)

    def batches() -> Iterator[list[ResponseRecord]]:
        last = first  # keyset on the responses' id: page N reads from its cursor, never page 1 again
        while True:
            page = (
                select(Response.id, Response.submitted_on, Response.channel, Response.via, Response.user_id)
                .where(*conditions, Response.id > last)
                .order_by(Response.id)
                .limit(batch)
            )
            with engine.connect() as connection:
                responses = connection.execute(page).all()
                if not responses:
                    return
                with no_cyclic_gc():
                    records = _read_answers(connection, responses)
            yield records
            if len(responses) < batch:
                return
            last = responses[-1][0]

    return batches()


@contextmanager
def no_cyclic_gc():
    """Pause the cycle collector while a batch's tuples are made.

    Tens of thousands of new tuples and lists set off collections that walk the whole heap of the
    application each time (about half the cost of reading a batch). The batch's objects form no
    cycles, so nothing is left for the collector to find; it runs again right after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_answers(connection, responses) -> list[ResponseRecord]:
    """The batch's answers through the driver's own cursor (plain tuples), grouped per response."""
    cursor = connection.connection.cursor()
    try:
        ids = [r[0] for r in responses]
        cursor.execute(_answers_sql(connection.dialect, len(ids)), ids)
        answers = cursor.fetchall()
    finally:
        cursor.close()
    by_response: dict[str, dict[int, list]] = {r[0]: {} for r in responses}
    for row in answers:
        questions = by_response[row[0]]
        rows = questions.get(row[1])
        if rows is None:
            questions[row[1]] = [row]
        else:
            rows.append(row)
    return [
        ResponseRecord(id_, submitted_on, channel, via, user_id, by_response[id_])
        for id_, submitted_on, channel, via, user_id in responses
    ]


class Visibility:
    """Which questions a response was shown: hidden questions store nothing, so the stored answers decide."""

    def __init__(self, survey):
        self.conditional = [q for q in survey.questions if q.conditions or q.page.conditions]
        sources = {c.source for q in self.conditional for target in (q, q.page) for c in target.conditions}
        self.sources = [(s.id, s, TYPES[s.qtype]) for s in sources]
        self.always = frozenset(q.id for q in survey.questions) - {q.id for q in self.conditional}

    def shown(self, answers: dict[int, list]) -> frozenset[int]:
        """The ids of the questions this response was shown."""
        if not self.conditional:
            return self.always
        values = {
            qid: kind.from_rows(source, [AnswerRow.of(r) for r in answers[qid]])
            for qid, source, kind in self.sources
            if qid in answers
        }
        extra = {q.id for q in self.conditional if all_hold(q.page, values) and all_hold(q, values)}
        return self.always | extra


def decoded(questions: dict, record: ResponseRecord) -> dict:
    """The response's typed values by question id (questions: the survey's questions by id)."""
    return {
        qid: TYPES[questions[qid].qtype].from_rows(questions[qid], [AnswerRow.of(r) for r in rows])
        for qid, rows in record.answers.items()
        if qid in questions
    }
