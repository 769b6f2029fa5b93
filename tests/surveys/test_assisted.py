"""Assisted entry: channel, same validation, codes consumed, audit without linking anonymous answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.surveys.models import ParticipationCode, Response
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
    hidden = enter(
        client, s, {"channel": "papier", f"q{s.q['cycle']}": s.o["nein"], f"q{s.q['often']}": "ja"}
    )
    assert hidden.status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Response)).one().answers) == 1


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
