"""axe-core zero on the participation overview (#17 item 1) as a planner (suppressed figures) and an admin,
and with a refused period: at 320 and 1280 px, nothing wider than the screen."""

from __future__ import annotations

import pytest

from tests.analytics.test_overview import populate
from tests.browser.conftest import Site, assert_accessible

JUNE = "/auswertung/?von=01.06.2026&bis=30.06.2026"
PAGES = {
    "overview (planner)": ("planner", JUNE),
    "overview (admin)": ("admin", JUNE),
    "refused dates (planner)": ("planner", "/auswertung/?von=31.02.2026&bis=01.01.2026"),
}


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_overview_has_no_wcag_violations(site: Site, name: str, width: int) -> None:
    populate(site.app)
    role, path = PAGES[name]
    site.page.set_viewport_size({"width": width, "height": 900})
    site.login_as(role)
    site.goto(path)
    if name.startswith("refused"):
        assert site.page.locator("#von-error").count() == 1
    else:
        assert site.page.locator("#wochen-heading").count() == 1
    assert_accessible(site, name, width)
