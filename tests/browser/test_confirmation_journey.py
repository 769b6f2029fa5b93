"""Ending a survey now, in a browser without JavaScript on a phone: ask, cancel, ask again, confirm."""

from __future__ import annotations

import pytest

from participation.extensions import db
from participation.surveys.models import Survey
from tests.conftest import ROLE_SETS, login
from tests.surveys.factories import every_type_survey
from tests.surveys.test_participation import answer


@pytest.fixture
def phone_without_javascript(browser):
    context = browser.new_context(
        locale="de-DE", viewport={"width": 360, "height": 800}, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _click(page, text: str) -> int:
    """Press a button or link in the main area and wait for the next page; returns its HTTP status."""
    with page.expect_navigation() as navigation:
        page.locator("main").get_by_role("button", name=text).or_(
            page.locator("main").get_by_role("link", name=text)
        ).first.click()
    return navigation.value.status


def test_ending_a_survey_asks_first_and_works_without_javascript(
    app, live_server, make_user, phone_without_javascript
):
    page = phone_without_javascript
    planner = make_user(ROLE_SETS["planner"])
    survey = every_type_survey(app, planner.id)
    citizen = app.test_client()
    login(citizen, make_user())
    assert answer(citizen, survey).status_code == 302

    page.goto(live_server + "/konto/anmelden")
    page.fill("#email", planner.email)
    page.fill("#password", planner.password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    builder = f"{live_server}/umfragen/verwaltung/{survey.id}"
    page.goto(builder)

    assert _click(page, "Jetzt beenden") == 200
    main = page.locator("main").inner_text()
    assert "jetzt beenden?" in page.locator("main h1").inner_text()
    assert "Bisher eingegangene Antworten\n1" in main
    assert "kann niemand mehr antworten" in main and "lässt sich nicht wieder öffnen" in main
    # axe needs JavaScript: it checks this page type in test_accessibility.py (admin-user-block-confirmation).

    assert _click(page, "Abbrechen") == 200
    assert page.url == builder
    with app.app_context():
        assert db.session.get_one(Survey, survey.id).closed_at is None

    assert _click(page, "Jetzt beenden") == 200
    assert _click(page, "Ja, Umfrage jetzt beenden") == 200  # after the redirect to the builder
    assert page.url == builder
    assert "Die Umfrage ist beendet." in page.locator("main").inner_text()
    with app.app_context():
        assert db.session.get_one(Survey, survey.id).closed_at is not None
