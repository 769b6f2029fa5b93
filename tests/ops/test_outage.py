"""Database outage: every visitor gets a German 503 page made without the database; the app recovers."""

from __future__ import annotations

import logging
import re

from tests.conftest import csrf_token, is_postgres, login
from tests.ops.conftest import outage_app

UNAVAILABLE_DE = "Vorübergehend nicht erreichbar"
UNAVAILABLE_EN = "Temporarily unavailable"
LOGGED_IN = "Abmelden"  # the header's logout button


def assert_unavailable_page(response, title: str = UNAVAILABLE_DE, language: str = "de") -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html[:500]
    assert response.headers["Retry-After"] == "30"
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert f'<html lang="{language}">' in html
    assert f"<h1>{title}</h1>" in html
    assert "Traceback" not in html and "OperationalError" not in html
    # The strict CSP holds: styles from static files, nothing inline.
    assert "/static/css/main.css" in html and "<style" not in html and "<script" not in html
    return html


def test_anonymous_visitor_gets_german_503_without_a_second_connection_attempt(outage):
    client = outage.app.test_client()
    assert client.get("/").status_code == 200
    outage.down()
    for path in ("/", "/projekte/", "/projekte/spielplatz", "/umfragen/"):
        outage.connect_attempts.clear()
        assert_unavailable_page(client.get(path))
        # The page that failed tried once; the 503 page itself opens no connection.
        assert len(outage.connect_attempts) <= 1, path


def test_logged_in_visitor_gets_the_page_not_a_bare_server_error(outage):
    client = outage.app.test_client()
    login(client, outage.person)
    token = csrf_token(client)
    assert LOGGED_IN in client.get("/").get_data(as_text=True)
    outage.down()
    # The session cookie makes Flask-Login load the person from the database first (the 404 page too).
    for path in ("/", "/konto/", "/gibt-es-nicht"):
        outage.connect_attempts.clear()
        html = assert_unavailable_page(client.get(path))
        assert LOGGED_IN not in html
        assert len(outage.connect_attempts) <= 1, path
    # A form sent during the outage: the page says it may not have been saved.
    response = client.post("/sprache", data={"csrf_token": token, "language": "de", "next": "/"})
    html = assert_unavailable_page(response)
    assert "nicht gespeichert" in html
    assert "Seite neu laden" not in html  # reloading would send the form again


def test_the_page_speaks_the_visitors_language_without_the_profile(outage):
    client = outage.app.test_client()
    outage.down()
    assert_unavailable_page(
        client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}), UNAVAILABLE_EN, "en"
    )
    assert_unavailable_page(client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}))
    # The language switch (kept in the session cookie) wins over the browser.
    with client.session_transaction() as session:
        session["language"] = "en"
    assert_unavailable_page(client.get("/", headers={"Accept-Language": "de"}), UNAVAILABLE_EN, "en")


def test_the_outage_is_logged_once_per_request_without_a_traceback(outage, caplog):
    client = outage.app.test_client()
    login(client, outage.person)
    outage.down()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        client.get("/")
        client.get("/gibt-es-nicht")
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.name for record in warnings] == ["participation.core.errors"] * 2, warnings
    for record in warnings:
        assert record.levelno == logging.WARNING and record.exc_info is None
        assert re.search(
            r"Datenbank nicht erreichbar, Antwort 503 \(GET /[a-z-]*\): \w+", record.getMessage()
        )


def test_the_app_recovers_by_itself_when_the_database_is_back(outage):
    client = outage.app.test_client()
    login(client, outage.person)
    assert LOGGED_IN in client.get("/").get_data(as_text=True)
    for _round in range(2):
        outage.down()
        assert_unavailable_page(client.get("/"))
        outage.up()
        # Same app, same pool (SQLAlchemy drops it after the failed request), still logged in.
        response = client.get("/")
        assert response.status_code == 200
        assert LOGGED_IN in response.get_data(as_text=True)


def test_a_restart_while_idle_is_noticed_before_use(tmp_path, keep_limiter):
    """A connection idle for the configured time is pinged (core/pool.py): nobody sees the restart."""
    for outage in outage_app(tmp_path, {"DATABASE_PING_AFTER_IDLE_SECONDS": 0}):
        client = outage.app.test_client()
        login(client, outage.person)
        for _round in range(2):
            outage.down()
            outage.up()
            response = client.get("/")
            assert response.status_code == 200 and LOGGED_IN in response.get_data(as_text=True)


def test_a_restart_between_busy_requests_costs_at_most_one_503_per_worker(tmp_path, keep_limiter):
    """Connections in use moments ago are not pinged: the first request after a restart may fail once."""
    for outage in outage_app(tmp_path, {"DATABASE_PING_AFTER_IDLE_SECONDS": 3600}):
        client = outage.app.test_client()
        login(client, outage.person)
        outage.down()
        outage.up()
        statuses = [client.get("/").status_code for _ in range(3)]
        # PostgreSQL: the pooled connection was reset and is found dead by this request; SQLite opens
        # its file afresh (the outage closed it), so nothing fails there.
        assert statuses == ([503, 200, 200] if is_postgres() else [200, 200, 200])
