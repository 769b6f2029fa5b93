"""The seal after closing: marks, codes, responses and answers rewritten in one transaction, in random order.

On PostgreSQL every row carries the transaction that wrote it (`xmin`); after the seal they all share one.
How responses reach their tables while the survey is open (shuffled batches): test_batches.py, and the
timed reader's attack: test_anonymity_attack.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text, update

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.answering import sealing
from participation.surveys.answering.codes import generate_codes, hash_code
from participation.surveys.answering.services import CodeRejected, submit_response
from participation.surveys.models import Participation, ParticipationCode, Response, Survey
from tests.conftest import get_user, is_postgres, post
from tests.surveys.factories import every_type_survey


def _end(app, survey_id: int) -> None:
    """Let the survey's end date pass (closing by the clock, not by hand)."""
    with app.app_context():
        db.session.execute(
            update(Survey).where(Survey.id == survey_id).values(ends_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def _answer_as(app, survey_id: int, user_id: int | None = None, code: str | None = None) -> str:
    """One submission in its own transaction, as a request would make it; returns the response id."""
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        user = get_user(app, user_id) if user_id else None
        response = submit_response(survey, {}, user=user, code=code)
        response_id = response.id
        db.session.commit()
    return response_id


def _xmins(table: str, where: str = "TRUE") -> list[str]:
    """PostgreSQL's hidden "written by transaction" stamp of each row."""
    return list(db.session.scalars(text(f"SELECT xmin::text FROM {table} WHERE {where}")))


def _response_xmin(response_id: str) -> str:
    return db.session.scalar(
        text("SELECT xmin::text FROM survey_responses WHERE id = :id"), {"id": response_id}
    )


def test_used_codes_stay_used_and_unused_ones_usable(app, planner):
    s = every_type_survey(app, planner.id, access="code", anonymous=True)
    with app.app_context():
        codes = generate_codes(get_user(app, planner.id), db.session.get(Survey, s.id), 8)
        db.session.commit()
    for code in codes[:5]:
        _answer_as(app, s.id, code=code)
    with app.app_context():
        rows = db.session.execute(select(ParticipationCode.code_hash, ParticipationCode.used)).all()
        assert sorted(h for h, _ in rows) == sorted(hash_code(c) for c in codes)
        used = {h for h, flag in rows if flag}
        assert used == {hash_code(c) for c in codes[:5]}  # nothing lost, nothing reset


def test_a_used_code_cannot_be_used_again(app, planner):
    s = every_type_survey(app, planner.id, access="code")
    with app.app_context():
        codes = generate_codes(get_user(app, planner.id), db.session.get(Survey, s.id), 3)
        db.session.commit()
    for code in codes:
        _answer_as(app, s.id, code=code)
    with app.app_context(), pytest.raises(CodeRejected):
        submit_response(db.session.get(Survey, s.id), {}, code=codes[0])


def test_closing_seals_marks_and_codes_once(app, make_user, planner):
    s = every_type_survey(app, planner.id, anonymous=True)
    people = [make_user().id for _ in range(6)]
    responses = [_answer_as(app, s.id, person) for person in people]
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        codes = generate_codes(get_user(app, planner.id), survey, 4)
        survey.closed_at = utcnow()
        db.session.commit()
        assert sealing.seal_if_closed(survey) is True
        db.session.commit()
        assert survey.sealed_at is not None
        assert sealing.seal_if_closed(survey) is False  # once is enough
        marks = sorted(db.session.scalars(select(Participation.user_id)))
        assert marks == sorted(people)
        assert sorted(db.session.scalars(select(ParticipationCode.code_hash))) == sorted(
            hash_code(c) for c in codes
        )
        assert sorted(db.session.scalars(select(Response.id))) == sorted(responses)
        if is_postgres():
            tables = ("survey_participations", "survey_codes", "survey_responses", "survey_answers")
            sealed = {stamp for table in tables for stamp in _xmins(table)}
            # One transaction wrote them all: no stamp tells who came when, or which mark goes with what.
            assert len(sealed) == 1
            login_stamps = set(_xmins("user_sessions")) | set(_xmins("users"))
            assert sealed.isdisjoint(login_stamps)


def test_open_and_draft_surveys_are_not_sealed(app, planner):
    open_survey = every_type_survey(app, planner.id)
    draft = every_type_survey(app, planner.id, publish=False)
    with app.app_context():
        assert sealing.surveys_due() == []
        assert sealing.seal_if_closed(db.session.get(Survey, open_survey.id)) is False
        assert sealing.seal_if_closed(db.session.get(Survey, draft.id)) is False
        assert db.session.get(Survey, open_survey.id).sealed_at is None


def test_surveys_closed_by_their_end_date_are_sealed_by_seal_due(app, planner, make_user):
    s = every_type_survey(app, planner.id)
    _answer_as(app, s.id, make_user().id)
    _end(app, s.id)
    with app.app_context():
        assert [survey.id for survey in sealing.surveys_due()] == [s.id]
        assert sealing.seal_due() == 1
        db.session.commit()
        assert sealing.seal_due() == 0
        assert db.session.scalar(select(Survey.sealed_at).where(Survey.id == s.id)) is not None


def test_closing_by_hand_seals_at_once(app, client, logged_in, make_user):
    owner = logged_in("planner")
    s = every_type_survey(app, owner.id)
    _answer_as(app, s.id, make_user().id)
    base = f"/umfragen/verwaltung/{s.id}"
    assert post(client, f"{base}/beenden", {"confirmed": "1"}, token_from=base).status_code == 302
    with app.app_context():
        assert db.session.get(Survey, s.id).sealed_at is not None


@contextmanager
def _writes(app) -> Iterator[list[str]]:
    """The INSERT, UPDATE and DELETE statements the database receives inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_get_after_the_end_date_writes_nothing(app, client, logged_in, make_user):
    owner = logged_in("planner")
    s = every_type_survey(app, owner.id)
    _answer_as(app, s.id, make_user().id)
    _end(app, s.id)
    pages = [
        "/umfragen/",
        f"/umfragen/{s.id}",
        f"/umfragen/{s.id}/teilnehmen",
        f"/umfragen/verwaltung/{s.id}",
    ]
    pages += [f"/umfragen/{s.id}/ergebnisse", f"/umfragen/verwaltung/{s.id}/einstellungen"]
    with _writes(app) as writes:
        for page in pages:
            assert client.get(page).status_code in (200, 302), page
    assert writes == []
    with app.app_context():
        assert db.session.get(Survey, s.id).sealed_at is None  # the command or the next POST seals


def test_the_first_post_after_the_end_date_seals(app, client, planner, make_user):
    s = every_type_survey(app, planner.id, access="open")
    _answer_as(app, s.id)
    _end(app, s.id)
    # A citizen who kept the form open sends it after the end: refused, and the survey sealed on the way.
    response = post(
        client, f"/umfragen/{s.id}/teilnehmen", {"action": "start"}, token_from=f"/umfragen/{s.id}"
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Survey, s.id).sealed_at is not None


def test_the_planners_first_post_after_the_end_date_seals(app, client, logged_in, make_user):
    owner = logged_in("planner")
    s = every_type_survey(app, owner.id, anonymous=True)
    people = [make_user().id for _ in range(3)]
    for person in people:
        _answer_as(app, s.id, person)
    _end(app, s.id)
    base = f"/umfragen/verwaltung/{s.id}"
    assert (
        post(client, f"{base}/ergebnisse", {"published": "1", "confirmed": "1"}, token_from=base).status_code
        == 302
    )
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        assert survey.sealed_at is not None and survey.results_published
        assert sorted(db.session.scalars(select(Participation.user_id))) == sorted(people)
        if is_postgres():
            tables = ("survey_participations", "survey_responses", "survey_answers")
            # One transaction rewrote them all: no stamp says which mark goes with which response.
            assert len({stamp for table in tables for stamp in _xmins(table)}) == 1


def test_seal_command_seals_what_closed_unseen(app, planner, make_user):
    s = every_type_survey(app, planner.id)
    _answer_as(app, s.id, make_user().id)
    _end(app, s.id)
    result = app.test_cli_runner().invoke(args=["surveys", "seal"])
    assert result.exit_code == 0 and "1 Umfrage(n) versiegelt." in result.output
    again = app.test_cli_runner().invoke(args=["surveys", "seal"])
    assert "0 Umfrage(n) versiegelt." in again.output


def test_a_request_leaves_large_surveys_to_the_seal_command(app, planner, make_user, monkeypatch):
    s = every_type_survey(app, planner.id)
    for _ in range(3):
        _answer_as(app, s.id, make_user().id)
    monkeypatch.setattr(sealing, "SEAL_IN_REQUEST", 2)
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        survey.closed_at = utcnow()
        db.session.commit()
        assert sealing.seal_if_closed(survey) is False  # too large to keep a visitor waiting
        assert survey.sealed_at is None
        assert sealing.seal_due() == 1  # the command has no such limit
        db.session.commit()
        assert db.session.get(Survey, s.id).sealed_at is not None
