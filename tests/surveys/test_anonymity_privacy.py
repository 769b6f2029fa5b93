"""Anonymity by schema and data; "Meine Daten", "Meine Teilnahmen" and account deletion."""

from __future__ import annotations

import json

from sqlalchemy import inspect, select, text

from participation.accounts.services import delete_account
from participation.extensions import db
from participation.surveys.models import Answer, Participation, ParticipationCode, Response
from tests.conftest import ROLE_SETS, TEST_PASSWORD, get_user, is_postgres, login
from tests.surveys.factories import every_type_survey
from tests.surveys.test_participation import answer, make_codes


def test_schema_has_no_way_from_a_response_to_a_code_or_a_time(app):
    with app.app_context():
        inspector = inspect(db.engine)
        columns = {c["name"]: c for c in inspector.get_columns("survey_responses")}
        assert set(columns) == {"id", "survey_id", "user_id", "channel", "via", "submitted_on"}
        assert (
            "DATE" in str(columns["submitted_on"]["type"]).upper()
            and "TIME" not in str(columns["submitted_on"]["type"]).upper()
        )
        targets = {fk["referred_table"] for fk in inspector.get_foreign_keys("survey_responses")}
        assert targets == {"surveys", "users"}  # users only for NON-anonymous surveys (NULL otherwise)
        answer_targets = {fk["referred_table"] for fk in inspector.get_foreign_keys("survey_answers")}
        assert answer_targets == {"survey_responses", "survey_questions", "survey_options"}
        # The participation mark has no surrogate id and no time, and points at no response.
        part_columns = {c["name"] for c in inspector.get_columns("survey_participations")}
        assert part_columns == {"survey_id", "user_id"}
        code_columns = {c["name"] for c in inspector.get_columns("survey_codes")}
        assert code_columns == {"id", "survey_id", "code_hash", "created_on", "used"}  # used: not when


def test_anonymous_rows_cannot_be_joined_back(app, make_user):
    planner = make_user(ROLE_SETS["planner"])
    s = every_type_survey(app, planner.id, anonymous=True)
    people = [make_user() for _ in range(3)]
    for person in people:
        fresh = app.test_client()
        login(fresh, person)
        assert answer(fresh, s, person.name[:10]).status_code == 302
    with app.app_context():
        responses = db.session.scalars(select(Response)).all()
        assert len(responses) == 3 and all(r.user_id is None for r in responses)
        # Random 128-bit ids: not in insertion order, nothing to line up with the participation rows.
        assert all(len(r.id) == 32 and int(r.id, 16) for r in responses)
        assert len({r.submitted_on for r in responses}) == 1
        marks = db.session.execute(select(Participation.survey_id, Participation.user_id)).all()
        assert sorted(m.user_id for m in marks) == sorted(p.id for p in people)


def test_code_responses_keep_no_code(app, client, make_user):
    planner = make_user(ROLE_SETS["planner"])
    s = every_type_survey(app, planner.id, access="code")
    code = make_codes(app, s, planner, 1)[0]
    answer(client, s, code=code)
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        used = db.session.scalars(select(ParticipationCode)).one()
        assert response.user_id is None and used.used is True
        assert not hasattr(response, "code_id")


def test_non_anonymous_response_in_my_data_and_my_responses(app, client, make_user):
    planner = make_user(ROLE_SETS["planner"])
    s = every_type_survey(app, planner.id, anonymous=False)
    anon = every_type_survey(app, planner.id, anonymous=True)
    user = make_user()
    login(client, user)
    answer(client, s, "Sichtbar")
    answer(client, anon, "Geheim")
    data = json.loads(client.get("/konto/daten/meine-daten.json").get_data(as_text=True))
    part = data["surveys"]
    assert [a["answer"] for r in part["responses"] for a in r["answers"]] == ["Sichtbar"]
    assert part["anonymous_participations"] == ["Alles drin"]
    assert "Geheim" not in json.dumps(data)
    listing = client.get("/umfragen/meine-teilnahmen").get_data(as_text=True)
    assert listing.count("/umfragen/meine-teilnahmen/") == 1
    with app.app_context():
        response_id = db.session.scalar(select(Response.id).where(Response.user_id == user.id))
    assert "Sichtbar" in client.get(f"/umfragen/meine-teilnahmen/{response_id}").get_data(as_text=True)


def test_account_deletion_keeps_responses_without_the_person(app, client, make_user):
    planner = make_user(ROLE_SETS["planner"])
    s = every_type_survey(app, planner.id, anonymous=False)
    user = make_user()
    login(client, user)
    answer(client, s, "Bleibt")
    with app.app_context():
        delete_account(get_user(app, user.id), TEST_PASSWORD)
        db.session.commit()
        response = db.session.scalars(select(Response)).one()
        assert response.user_id is None and [a.value_text for a in response.answers] == ["Bleibt"]


def test_no_ip_or_user_agent_columns(app):
    with app.app_context():
        inspector = inspect(db.engine)
        for table in (
            "survey_responses",
            "survey_answers",
            "survey_participations",
            "survey_codes",
            "survey_drafts",
        ):
            names = {c["name"] for c in inspector.get_columns(table)}
            assert not names & {"ip", "ip_address", "user_agent", "remote_addr"}


def test_someone_elses_response_is_404(app, client, make_user):
    planner = make_user(ROLE_SETS["planner"])
    s = every_type_survey(app, planner.id, anonymous=False)
    owner = make_user()
    login(client, owner)
    answer(client, s)
    with app.app_context():
        response_id = db.session.scalar(select(Response.id))
    other = app.test_client()
    login(other, make_user(ROLE_SETS["admin"]))
    assert other.get(f"/umfragen/meine-teilnahmen/{response_id}").status_code == 404


def test_no_insertion_order_is_kept_for_responses_or_participations(app, app_ctx):
    """No hidden rowid (SQLite) and no serial id: row order cannot line a response up with a person."""
    for table in ("survey_responses", "survey_participations"):
        columns = {column["name"] for column in inspect(db.engine).get_columns(table)}
        assert "id" not in columns or table == "survey_responses"
        if not is_postgres():
            with db.engine.connect() as connection:
                try:
                    connection.execute(text(f"SELECT rowid FROM {table}"))
                except Exception as error:  # noqa: BLE001 - the point is that the column does not exist
                    assert "rowid" in str(error)
                else:
                    raise AssertionError(f"{table} keeps an insertion-ordered rowid")
    assert Response.id.type.length == 32  # random hex, not a sequence


def test_answer_ids_are_random_not_a_sequence(app, make_user):
    """Ascending answer ids would reveal the order of submissions; they are random 63-bit keys."""
    planner = make_user(ROLE_SETS["planner"])
    s = every_type_survey(app, planner.id, anonymous=True)
    for person in [make_user() for _ in range(2)]:
        fresh = app.test_client()
        login(fresh, person)
        assert answer(fresh, s, person.name[:10]).status_code == 302
    with app.app_context():
        ids = list(db.session.scalars(select(Answer.id)))
    # A sequence would start at 1; a random 63-bit key is below 2**31 with probability 2**-32.
    assert len(ids) >= 2 and all(answer_id > 2**31 for answer_id in ids)
