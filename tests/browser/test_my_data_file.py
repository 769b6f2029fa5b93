"""The readable page inside the "Meine Daten" ZIP, opened in Chromium: axe finds nothing, it fits 320 px."""

from __future__ import annotations

import io
import zipfile

from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import Site
from tests.browser.test_accessibility import AXE_OPTIONS


def test_downloaded_page_is_accessible_and_fits_a_phone(site: Site, tmp_path) -> None:
    site.login_as("citizen", name="Zoë Überall")
    site.goto("/konto/daten")
    with site.page.expect_download() as info:
        site.page.get_by_role("link", name="Meine Daten herunterladen (ZIP)").click()
    download = info.value
    assert download.suggested_filename.startswith("meine-daten-") and download.suggested_filename.endswith(
        ".zip"
    )
    download.save_as(tmp_path / "daten.zip")
    bundle = zipfile.ZipFile(io.BytesIO((tmp_path / "daten.zip").read_bytes()))
    assert sorted(bundle.namelist()) == ["meine-daten.html", "meine-daten.json"]
    page_html = bundle.read("meine-daten.html").decode("utf-8")
    # Opened from disk, as the person does after unpacking (no site, no Content-Security-Policy around it).
    (tmp_path / "meine-daten.html").write_text(page_html, encoding="utf-8")
    site.page.set_viewport_size({"width": 320, "height": 800})
    site.page.goto((tmp_path / "meine-daten.html").as_uri())
    assert site.page.locator("h1").inner_text() == "Meine Daten"
    assert "Zoë Überall" in site.page.inner_text("main")
    width = site.page.evaluate("document.documentElement.scrollWidth")
    wide = site.page.evaluate(
        "[...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > 321)"
        ".slice(0, 5).map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40))"
    )
    assert width <= 320, (width, wide)
    result = Axe().run(site.page, options=AXE_OPTIONS)
    violations = result.response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in violations]
