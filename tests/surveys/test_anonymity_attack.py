"""The timed database reader's attack on an anonymous survey, while it is open and after the seal.

The attacker knows who submitted when (say, from a web server's log) and reads every table, also
PostgreSQL's row bookkeeping: `xmin` (the transaction that wrote a row; transaction ids rise with time)
and `ctid` (where the row sits on disk), after every submission. Ground truth: each person writes their
own number into the free-text answer, which the attacker does not use. Each strategy may guess right no
more often than chance within a batch of BATCH_SIZE (33 people, 3 expected; the bound 11 is reached by
chance with probability 1e-4), and the continuous reader must never see a response appear on its own.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.answering import batches, sealing
from participation.surveys.answering.services import submit_response
from participation.surveys.models import Survey, WaitingResponse
from tests.conftest import get_user, is_postgres
from tests.surveys.factories import every_type_survey

pytestmark = pytest.mark.skipif(not is_postgres(), reason="xmin and ctid are PostgreSQL's row bookkeeping")

K = batches.BATCH_SIZE
PEOPLE = 3 * K
BOUND = 11


def _rows() -> list[tuple[str, int, tuple[int, int], int, str]]:
    """Every response: id, xmin, ctid, the smallest ctid-order key of its answers, and (truth) its text."""
    return [
        (row.id, int(row.xmin), _ctid(row.ctid), _ctid(row.first_answer), row.truth)
        for row in db.session.execute(
            text(
                "SELECT r.id, r.xmin::text AS xmin, r.ctid::text AS ctid,"
                " (SELECT min(a.ctid)::text FROM survey_answers a"
                "   WHERE a.response_id = r.id) AS first_answer,"
                " (SELECT a.value_text FROM survey_answers a WHERE a.response_id = r.id"
                "   AND a.value_text IS NOT NULL) AS truth"
                " FROM survey_responses r"
            )
        )
    ]


def _truth(number: int) -> str:
    """What person number `number` writes (long enough not to turn up in random bytes by chance)."""
    return f"Antwort{number:02d}"


def _ctid(value: str) -> tuple[int, int]:
    block, offset = value.strip("()").split(",")
    return int(block), int(offset)


def _mark_stamps() -> dict[int, int]:
    """{user id: xmin of the mark that they took part}."""
    query = text("SELECT user_id, xmin::text FROM survey_participations")
    return {user_id: int(stamp) for user_id, stamp in db.session.execute(query)}


def _guesses_in_order(rows, order, people: list[int]) -> int:
    """Line the responses up by `order` against the people in order of submission; count right guesses."""
    lined_up = sorted(rows, key=order)
    return sum(row[4] == _truth(people.index(person)) for row, person in zip(lined_up, people, strict=True))


@pytest.fixture
def watched(app, planner, make_user, monkeypatch):
    """An anonymous survey answered by PEOPLE people one after another, read after every submission."""
    monkeypatch.setitem(app.config, "SURVEY_BATCH_SIZE", K)
    s = every_type_survey(app, planner.id, anonymous=True)
    people = [make_user().id for _ in range(PEOPLE)]
    seen: set[str] = set()
    appeared: list[int] = []  # how many responses became visible after each submission
    mark_stamps: dict[int, int] = {}
    for number, person in enumerate(people):
        with app.app_context():
            survey = db.session.get(Survey, s.id)
            submit_response(survey, {f"q{s.q['short']}": [_truth(number)]}, user=get_user(app, person))
            db.session.commit()
            ids = set(db.session.scalars(text("SELECT id FROM survey_responses")))
            appeared.append(len(ids - seen))
            seen |= ids
            mark_stamps.update(_mark_stamps())
            blobs = db.session.scalars(select(WaitingResponse.sealed)).all()
            assert not any(_truth(number).encode() in blob for blob in blobs)  # what waits is unreadable
    return s, people, appeared, mark_stamps


def test_a_timed_reader_cannot_link_responses_while_the_survey_is_open(app, watched):
    s, people, appeared, mark_stamps = watched
    # The continuous reader sees nothing for ten submissions, then eleven responses at once.
    assert appeared == ([0] * (K - 1) + [K]) * 3
    with app.app_context():
        rows = _rows()
        assert len(rows) == PEOPLE
        stamps = [row[1] for row in rows]
        assert all(stamps.count(stamp) >= K for stamp in stamps)  # every stamp is a crowd of K
        assert len({row[2] for row in rows}) == PEOPLE
        strategies = {
            "stamp, then place on disk": lambda row: (row[1], row[2]),
            "stamp, then response id": lambda row: (row[1], row[0]),
            "stamp, then first answer on disk": lambda row: (row[1], row[3]),
        }
        for name, order in strategies.items():
            assert _guesses_in_order(rows, order, people) <= BOUND, name
        # The attack: the response written in the same transaction as someone's mark is theirs.
        by_mark = {stamp: person for person, stamp in mark_stamps.items()}
        right = sum(row[4] == _truth(people.index(by_mark[row[1]])) for row in rows if row[1] in by_mark)
        # Only the person whose submission completed a batch shares its stamp: one of K each time.
        assert right <= 3
        assert _mark_stamps() == mark_stamps  # marks are written once, never rewritten while open


def test_after_the_seal_nothing_is_left_to_line_up(app, watched):
    s, people, _appeared, _marks = watched
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        survey.closed_at = utcnow()
        assert sealing.seal_if_closed(survey) is True
        db.session.commit()
        rows = _rows()
        tables = ("survey_participations", "survey_responses", "survey_answers", "survey_waiting_responses")
        stamps = {
            stamp for table in tables for stamp in db.session.scalars(text(f"SELECT xmin::text FROM {table}"))
        }
        assert len(stamps) == 1  # one transaction wrote everything the seal touched
        assert len(rows) == PEOPLE
        for order in (lambda row: row[2], lambda row: row[0], lambda row: row[3]):
            # Chance among 33 is one right guess; six or more happen by chance with probability 4e-4.
            assert _guesses_in_order(rows, order, people) <= 6
