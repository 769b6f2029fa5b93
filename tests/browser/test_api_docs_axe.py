"""axe-core zero on the API's documentation page (#16 item 1), German and English, at 320 and 1280 px,
without horizontal overflow of the page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import Site
from tests.browser.test_accessibility import AXE_OPTIONS, BROKEN_ID_REFERENCES, describe


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("width", [320, 1280])
def test_api_documentation_page_has_no_wcag_violations(site: Site, width: int, language: str) -> None:
    site.page.set_viewport_size({"width": width, "height": 900})
    site.page.set_extra_http_headers({"Accept-Language": language})
    site.goto("/api/v1/")
    heading = site.page.locator("main h1").inner_text()
    assert heading == ("Öffentliche API (Version 1)" if language == "de" else heading)
    assert site.page.locator("section.api-endpoint").count() == 12
    result = Axe().run(site.page, options=AXE_OPTIONS)
    violations = result.response["violations"]
    broken = site.page.evaluate(BROKEN_ID_REFERENCES)
    problems = [f"axe: {len(violations)} violation(s):\n{describe(violations)}"] if violations else []
    if broken:
        problems.append("ID references to nothing: " + "; ".join(broken))
    assert not problems, f"API documentation at {width}px ({language}):\n" + "\n".join(problems)
    assert result.response["passes"]
    overflow = site.page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"the API documentation is wider than {width}px"
