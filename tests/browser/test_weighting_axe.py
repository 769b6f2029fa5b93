"""axe-core zero on the weighting page (mapping, bounds, panel), its refusal, and the results page with
the panel, at 320 and 1280 px without sideways overflow of the page."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Site
from tests.browser.test_accessibility import axe_problems
from tests.conftest import ROLE_SETS
from tests.surveys.weighting.factories import add_responses, map_world, population, weighting_survey

GROUPS = {
    ("Nord", "18–39 Jahre"): 8,
    ("Nord", "40–64 Jahre"): 30,
    ("Süd", "65+ Jahre"): 25,
    ("Süd", "18–39 Jahre"): 4,
    ("Ost", "40–64 Jahre"): 6,
    ("Ost", "65+ Jahre"): 3,
    ("Sonstiges", "65+ Jahre"): 2,
}


def _world(site: Site) -> int:
    planner = site.make_user(ROLE_SETS["planner"], name="Paula Planung")
    site.users["planner"] = planner
    population(site.app, site.make_user(ROLE_SETS["admin"]).id)
    built = weighting_survey(site.app, planner.id, "Radwege im Quartier")
    add_responses(site.app, built, GROUPS)
    map_world(site.app, built, planner.id, enabled=True)
    site.login(planner)
    return built.survey_id


def _refused(site: Site, survey_id: int) -> None:
    site.goto(f"/umfragen/{survey_id}/gewichtung")
    site.page.fill("#trim_upper", "0,1")
    with site.page.expect_navigation():
        site.page.click("main form.weighting-form button[type=submit]")
    assert site.page.locator(".error-summary").count() == 1
    assert "zwischen 1 und 20" in site.page.locator("#trim_upper-error").inner_text()


def _results(site: Site, survey_id: int) -> None:
    site.goto(f"/umfragen/{survey_id}/ergebnisse")
    assert site.page.locator("#gewichtung form button").inner_text() == "Gewichtung ausschalten"


# Something in the scope (outside a table's own scroll region) reaches past the right edge of the screen.
WIDER_THAN_SCREEN = """(scope) => [...document.querySelectorAll(scope + ' *')].some(
    (el) => !el.closest('.table-scroll') && el.getBoundingClientRect().right > window.innerWidth + 0.5)"""


# The panel's table regions whose table is wider than the region (it would scroll sideways).
PANEL_TABLES_SCROLL = """() => [...document.querySelectorAll('#gewichtung .table-scroll')]
    .filter((region) => region.scrollWidth > region.clientWidth + 0.5).map((region) => region.id)"""


PAGES: dict[str, Callable[[Site, int], object]] = {
    "weighting page": lambda site, s: site.goto(f"/umfragen/{s}/gewichtung"),
    "weighting page refused": _refused,
    "results page with panel": _results,
}


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_weighting_pages_have_no_wcag_violations(site: Site, name: str, width: int) -> None:
    site.page.set_viewport_size({"width": width, "height": 900})
    PAGES[name](site, _world(site))
    # The refused form is shown alone (the panel would show the stored state beside unsaved input).
    assert site.page.locator("#gewichtung table caption").count() == (0 if "refused" in name else 2)
    # The results page's own figures have their own tests: here the panel is checked where it is included.
    scope = "#gewichtung" if name.startswith("results") else None
    problems, _response = axe_problems(site, scope)
    assert not problems, f"{name} at {width}px ({site.page.url}):\n" + "\n".join(problems)
    assert not site.page.evaluate(WIDER_THAN_SCREEN, scope or "body"), f"{name} is wider than {width}px"
    # The panel's tables fit without sideways scrolling at any width (three columns on a phone).
    scrolling = site.page.evaluate(PANEL_TABLES_SCROLL)
    assert not scrolling, f"{name} at {width}px: panel tables scroll sideways: {scrolling}"
