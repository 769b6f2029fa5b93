"""Anonymous and code responses wait sealed and reach their tables in shuffled batches (#15 item 1)."""

from __future__ import annotations

import re
import threading

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import func, select, text, update

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.answering import batches, envelope, sealing
from participation.surveys.answering.codes import generate_codes
from participation.surveys.answering.services import submit_response
from participation.surveys.errors import NotAnswerable
from participation.surveys.models import Answer, Response, Survey, WaitingResponse
from tests.conftest import get_user, is_postgres, post
from tests.surveys.factories import every_type_survey

K = batches.BATCH_SIZE


@pytest.fixture
def batched(app, monkeypatch):
    """Batches of the production size (the suite's default writes every response at once)."""
    monkeypatch.setitem(app.config, "SURVEY_BATCH_SIZE", K)


def _raw(s, text: str) -> dict:
    return {
        f"q{s.q['short']}": [text],
        f"q{s.q['dec']}": ["12.5"],
        f"q{s.q['single']}": [str(s.o["single:Brunnen"])],
        f"q{s.q['date']}": ["03.10.1990"],
    }


def _submit(app, s, text: str, *, user_id: int | None = None, code: str | None = None) -> None:
    with app.app_context():
        user = get_user(app, user_id) if user_id else None
        submit_response(db.session.get(Survey, s.id), _raw(s, text), user=user, code=code)
        db.session.commit()


def _counts(app, s) -> tuple[int, int, int]:
    """(responses written, responses waiting, response_count) of the survey."""
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        written = db.session.scalar(select(func.count()).where(Response.survey_id == s.id))
        return written, batches.waiting_count(survey), sealing.response_count(survey)


def _texts(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Answer.value_text).where(Answer.value_text.is_not(None))))


def test_responses_wait_until_a_batch_is_full_then_are_written_together(app, planner, make_user, batched):
    s = every_type_survey(app, planner.id, anonymous=True)
    people = [make_user().id for _ in range(K)]
    for number, person in enumerate(people[:-1]):
        _submit(app, s, f"P{number}", user_id=person)
    assert _counts(app, s) == (0, K - 1, K - 1)  # received and counted, not yet in the results
    assert _texts(app) == []
    _submit(app, s, f"P{K - 1}", user_id=people[-1])
    assert _counts(app, s) == (K, 0, K)
    assert _texts(app) == sorted(f"P{n}" for n in range(K))
    with app.app_context():
        answers = db.session.execute(select(Answer.value_number, Answer.value_date, Answer.option_id)).all()
        assert {str(a.value_number) for a in answers if a.value_number is not None} == {"12.500000"}
        assert {a.value_date.isoformat() for a in answers if a.value_date is not None} == {"1990-10-03"}
        assert len([a for a in answers if a.option_id == s.o["single:Brunnen"]]) == K
        # One day for the whole batch: a batch straddling midnight must not split into two crowds.
        assert len(set(db.session.scalars(select(Response.submitted_on)))) == 1
        assert all(user_id is None for user_id in db.session.scalars(select(Response.user_id)))


def test_code_responses_wait_too_also_in_non_anonymous_surveys(app, planner, batched):
    s = every_type_survey(app, planner.id, access="code", anonymous=False)
    with app.app_context():
        codes = generate_codes(get_user(app, planner.id), db.session.get(Survey, s.id), 3)
        db.session.commit()
    for code in codes:
        _submit(app, s, "Code", code=code)
    assert _counts(app, s) == (0, 3, 3)


def test_named_responses_are_written_at_once(app, planner, make_user, batched):
    s = every_type_survey(app, planner.id, anonymous=False)
    _submit(app, s, "Offen", user_id=make_user().id)
    assert _counts(app, s) == (1, 0, 1)


def test_what_waits_is_sealed_padded_and_bound_to_its_survey(app, app_ctx, planner):
    s = every_type_survey(app, planner.id, anonymous=True)
    survey = db.session.get(Survey, s.id)
    short = {
        "response": ["a" * 32, "online", "account"],
        "answers": [[1, None, None, None, "Jawohl-Kennwort", None, None, False]],
    }
    long = {**short, "answers": [[1, None, None, None, "Bäume am Brunnen " * 3, None, None, False]] * 5}
    sealed_short, sealed_long = envelope.seal_payload(survey, short), envelope.seal_payload(survey, long)
    assert len(sealed_short) == len(sealed_long)  # a long text does not make its waiting row longer
    # Markers long enough that random ciphertext cannot contain them by chance (two bytes did, 1 in ~50).
    assert "Bäume am Brunnen".encode() not in sealed_long and b"Jawohl-Kennwort" not in sealed_short
    assert envelope.open_payload(survey.id, sealed_long) == long
    with pytest.raises(InvalidTag):  # moved to another survey, or altered: refused, not misread
        envelope.open_payload(survey.id + 1, sealed_long)


def test_what_waited_under_a_previous_key_still_opens(app, app_ctx, planner, monkeypatch):
    s = every_type_survey(app, planner.id, anonymous=True)
    survey = db.session.get(Survey, s.id)
    payload = {"response": ["b" * 32, "online", "open"], "answers": []}
    sealed = envelope.seal_payload(survey, payload)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [app.config["SECRET_KEY"]])
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-key-" + "x" * 32)
    assert envelope.open_payload(survey.id, sealed) == payload
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    with pytest.raises(InvalidTag):
        envelope.open_payload(survey.id, sealed)


def test_every_waiting_row_of_a_survey_has_the_same_size(app, planner, make_user, batched):
    s = every_type_survey(app, planner.id, anonymous=True)
    for answer in ("", "x", "Längster"):
        with app.app_context():
            raw = _raw(s, answer) if answer else {}
            user = get_user(app, make_user().id)
            submit_response(db.session.get(Survey, s.id), raw, user=user)
            db.session.commit()
    with app.app_context():
        sizes = {len(blob) for blob in db.session.scalars(select(WaitingResponse.sealed))}
        assert len(sizes) == 1


def test_closing_writes_what_waits_and_seals(app, planner, make_user, batched):
    s = every_type_survey(app, planner.id, anonymous=True)
    for number in range(4):
        _submit(app, s, f"P{number}", user_id=make_user().id)
    assert _counts(app, s) == (0, 4, 4)
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        survey.closed_at = utcnow()
        assert sealing.seal_if_closed(survey) is True
        db.session.commit()
    assert _counts(app, s) == (4, 0, 4)
    assert _texts(app) == ["P0", "P1", "P2", "P3"]


def test_a_submission_that_meets_the_seal_is_refused(app, planner, make_user, batched):
    """A survey sealed while a submission was on its way: refused, never left waiting for ever."""
    s = every_type_survey(app, planner.id, anonymous=True)
    person = make_user().id
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        user = get_user(app, person)
        db.session.execute(update(Survey).where(Survey.id == s.id).values(sealed_at=utcnow()))
        with pytest.raises(NotAnswerable):
            submit_response(survey, _raw(s, "Spät"), user=user)
        db.session.rollback()
    assert _counts(app, s) == (0, 0, 0)


def test_a_question_deleted_while_answers_wait_does_not_break_the_batch(app, planner, make_user, batched):
    s = every_type_survey(app, planner.id, anonymous=True)
    for number in range(K - 1):
        _submit(app, s, f"P{number}", user_id=make_user().id)
    with app.app_context():
        db.session.execute(Answer.__table__.delete())  # nothing written yet
        question = db.session.get(Survey, s.id).questions
        doomed = next(q for q in question if q.id == s.q["dec"])
        db.session.delete(doomed)
        db.session.commit()
    _submit(app, s, "Letzte", user_id=make_user().id)
    assert _counts(app, s) == (K, 0, K)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Answer.question_id == s.q["dec"])) == 0
    assert len(_texts(app)) == K


def test_the_seal_command_writes_full_batches_left_waiting(app, planner, make_user, monkeypatch):
    s = every_type_survey(app, planner.id, anonymous=True)
    monkeypatch.setitem(app.config, "SURVEY_BATCH_SIZE", K + 5)
    for number in range(K):
        _submit(app, s, f"P{number}", user_id=make_user().id)
    assert _counts(app, s) == (0, K, K)
    monkeypatch.setitem(app.config, "SURVEY_BATCH_SIZE", K)  # as if parallel flushes had skipped each other
    result = app.test_cli_runner().invoke(args=["surveys", "seal"])
    assert result.exit_code == 0, result.output
    assert _counts(app, s) == (K, 0, K)


@pytest.mark.skipif(not is_postgres(), reason="parallel writers need PostgreSQL")
def test_parallel_submissions_lose_nothing_and_write_only_full_batches(app, planner, make_user, batched):
    s = every_type_survey(app, planner.id, anonymous=True)
    people = [make_user().id for _ in range(4 * K)]
    failures: list[BaseException] = []

    def worker(chunk: list[int]) -> None:
        for person in chunk:
            try:
                _submit(app, s, f"N{people.index(person):03d}", user_id=person)
            except BaseException as error:  # noqa: BLE001 - reported by the main thread
                failures.append(error)

    threads = [threading.Thread(target=worker, args=(people[n::4],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    written, waiting, total = _counts(app, s)
    assert total == len(people) and waiting < 2 * K
    with app.app_context():
        stamps = list(db.session.scalars(text("SELECT xmin::text FROM survey_responses")))
        assert all(stamps.count(stamp) >= K for stamp in stamps)  # no small batch, even under races
        survey = db.session.get(Survey, s.id)
        survey.closed_at = utcnow()
        assert sealing.seal_if_closed(survey) is True
        db.session.commit()
    assert _texts(app) == sorted(f"N{n:03d}" for n in range(len(people)))  # each exactly once


def test_the_planner_sees_waiting_responses_as_received_before_ending(
    app, client, logged_in, make_user, batched
):
    owner = logged_in("planner")
    s = every_type_survey(app, owner.id, anonymous=True)
    for number in range(3):
        _submit(app, s, f"P{number}", user_id=make_user().id)
    base = f"/umfragen/verwaltung/{s.id}"
    page = post(client, f"{base}/beenden", {}, token_from=base).get_data(as_text=True)
    assert re.search(r"Bisher eingegangene Antworten</dt>\s*<dd[^>]*>3</dd>", page), page


def test_a_response_sealed_under_a_lost_key_stays_and_does_not_block_the_others(
    app, planner, make_user, monkeypatch, caplog
):
    s = every_type_survey(app, planner.id, anonymous=True)
    monkeypatch.setitem(app.config, "SURVEY_BATCH_SIZE", K + 5)
    _submit(app, s, "Alter", user_id=make_user().id)
    old_key = app.config["SECRET_KEY"]
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-key-" + "y" * 32)  # changed without a fallback
    monkeypatch.setitem(app.config, "SURVEY_BATCH_SIZE", K)
    for number in range(K):
        _submit(app, s, f"P{number}", user_id=make_user().id)
    assert _counts(app, s) == (K, 1, K + 1)  # the eleven new ones are written; the old one still waits
    assert "cannot be opened" in caplog.text
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_key])
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        survey.closed_at = utcnow()
        assert sealing.seal_if_closed(survey) is True
        db.session.commit()
    assert _counts(app, s) == (K + 1, 0, K + 1)
    assert "Alter" in _texts(app)
