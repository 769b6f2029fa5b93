"""Planner tokens (#16 item 2): lifecycle, refusal before work, problem+json, rows = technical CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from participation.api.models import ApiToken
from participation.core.models import AuditLogEntry
from participation.core.types import utcnow
from participation.extensions import db
from tests.conftest import count_queries, login, post
from tests.surveys.results_factories import answer, results_survey

PAGE = "/konto/api-schluessel/"
SECRET = re.compile(r'<code class="api-token-secret">(pt_[A-Za-z0-9_-]+)</code>')


@pytest.fixture
def owned(app, client, planner):
    """A planner's survey with five responses, the planner logged in."""
    built = results_survey(app, planner.id)
    for index in range(5):
        answer(app, built, mode="Rad" if index % 2 else "Auto", km=index, scale=3, wish=["Bäume"])
    login(client, planner)
    return built


def create_token(client, survey_ids, *, name="R-Skript", days=30) -> str:
    """Create a token through the page; returns the secret shown once."""
    data = {
        "name": name,
        "surveys": [str(i) for i in survey_ids],
        "expires_on": str(date.today() + timedelta(days=days)),
    }
    response = post(client, PAGE, data, token_from=PAGE)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    match = SECRET.search(response.get_data(as_text=True))
    assert match, "the secret is shown once after creating"
    return match.group(1)


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def audit_count(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(AuditLogEntry.action == action))


def test_lifecycle_create_use_scope_expiry_revoke(app, client, owned):
    """Created (hashed, shown once), used (audit row per use, last use), scoped, expires, revoked."""
    secret = create_token(client, [owned.id])
    assert audit_count(app, "api.token_created") == 1
    with app.app_context():
        token = db.session.scalars(select(ApiToken)).one()
        assert secret not in token.token_hash and len(token.token_hash) == 64
        assert token.survey_ids == [owned.id] and token.last_used_at is None
    page = client.get(PAGE).get_data(as_text=True)
    assert secret not in page and "R-Skript" in page and "noch nie" in page

    url = f"/api/v1/surveys/{owned.id}/responses"
    for uses in (1, 2):
        response = client.get(url, headers=bearer(secret))
        assert response.status_code == 200
        assert len(response.get_json()["items"]) == 5
        assert audit_count(app, "api.token_used") == uses
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).one().last_used_at is not None

    other = results_survey(app, owned_planner_id(app, owned.id))
    refused = client.get(f"/api/v1/surveys/{other.id}/responses", headers=bearer(secret))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert audit_count(app, "api.token_used") == 2

    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(url, headers=bearer(secret)).status_code == 401
    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=utcnow() + timedelta(days=1)))
        db.session.commit()
        token_id = db.session.scalars(select(ApiToken.id)).one()
    assert client.get(url, headers=bearer(secret)).status_code == 200

    assert post(client, f"{PAGE}{token_id}/widerrufen", token_from=PAGE).status_code == 302
    assert audit_count(app, "api.token_revoked") == 1
    revoked = client.get(url, headers=bearer(secret))
    assert revoked.status_code == 401 and revoked.get_json()["status"] == 401
    assert "widerrufen am" in client.get(PAGE).get_data(as_text=True)


def owned_planner_id(app, survey_id: int) -> int:
    from participation.surveys.models import Survey  # reason: only this helper needs the model

    with app.app_context():
        return db.session.get(Survey, survey_id).created_by_id


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer pt_wrong"}, 401),
        ({"Authorization": "Basic dXNlcjpwdw=="}, 401),
        ({"Authorization": "Bearer "}, 401),
    ],
)
def test_missing_or_wrong_token_is_problem_json(app, client, owned, headers, status):
    """No token or an unknown one: 401 problem+json with WWW-Authenticate, in German and English."""
    response = client.get(f"/api/v1/surveys/{owned.id}/responses", headers=headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] == "Nicht angemeldet"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    english = client.get(
        f"/api/v1/surveys/{owned.id}/responses", headers={**headers, "Accept-Language": "en"}
    )
    assert english.get_json()["title"] != body["title"]


def test_refusal_before_work(app, client, planner, bulk):
    """A refused request for a survey with many responses runs no more statements than the token lookup."""
    built = results_survey(app, planner.id)
    for _ in range(3):
        answer(app, built, mode="Rad", km=1)
    login(client, planner)
    other = results_survey(app, planner.id)
    secret = create_token(client, [other.id])
    url = f"/api/v1/surveys/{built.id}/responses"
    with app.app_context():
        with count_queries(db.engine) as missing:
            assert client.get(url).status_code == 401
        with count_queries(db.engine) as scoped:
            assert client.get(url, headers=bearer(secret)).status_code == 403
    lookups = [s for s in scoped if "api_tokens" in s]
    assert len(missing) == 0, missing
    assert len(scoped) <= len(lookups) == 1, scoped
    assert not any("answers" in s or "responses" in s for s in scoped)


def test_rows_equal_technical_csv_and_pages(app, client, owned):
    """The JSON rows are the technical CSV's rows; keyset pages join up to the whole file."""
    secret = create_token(client, [owned.id])
    response = post(client, f"/umfragen/verwaltung/{owned.id}/export/datei?format=csv-technisch")
    assert response.status_code == 200
    technical = list(csv.reader(io.StringIO(response.data.decode().lstrip("\ufeff"), newline="")))
    url, items, columns = f"/api/v1/surveys/{owned.id}/responses?limit=2", [], None
    pages = 0
    while url:
        page = client.get(url, headers=bearer(secret)).get_json()
        columns = page["columns"]
        items += page["items"]
        url, pages = page["next"], pages + 1
    assert pages == 3
    as_text = [["" if value is None else str(value) for value in row] for row in items]
    assert [columns, *as_text] == technical


def test_bad_cursor_and_token_rate_key(app, client, owned):
    """A forged cursor is a 400 problem; the limit counts per token, not per address."""
    secret = create_token(client, [owned.id])
    bad = client.get(f"/api/v1/surveys/{owned.id}/responses?cursor=%%%", headers=bearer(secret))
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    from participation.api import rate_key  # reason: the key function needs a request context

    with app.test_request_context(headers=bearer(secret)):
        with_token = rate_key()
    with app.test_request_context():
        without = rate_key()
    assert with_token.startswith("api:token:") and secret not in with_token and with_token != without
