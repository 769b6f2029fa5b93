"""Anonymity below the columns: marks and used codes are written in shuffled crowds and sealed after closing.

On PostgreSQL every row carries the transaction that wrote it (`xmin`); these tests try the join an
administrator with read access could try, "which participation mark was written with this response".
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys import sealing
from participation.surveys.answering import submit_response
from participation.surveys.codes import generate_codes, hash_code
from participation.surveys.models import Participation, ParticipationCode, Response, Survey
from tests.conftest import ROLE_SETS, get_user, is_postgres
from tests.surveys.factories import every_type_survey

PEOPLE = sealing.MIX_SIZE + 5


@pytest.fixture
def planner(make_user):
    return make_user(ROLE_SETS["planner"])


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


def test_a_new_mark_is_written_in_a_shuffled_crowd_of_other_marks(app, make_user, planner):
    s = every_type_survey(app, planner.id, anonymous=True)
    people = [make_user().id for _ in range(PEOPLE)]
    last = None
    for person in people:
        last = _answer_as(app, s.id, person)
    with app.app_context():
        marks = sorted(db.session.scalars(select(Participation.user_id).where(Participation.survey_id == s.id)))
        assert marks == sorted(people)  # rewriting keeps every mark, once
        assert db.session.query(Response).count() == PEOPLE
        if is_postgres():
            written_with_last = _xmins("survey_participations").count(_response_xmin(last))
            # The last person's mark shares its transaction with MIX_SIZE other people's marks.
            assert written_with_last == sealing.MIX_SIZE + 1


def test_a_used_code_is_written_in_a_shuffled_crowd_of_other_used_codes(app, planner):
    s = every_type_survey(app, planner.id, access="code", anonymous=True)
    with app.app_context():
        codes = generate_codes(get_user(app, planner.id), db.session.get(Survey, s.id), PEOPLE + 3)
        db.session.commit()
    last = None
    for code in codes[:PEOPLE]:
        last = _answer_as(app, s.id, code=code)
    with app.app_context():
        rows = db.session.execute(select(ParticipationCode.code_hash, ParticipationCode.used_on)).all()
        assert sorted(h for h, _ in rows) == sorted(hash_code(c) for c in codes)
        used = {h for h, used_on in rows if used_on is not None}
        assert used == {hash_code(c) for c in codes[:PEOPLE]}  # nothing lost, nothing reset
        if is_postgres():
            assert _xmins("survey_codes").count(_response_xmin(last)) == sealing.MIX_SIZE + 1


def test_a_used_code_cannot_be_used_again_after_being_rewritten(app, planner):
    s = every_type_survey(app, planner.id, access="code")
    with app.app_context():
        codes = generate_codes(get_user(app, planner.id), db.session.get(Survey, s.id), 3)
        db.session.commit()
    for code in codes:
        _answer_as(app, s.id, code=code)
    from participation.surveys.answering import CodeRejected

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
        if is_postgres():
            sealed = set(_xmins("survey_participations")) | set(_xmins("survey_codes"))
            assert len(sealed) == 1  # one transaction wrote them all
            assert sealed.isdisjoint({_response_xmin(r) for r in responses})


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
    with app.app_context():
        db.session.execute(
            update(Survey).where(Survey.id == s.id).values(ends_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
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
    from tests.conftest import post

    assert post(client, f"{base}/beenden", {}, token_from=base).status_code == 302
    with app.app_context():
        assert db.session.get(Survey, s.id).sealed_at is not None


def test_the_first_request_after_the_end_date_seals(app, client, planner, make_user):
    s = every_type_survey(app, planner.id)
    _answer_as(app, s.id, make_user().id)
    with app.app_context():
        db.session.execute(
            update(Survey).where(Survey.id == s.id).values(ends_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert client.get(f"/umfragen/{s.id}").status_code == 200  # anyone looking, no cron needed
    with app.app_context():
        assert db.session.get(Survey, s.id).sealed_at is not None


def test_seal_command_seals_what_closed_unseen(app, planner, make_user):
    s = every_type_survey(app, planner.id)
    _answer_as(app, s.id, make_user().id)
    with app.app_context():
        db.session.execute(
            update(Survey).where(Survey.id == s.id).values(ends_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["surveys", "seal"])
    assert result.exit_code == 0 and "1 Umfrage(n) versiegelt." in result.output
    again = app.test_cli_runner().invoke(args=["surveys", "seal"])
    assert "0 Umfrage(n) versiegelt." in again.output
