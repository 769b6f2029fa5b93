"""The "Zugangsschlüssel (API)" pages: who sees them, German errors at the field, revoking one's own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from participation.api import tokens
from participation.api.models import ApiToken
from participation.extensions import db
from tests.conftest import get_user, login, post
from tests.surveys.results_factories import results_survey

PAGE = "/konto/api-schluessel/"


def test_anonymous_goes_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_without_planner_role_forbidden_and_no_link(client, logged_in, role):
    logged_in(role)
    assert client.get(PAGE).status_code == 403
    assert post(client, f"{PAGE}1/widerrufen").status_code == 403
    assert PAGE not in client.get("/konto/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planner_and_admin_see_page_and_link(app, client, make_user, role):
    from tests.conftest import ROLE_SETS  # reason: role sets only needed here

    user = make_user(ROLE_SETS[role])
    results_survey(app, user.id)
    login(client, user)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Neuen Zugangsschlüssel anlegen" in html and "Mobilität" in html
    assert PAGE in client.get("/konto/").get_data(as_text=True)


def test_german_errors_keep_input_and_save_nothing(app, client, planner):
    built = results_survey(app, planner.id)
    foreign = results_survey(app, app_user(app, client))
    login(client, planner)
    data = {"name": "Mein Skript", "surveys": [str(foreign.id)], "expires_on": "kein Datum"}
    response = post(client, PAGE, data, token_from=PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bitte wählen Sie mindestens eine Ihrer Umfragen." in html
    assert "Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)." in html
    assert 'value="Mein Skript"' in html
    far = {"name": "", "surveys": [str(built.id)], "expires_on": str(date.today() + timedelta(days=400))}
    html = post(client, PAGE, far, token_from=PAGE).get_data(as_text=True)
    assert "Bitte geben Sie dem Schlüssel einen Namen." in html
    assert "Das Datum muss zwischen morgen und in einem Jahr liegen." in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def app_user(app, client) -> int:
    """Another planner (not logged in)."""
    from participation.accounts.models import Role  # reason: only this helper creates a user directly
    from participation.accounts.services import create_user  # reason: as above

    with app.app_context():
        user = create_user(
            "andere-planung@example.org", "Andere", "Lang-genug-2026-x", {Role.PLANNER}, verified=True
        )
        db.session.commit()
        return user.id


def test_someone_elses_token_cannot_be_revoked(app, client, planner):
    other_id = app_user(app, client)
    built = results_survey(app, other_id)
    with app.app_context():
        token, _secret = tokens.create(
            get_user(app, other_id), "Fremd", [built.id], date.today() + timedelta(days=5)
        )
        db.session.commit()
        token_id = token.id
    login(client, planner)
    assert post(client, f"{PAGE}{token_id}/widerrufen", token_from=PAGE).status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_revoke_needs_csrf(app, client, planner):
    built = results_survey(app, planner.id)
    with app.app_context():
        token, _secret = tokens.create(
            get_user(app, planner.id), "Eigen", [built.id], date.today() + timedelta(days=5)
        )
        db.session.commit()
        token_id = token.id
    login(client, planner)
    assert client.post(f"{PAGE}{token_id}/widerrufen").status_code == 400
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None
