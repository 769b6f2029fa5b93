"""axe-core zero on the "Zugangsschlüssel (API)" page (#16 item 2): empty, refused with errors, with a new
key shown once and the list with a revoked key, at 320 and 1280 px, without horizontal overflow."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Site, assert_accessible
from tests.surveys.results_factories import results_survey

PAGE = "/konto/api-schluessel/"


def _planner_with_survey(site: Site) -> None:
    user = site.login_as("planner")
    results_survey(site.app, user.id)
    site.goto(PAGE)


def _submit(site: Site) -> None:
    with site.page.expect_navigation():
        site.page.click("main form[novalidate] button[type=submit]")


def _refused(site: Site) -> None:
    _planner_with_survey(site)
    site.page.fill("#expires_on", "")
    _submit(site)
    assert site.page.locator(".error-summary").count() == 1
    assert "Namen" in site.page.locator("#name-error").inner_text()


def _created(site: Site) -> None:
    _planner_with_survey(site)
    for name in ("Alt", "R-Skript Statistikstelle mit langem Namen"):
        site.page.fill("#name", name)
        site.page.locator("input[name=surveys]").first.check()
        _submit(site)
    assert site.page.locator(".api-token-secret").count() == 1


def _created_and_revoked(site: Site) -> None:
    _created(site)
    with site.page.expect_navigation():
        site.page.locator(".api-token-list button").last.click()
    assert "widerrufen am" in site.page.locator("main").inner_text()


PAGES: dict[str, Callable[[Site], None]] = {
    "empty": _planner_with_survey,
    "refused with errors": _refused,
    "new key shown once": _created,
    "created and revoked": _created_and_revoked,
}


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_api_token_page_has_no_wcag_violations(site: Site, name: str, width: int) -> None:
    site.page.set_viewport_size({"width": width, "height": 900})
    PAGES[name](site)
    assert_accessible(site, name, width)
