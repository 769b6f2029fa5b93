"""Surveys in Chromium: keyboard-only answering, phone entry by staff, axe on survey pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from participation.extensions import db
from participation.surveys.models import Answer, Response
from tests.browser.conftest import Site
from tests.conftest import ROLE_SETS
from tests.surveys.factories import every_type_survey, two_page_survey

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def tab_to(site: Site, selector: str, limit: int = 80) -> None:
    """Press Tab until the element has focus (what a keyboard user does)."""
    for _ in range(limit):
        site.page.keyboard.press("Tab")
        if site.page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received focus by Tab")


def stored(site: Site):
    with site.app.app_context():
        responses = db.session.scalars(select(Response)).all()
        answers = db.session.scalars(select(Answer)).all()
        return responses, answers


def test_citizen_answers_two_pages_with_a_condition_by_keyboard(site: Site) -> None:
    s = two_page_survey(site.app, site.make_user(ROLE_SETS["planner"]).id)
    site.login_as("citizen")
    site.goto(f"/umfragen/{s.id}/teilnehmen")
    assert "Seite 1 von 2" in site.page.inner_text("main")
    tab_to(site, f"#q{s.q['cycle']}")
    site.page.keyboard.press("Space")  # "Ja"
    tab_to(site, f"#q{s.q['km']}")
    site.page.keyboard.type("12")
    with site.page.expect_navigation():
        site.page.keyboard.press("Enter")  # "Weiter" is the form's first button
    main = site.page.inner_text("main")
    assert "Seite 2 von 2" in main and "Wohin?" in main  # shown because 12 > 10
    tab_to(site, f"#q{s.q['often']}")
    site.page.keyboard.press("Space")
    tab_to(site, f"#q{s.q['far']}")
    site.page.keyboard.type("Zur Arbeit")
    with site.page.expect_navigation():
        site.page.keyboard.press("Enter")  # "Weiter zur Übersicht"
    assert site.page.title().startswith("Ihre Antworten prüfen – Radwege")
    main = site.page.inner_text("main")
    assert "Zur Arbeit" in main and "12" in main and stored(site) == ([], [])
    tab_to(site, "button[value='submit']")
    with site.page.expect_navigation():
        site.page.keyboard.press("Enter")
    assert site.page.url.endswith(f"/umfragen/{s.id}/danke")
    assert "Vielen Dank" in site.page.inner_text("main h1")
    assert "Warum es keine Kopie" in site.page.inner_text("main")  # the survey is anonymous
    responses, answers = stored(site)
    assert len(responses) == 1 and responses[0].channel == "online"
    assert {a.question_id for a in answers} == set(s.q.values())


def test_keyboard_user_sees_error_at_the_field_and_keeps_answers(site: Site) -> None:
    s = two_page_survey(site.app, site.make_user(ROLE_SETS["planner"]).id)
    site.login_as("citizen")
    site.goto(f"/umfragen/{s.id}/teilnehmen")
    tab_to(site, f"#q{s.q['km']}")
    site.page.keyboard.type("7")
    with site.page.expect_navigation():
        site.page.keyboard.press("Enter")
    assert site.page.locator(f"#q{s.q['cycle']}-error").inner_text() == "Bitte beantworten Sie diese Frage."
    assert site.page.input_value(f"#q{s.q['km']}") == "7"
    # enhance.js moves focus to the error summary; its link leads to the field.
    assert site.page.evaluate("document.activeElement.classList.contains('error-summary')")


def test_staff_enter_a_phone_response(site: Site) -> None:
    s = two_page_survey(site.app, site.make_user(ROLE_SETS["planner"]).id)
    site.login_as("moderator")
    site.goto("/umfragen/verwaltung/")
    with site.page.expect_navigation():
        site.page.locator("tr", has_text="Radwege").get_by_role("link", name="Antwort erfassen").click()
    site.page.check("#channel-telefon")
    site.page.check(f"#q{s.q['cycle']}")
    site.page.fill(f"#q{s.q['km']}", "3")
    site.page.check(f"#q{s.q['often']}-2")  # "Nein"
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Antwort speichern").click()
    assert "Die Antwort ist gespeichert (Eingang: Telefon)" in site.page.inner_text("main")
    responses, answers = stored(site)
    assert [(r.channel, r.via) for r in responses] == [("telefon", "assisted")]
    assert {a.question_id for a in answers} == {s.q["cycle"], s.q["km"], s.q["often"]}


def _builder(site: Site) -> None:
    planner = site.login_as("planner")
    s = every_type_survey(site.app, planner.id, publish=False)
    site.goto(f"/umfragen/verwaltung/{s.id}")


def _question_editor(site: Site) -> None:
    planner = site.login_as("planner")
    s = every_type_survey(site.app, planner.id, publish=False)
    site.goto(f"/umfragen/verwaltung/{s.id}/fragen/{s.q['multiple']}")


def _answering(site: Site) -> None:
    s = every_type_survey(site.app, site.make_user(ROLE_SETS["planner"]).id, access="open")
    site.goto(f"/umfragen/{s.id}/teilnehmen")


def _answering_with_errors(site: Site) -> None:
    s = every_type_survey(site.app, site.make_user(ROLE_SETS["planner"]).id, access="open", mandatory=True)
    site.goto(f"/umfragen/{s.id}/teilnehmen")
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Weiter zur Übersicht").click()
    assert site.page.locator(".error-summary").is_visible()


def _summary(site: Site) -> None:
    site.page.set_viewport_size({"width": 320, "height": 800})
    s = two_page_survey(site.app, site.make_user(ROLE_SETS["planner"]).id, access="open")
    site.goto(f"/umfragen/{s.id}/teilnehmen")
    site.page.check(f"#q{s.q['cycle']}")
    site.page.fill(f"#q{s.q['km']}", "12")
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Weiter", exact=True).click()
    site.page.check(f"#q{s.q['often']}")
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Weiter zur Übersicht").click()
    assert "Ihre Antworten prüfen" in site.page.inner_text("main h2")
    assert site.page.evaluate("document.documentElement.scrollWidth") <= 320


def _receipt_with_copy(site: Site) -> None:
    site.page.set_viewport_size({"width": 320, "height": 800})
    s = two_page_survey(site.app, site.make_user(ROLE_SETS["planner"]).id, anonymous=False)
    site.login_as("citizen")
    site.goto(f"/umfragen/{s.id}/teilnehmen")
    site.page.check(f"#q{s.q['cycle']}-2")  # "Nein": page 2 falls away, "Weiter" leads to the summary
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Weiter", exact=True).click()
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Antworten absenden").click()
    assert "Nein" in site.page.inner_text("main dl")
    assert site.page.get_by_role("link", name="Kopie herunterladen (Textdatei)").is_visible()


def _resume(site: Site) -> None:
    site.page.set_viewport_size({"width": 320, "height": 800})
    s = two_page_survey(site.app, site.make_user(ROLE_SETS["planner"]).id)
    site.login_as("citizen")
    site.goto(f"/umfragen/{s.id}/teilnehmen")
    site.page.fill(f"#q{s.q['km']}", "4")
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Zwischenspeichern").click()
    site.goto(f"/umfragen/{s.id}")
    assert "begonnen" in site.page.inner_text("main")


def _preview(site: Site) -> None:
    site.page.set_viewport_size({"width": 320, "height": 800})
    planner = site.login_as("planner")
    s = two_page_survey(site.app, planner.id, publish=False)
    site.goto(f"/umfragen/verwaltung/{s.id}/vorschau")
    site.page.select_option("#preview-goto", str(s.pages[1]))
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Anzeigen").click()
    assert "Fahren Sie täglich?" in site.page.inner_text("main")
    assert site.page.evaluate("document.documentElement.scrollWidth") <= 320


def _confirmation(site: Site) -> None:
    s = two_page_survey(site.app, site.make_user(ROLE_SETS["planner"]).id, access="open")
    site.goto(f"/umfragen/{s.id}/danke")


def _assisted(site: Site) -> None:
    s = every_type_survey(site.app, site.make_user(ROLE_SETS["planner"]).id)
    site.login_as("moderator")
    site.goto(f"/umfragen/verwaltung/{s.id}/erfassung")


def _survey_list(site: Site) -> None:
    s = every_type_survey(site.app, site.make_user(ROLE_SETS["planner"]).id)
    site.goto(f"/umfragen/{s.id}")


PAGES = {
    "builder": _builder,
    "question editor": _question_editor,
    "answering": _answering,
    "answering with errors": _answering_with_errors,
    "confirmation": _confirmation,
    "summary at 320 px": _summary,
    "receipt with a copy at 320 px": _receipt_with_copy,
    "resume on the start page at 320 px": _resume,
    "preview jumped to a page at 320 px": _preview,
    "assisted entry": _assisted,
    "survey detail": _survey_list,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_survey_pages_have_no_wcag_violations(site: Site, name: str) -> None:
    PAGES[name](site)
    result = Axe().run(site.page, options=AXE_OPTIONS)
    violations = result.response["violations"]
    details = [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in violations]
    assert not violations, f"{name}: {details}"
    assert result.response["passes"]
