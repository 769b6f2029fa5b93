"""Anonymity below the columns: who took part and which code was used cannot be lined up with answers.

An anonymous response and the mark that its author took part are written in one transaction (the mark's
primary key is what keeps one response per account), and a used code is marked in the transaction that
stores the response. No column joins them, but a database keeps bookkeeping that no column shows:
PostgreSQL stamps every row with the transaction that wrote it (`xmin`, readable by anyone who may read
the table) and appends new rows one after another (`ctid`). "The mark written with this response" would be
one join away. Two counter-measures:

* while a survey is open, a new mark (or used code) is written together with a rewrite of up to MIX_SIZE
  other marks (used codes) of the same survey, all inserted in random order: the rows that share a
  response's transaction are a crowd, not a person;
* once the survey has closed, `seal` rewrites all of its marks and codes in one transaction in random
  order: afterwards they share one transaction and their physical order says nothing.

Old row versions stay in PostgreSQL's files until autovacuum reuses their space; reading them needs
superuser tools, and an operator with those could as well log statements, which no application prevents.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select, update

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.models import Participation, ParticipationCode, Survey

MIX_SIZE = 20

_random = secrets.SystemRandom()


def _reinsert_shuffled(model, rows: list[dict]) -> None:
    """Insert rows in random order (the order of a multi-row insert is the order on disk)."""
    if rows:
        _random.shuffle(rows)
        db.session.execute(insert(model), rows)


def _around_random_pivot(column, condition, limit: int) -> list:
    """Up to `limit` keys from a random point on (wrapping round), skipping rows parallel requests hold."""
    highest = db.session.scalar(select(func.max(column)).where(condition))
    if highest is None or limit <= 0:
        return []
    pivot = _random.randint(0, int(highest))

    def keys(bound, count):
        query = select(column).where(condition, bound).order_by(column).limit(count)
        # SKIP LOCKED: two parallel submissions never wait for (or deadlock on) each other's crowd.
        return list(db.session.scalars(query.with_for_update(skip_locked=True)))

    found = keys(column >= pivot, limit)
    if len(found) < limit:
        found += keys(column < pivot, limit - len(found))
    return found


def mark_participation(survey: Survey, user_id: int) -> None:
    """Record that an account took part, rewritten in one shuffled batch with other marks of the survey.

    A second mark for the same account raises IntegrityError (the primary key), as a plain insert would.
    """
    condition = Participation.survey_id == survey.id
    others = _around_random_pivot(Participation.user_id, condition, MIX_SIZE)
    if others:
        db.session.execute(
            delete(Participation).where(condition, Participation.user_id.in_(others)),
            execution_options={"synchronize_session": False},
        )
    rows = [{"survey_id": survey.id, "user_id": other} for other in others]
    _reinsert_shuffled(Participation, rows + [{"survey_id": survey.id, "user_id": user_id}])


def _take_codes(condition) -> list[dict]:
    """Delete codes and return their rows (to be inserted again, shuffled)."""
    columns = ParticipationCode.__table__.c
    result = db.session.execute(
        delete(ParticipationCode).where(condition).returning(*columns),
        execution_options={"synchronize_session": False},
    )
    return [dict(row._mapping) for row in result]


def mix_used_code(survey: Survey, code_hash: str) -> None:
    """Rewrite the code just used together with other used codes of the survey, in random order."""
    used = (ParticipationCode.survey_id == survey.id) & ParticipationCode.used_on.is_not(None)
    others = _around_random_pivot(ParticipationCode.id, used & (ParticipationCode.code_hash != code_hash), MIX_SIZE)
    rows = _take_codes(
        (ParticipationCode.survey_id == survey.id)
        & or_(ParticipationCode.code_hash == code_hash, ParticipationCode.id.in_(others))
    )
    _reinsert_shuffled(ParticipationCode, rows)


def seal(survey: Survey, now: datetime | None = None) -> bool:
    """Rewrite all marks and codes of a closed survey in random order, once; False if already sealed."""
    claimed = db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id, Survey.sealed_at.is_(None))
        .values(sealed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False  # sealed before, or a parallel request is sealing it right now
    marks = db.session.execute(
        delete(Participation).where(Participation.survey_id == survey.id).returning(Participation.user_id),
        execution_options={"synchronize_session": False},
    )
    _reinsert_shuffled(Participation, [{"survey_id": survey.id, "user_id": user_id} for (user_id,) in marks])
    _reinsert_shuffled(ParticipationCode, _take_codes(ParticipationCode.survey_id == survey.id))
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
    """Seal this survey if it has closed and is not sealed yet (cheap when there is nothing to do)."""
    if survey.sealed_at is not None or survey.published_at is None:
        return False
    if survey.closed_at is None and (survey.ends_at is None or survey.ends_at > utcnow()):
        return False
    return seal(survey)

