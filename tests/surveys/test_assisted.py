"""Assisted entry: channel, same validation, codes consumed, audit without linking anonymous answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.surveys.models import ParticipationCode, Response, Survey
from tests.conftest import ROLE_SETS, post
from tests.surveys.factories import every_type_survey, set_dates, two_page_survey
from tests.surveys.test_participation import make_codes


@pytest.fixture
def owner(make_user):
    return make_user(ROLE_SETS["planner"])


def enter(client, s, data, token_from=None):
    path = f"/umfragen/verwaltung/{s.id}/erfassung"
    return post(client, path, {"action": "submit", **data}, token_from=token_from or path)


@pytest.mark.parametrize("role", ["moderator", "planner", "admin"])
@pytest.mark.parametrize("channel", ["telefon", "buergerbuero", "papier"])
def test_staff_enter_a_response_with_its_channel(app, client, logged_in, owner, role, channel):
    s = two_page_survey(app, owner.id)
    logged_in(role)
    page = client.get(f"/umfragen/verwaltung/{s.id}/erfassung").get_data(as_text=True)
    # All pages on one form, conditional parts explained.
    assert "Fahren Sie Rad?" in page and "Fahren Sie täglich?" in page and "Seite nur, wenn:" in page
    response = enter(client, s, {"channel": channel, f"q{s.q['cycle']}": s.o["ja"], f"q{s.q['often']}": "ja"})
    assert response.status_code == 302
    assert "Die Antwort ist gespeichert" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalars(select(Response)).one()
        assert (stored.channel, stored.via, stored.user_id) == (channel, "assisted", None)
        entry = db.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "surveys.response_entered")
        ).one()
        assert entry.details == {"channel": channel, "with_code": False}  # anonymous: no response id


def test_same_validation_and_conditions(app, client, logged_in, owner):
    s = two_page_survey(app, owner.id)
    logged_in("moderator")
    missing = enter(client, s, {"channel": "papier", f"q{s.q['cycle']}": s.o["ja"], f"q{s.q['km']}": "-3"})
    html = missing.get_data(as_text=True)
    assert (
        missing.status_code == 422
        and f'id="q{s.q["often"]}-error"' in html
        and f'id="q{s.q["km"]}-error"' in html
    )
    assert 'value="-3"' in html and 'value="papier" checked' in html
    with app.app_context():
        assert db.session.scalars(select(Response)).all() == []


def test_an_answer_to_a_question_that_does_not_apply_is_refused_at_its_field(app, client, logged_in, owner):
    s = two_page_survey(app, owner.id)
    logged_in("moderator")
    # "Nein" to cycling: page 2 does not apply, yet the paper form has "täglich: ja" and a destination.
    data = {
        "channel": "papier",
        f"q{s.q['cycle']}": s.o["nein"],
        f"q{s.q['km']}": "3",
        f"q{s.q['often']}": "ja",
        f"q{s.q['far']}": "Zur Arbeit",
    }
    refused = enter(client, s, data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    for key in ("often", "far"):
        error = html.split(f'id="q{s.q[key]}-error"')[1].split("</p>")[0]
        assert (
            "Diese Frage entfällt nach den übrigen Angaben" in error and "Gespeichert wurde nichts" in error
        )
    # The rule in words for staff, without codes: page 2 needs "Ja", "Wohin?" needs more than 10 km.
    assert "„Fahren Sie Rad?“ ist gleich „Ja“" in html
    assert "„Wie viele Kilometer am Tag?“ ist größer als „10“" in html
    with app.app_context():
        codes = [q.code for q in db.session.get(Survey, s.id).questions]
    assert codes and not any(code in html for code in codes)
    # What was keyed stays, the channel too, and nothing was stored.
    assert 'value="Zur Arbeit"' in html and 'value="papier" checked' in html
    with app.app_context():
        assert db.session.scalars(select(Response)).all() == []
    # Clearing the two fields stores the response with the one answer that applies (and the km).
    del data[f"q{s.q['often']}"], data[f"q{s.q['far']}"]
    assert enter(client, s, data).status_code == 302
    with app.app_context():
        stored = db.session.scalars(select(Response)).one()
        assert {a.question_id for a in stored.answers} == {s.q["cycle"], s.q["km"]}


def test_other_text_without_other_chosen_is_refused(app, client, logged_in, owner):
    s = every_type_survey(app, owner.id)
    logged_in("moderator")
    single, other = f"q{s.q['single']}", f"q{s.q['single']}_other"
    refused = enter(client, s, {"channel": "telefon", single: s.o["single:Brunnen"], other: "Marktbrunnen"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Text zu „Sonstiges“ bitte nur" in html
    assert f'id="q{s.q["single"]}-error"' in html
    chosen = enter(client, s, {"channel": "telefon", single: s.o["single:Sonstiges"], other: "Marktbrunnen"})
    assert chosen.status_code == 302
    with app.app_context():
        answer = db.session.scalars(select(Response)).one().answers[0]
        assert (answer.option_id, answer.value_text) == (s.o["single:Sonstiges"], "Marktbrunnen")


@pytest.mark.parametrize("channel", ["papier", "buergerbuero", "telefon"])
def test_the_channel_stays_chosen_for_the_next_entry(app, client, logged_in, owner, channel):
    s = two_page_survey(app, owner.id)
    logged_in("planner")
    saved = enter(client, s, {"channel": channel, f"q{s.q['cycle']}": s.o["nein"]})
    assert saved.status_code == 302
    following = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Die Antwort ist gespeichert" in following
    assert f'value="{channel}" checked' in following and following.count(" checked") == 1
    # The next form is empty: only the channel is kept.
    assert f'value="{s.o["nein"]}" checked' not in following
    saved = enter(client, s, {"channel": channel, f"q{s.q['cycle']}": s.o["ja"], f"q{s.q['often']}": "ja"})
    assert saved.status_code == 302
    with app.app_context():
        assert [r.channel for r in db.session.scalars(select(Response))] == [channel, channel]


def test_an_unknown_channel_in_the_address_falls_back_to_telephone(app, client, logged_in, owner):
    s = two_page_survey(app, owner.id)
    logged_in("planner")
    for value in ("online", "fax", ""):
        html = client.get(f"/umfragen/verwaltung/{s.id}/erfassung?eingang={value}").get_data(as_text=True)
        assert 'value="telefon" checked' in html and html.count(" checked") == 1


def test_channel_is_required(app, client, logged_in, owner):
    s = two_page_survey(app, owner.id)
    logged_in("moderator")
    response = enter(client, s, {f"q{s.q['cycle']}": s.o["nein"]})
    assert response.status_code == 422 and "wie die Antwort eingegangen ist" in response.get_data(
        as_text=True
    )
    assert enter(client, s, {"channel": "online", f"q{s.q['cycle']}": s.o["nein"]}).status_code == 422


def test_code_is_consumed_once(app, client, logged_in, owner):
    s = every_type_survey(app, owner.id, access="code")
    code = make_codes(app, s, owner, 1)[0]
    logged_in("moderator")
    assert enter(client, s, {"channel": "telefon", "code": code}).status_code == 302
    again = enter(client, s, {"channel": "telefon", "code": code, f"q{s.q['short']}": "Zwei"})
    assert again.status_code == 422 and "bereits verwendet" in again.get_data(as_text=True)
    with app.app_context():
        assert [r.via for r in db.session.scalars(select(Response))] == ["code"]
        assert db.session.scalars(select(ParticipationCode.used)).one() is True


def test_closed_survey_refuses_entry(app, client, logged_in, owner):
    s = two_page_survey(app, owner.id)
    set_dates(app, s.id, ends_in=timedelta(seconds=-1))
    logged_in("planner")
    response = enter(client, s, {"channel": "papier", f"q{s.q['cycle']}": s.o["nein"]}, token_from="/")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Response)).all() == []
