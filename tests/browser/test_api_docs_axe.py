"""axe-core zero on the API's documentation page (#16 item 1), German and English, at 320 and 1280 px,
without horizontal overflow of the page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Site, assert_accessible


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("width", [320, 1280])
def test_api_documentation_page_has_no_wcag_violations(site: Site, width: int, language: str) -> None:
    site.page.set_viewport_size({"width": width, "height": 900})
    site.page.set_extra_http_headers({"Accept-Language": language})
    site.goto("/api/v1/")
    if language == "de":
        assert site.page.locator("main h1").inner_text() == "Öffentliche API (Version 1)"
    assert site.page.locator("section.api-endpoint").count() == 12
    assert_accessible(site, f"API documentation ({language})", width)
