"""Anonymity below the columns: who took part, which code was used and when an answer came in.

An anonymous response and the mark that its author took part are written in one transaction (the mark's
primary key is what keeps one response per account), and a used code is marked in the transaction that
stores the response. No column joins them, but a database keeps bookkeeping no column shows: PostgreSQL
stamps every row with the transaction that wrote it (`xmin`, readable by anyone who may read the table;
transaction ids rise with time, so they are a clock) and appends new rows one after another (`ctid`).
"The mark written with this response", or "the response written just after this person's login", would
be one join away. Two counter-measures:

* while a survey is open, a new mark, used code and anonymous response (with its answers) are each
  written together with a rewrite of up to MIX_SIZE others of the same survey (its neighbours by key,
  with the newcomer at a random place among them), all inserted in random order: the rows that share a
  transaction are a crowd, not a person, and a response's stamp no longer says when it came in;
* once the survey has closed, `seal` rewrites all of its marks, codes, responses and answers in one
  transaction in random order: afterwards they share one stamp and their physical order says nothing.

Old row versions stay in PostgreSQL's files until autovacuum reuses their space; reading them needs
superuser tools. Whoever can read the tables repeatedly while a survey is open (or holds the web server's
access log) sees a new response and a new mark appear together; no storage layout prevents that, which is
why the seal matters and why the README asks not to keep timed access logs of the answering page.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, or_, select, text, update

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.models import Answer, Participation, ParticipationCode, Response, State, Survey

MIX_SIZE = 20
# Responses carry their answers (some twenty rows each): a smaller crowd keeps a submission cheap.
RESPONSE_MIX_SIZE = 10
# Up to this many responses a request (closing by hand, the first look after the end date) seals the survey
# itself, in a second or two (measured: 50,000 responses with 600,000 answers took 19 s on PostgreSQL, 17 s
# on SQLite; the foreign-key checks of the re-inserted answers dominate). Larger surveys are sealed by
# `flask surveys seal`, which the README asks large installations to run from cron.
SEAL_IN_REQUEST = 5_000

_random = secrets.SystemRandom()


def _reinsert_shuffled(model, rows: list[dict]) -> None:
    """Insert rows in random order (the order of a multi-row insert is the order on disk)."""
    if rows:
        _random.shuffle(rows)
        db.session.execute(insert(model), rows)


def _take(model, condition) -> list[dict]:
    """Delete rows and return them whole (to be inserted again, shuffled)."""
    result = db.session.execute(
        delete(model).where(condition).returning(*model.__table__.c),
        execution_options={"synchronize_session": False},
    )
    return [dict(row._mapping) for row in result]


def _crowd_around(column, condition, key, size: int) -> list:
    """Up to `size` other keys next to `key` (in key order), `key` at a random place inside the run.

    Two index range scans, however large the survey (ORDER BY random() would read every row:
    38 ms per call at 100,000 rows). A run is no giveaway: the newcomer sits anywhere in it, and the
    keys (random response ids, code ids, account ids) say nothing about when anyone took part.
    """

    def run(bound, order, limit: int) -> list:
        if limit <= 0:
            return []
        query = select(column).where(condition, bound).order_by(order).limit(limit)
        # SKIP LOCKED: two parallel submissions never wait for (or deadlock on) each other's crowd.
        return list(db.session.scalars(query.with_for_update(skip_locked=True)))

    below = run(column < key, column.desc(), size)
    above = run(column > key, column.asc(), size)
    if len(below) + len(above) <= size:
        return below + above  # a young survey: everyone else is in the crowd
    # Every window of size + 1 neighbouring keys that holds the newcomer is equally likely, near the
    # ends of the key range too (a forced place there would point at the newcomer).
    places_below = _random.randint(max(0, size - len(above)), min(size, len(below)))
    return below[:places_below] + above[: size - places_below]


def mark_participation(survey: Survey, user_id: int) -> None:
    """Record that an account took part, rewritten in one shuffled batch with other marks of the survey.

    A second mark for the same account raises IntegrityError (the primary key), as a plain insert would.
    """
    condition = Participation.survey_id == survey.id
    others = _crowd_around(Participation.user_id, condition, user_id, MIX_SIZE)
    rows = _take(Participation, condition & Participation.user_id.in_(others)) if others else []
    _reinsert_shuffled(Participation, rows + [{"survey_id": survey.id, "user_id": user_id}])


def mix_used_code(survey: Survey, code_hash: str) -> None:
    """Rewrite the code just used together with other used codes of the survey, in random order."""
    of_survey = ParticipationCode.survey_id == survey.id
    code_id = db.session.scalar(select(ParticipationCode.id).where(ParticipationCode.code_hash == code_hash))
    others = _crowd_around(ParticipationCode.id, of_survey & ParticipationCode.used, code_id, MIX_SIZE)
    chosen = ParticipationCode.id.in_([code_id, *others])
    _reinsert_shuffled(ParticipationCode, _take(ParticipationCode, of_survey & chosen))


def _rewrite_responses(response_ids: list[str]) -> None:
    """Delete responses with their answers and insert both again, each in random order."""
    answers = _take(Answer, Answer.response_id.in_(response_ids))
    responses = _take(Response, Response.id.in_(response_ids))
    _reinsert_shuffled(Response, responses)
    _reinsert_shuffled(Answer, answers)


def mix_response(survey: Survey, response: Response) -> None:
    """Rewrite a new response (flushed, with its answers) with its neighbours by (random) id in the survey."""
    others = _crowd_around(Response.id, Response.survey_id == survey.id, response.id, RESPONSE_MIX_SIZE)
    _rewrite_responses([response.id, *others])


# Table, and which of its rows belong to the survey. Answers before responses on delete (foreign key),
# after them on insert.
_SEALED_TABLES = (
    ("survey_answers", "response_id IN (SELECT id FROM survey_responses WHERE survey_id = :survey_id)"),
    ("survey_responses", "survey_id = :survey_id"),
    ("survey_participations", "survey_id = :survey_id"),
    ("survey_codes", "survey_id = :survey_id"),
)


def _rewrite_in_random_order(survey_id: int) -> None:
    """Stage the survey's rows, delete them, insert them again in random order: all inside the database."""

    # Plain SQL both databases speak; no row travels to Python (2.5 times faster than doing it row by row).
    def run(sql: str) -> None:
        db.session.execute(text(sql), {"survey_id": survey_id})

    for table, rows in _SEALED_TABLES:
        run(f"CREATE TEMPORARY TABLE sealing_{table} AS SELECT * FROM {table} WHERE {rows}")
    for table, rows in _SEALED_TABLES:
        run(f"DELETE FROM {table} WHERE {rows}")
    for table, _rows in reversed(_SEALED_TABLES):
        run(f"INSERT INTO {table} SELECT * FROM sealing_{table} ORDER BY random()")
        run(f"DROP TABLE sealing_{table}")


def response_count(survey: Survey) -> int:
    """How many responses the survey has (decides whether sealing may run inside a request)."""
    count = db.session.scalar(
        select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
    )
    return int(count or 0)


def seal(survey: Survey, now: datetime | None = None, *, max_responses: int | None = None) -> bool:
    """Rewrite all marks, codes, responses and answers of a closed survey in random order, once.

    Returns False if it was sealed before, a parallel request is sealing it right now, or it has more
    than `max_responses` responses (then `flask surveys seal` does it outside any request).
    """
    if max_responses is not None and response_count(survey) > max_responses:
        return False
    claim = (
        update(Survey)
        .where(Survey.id == survey.id, Survey.sealed_at.is_(None))
        .values(sealed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    # An UPDATE always yields a cursor result; its rowcount says whether this call claimed the survey.
    if cast(CursorResult[Any], db.session.execute(claim)).rowcount != 1:
        return False
    _rewrite_in_random_order(survey.id)
    # The rows are the same again, but the ORM must not trust its copies of what was deleted and inserted.
    rewritten = (Response, Answer, Participation, ParticipationCode)
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, rewritten):
            db.session.expire(instance)
    db.session.expire(survey, ["sealed_at"])
    return True


def surveys_due(now: datetime | None = None) -> list[Survey]:
    """Published surveys that have closed (by hand or by their end date) and are not sealed yet."""
    now = now or utcnow()
    closed = or_(Survey.closed_at.is_not(None), Survey.ends_at <= now)
    query = select(Survey).where(Survey.published_at.is_not(None), Survey.sealed_at.is_(None), closed)
    return list(db.session.scalars(query))


def seal_due(now: datetime | None = None) -> int:
    """Seal every survey that has closed since the last call; returns how many were sealed."""
    return sum(seal(survey, now) for survey in surveys_due(now))


def seal_if_closed(survey: Survey) -> bool:
    """Seal this survey inside a request if it has closed, is not sealed yet and is not too large for that.

    No query when there is nothing to do.
    """
    if survey.sealed_at is not None or survey.state is not State.CLOSED:
        return False
    return seal(survey, max_responses=SEAL_IN_REQUEST)
