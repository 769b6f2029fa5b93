"""The report page in Chromium: the PDF button works without JavaScript and keeps the choices."""

from __future__ import annotations

import io

from pypdf import PdfReader

from participation.extensions import db
from participation.surveys.models import Survey
from tests.browser.conftest import Site
from tests.browser.test_results_journey import filled_survey


def test_pdf_button_downloads_the_report_with_the_released_texts(site: Site, tmp_path) -> None:
    planner = site.login_as("planner")
    built = filled_survey(site, planner.id)
    with site.app.app_context():
        db.session.get(Survey, built.id).texts_published = True
        db.session.commit()
    site.goto(f"/umfragen/verwaltung/{built.id}/bericht?kanal=online")
    assert "Zeitraum" in site.page.inner_text("main")
    site.page.get_by_label(
        "Freitextantworten im Wortlaut aufnehmen (zur Veröffentlichung freigegeben)"
    ).check()
    with site.page.expect_download() as info:
        site.page.get_by_role("button", name="Bericht als PDF herunterladen").click()
    download = info.value
    assert download.suggested_filename.endswith("_bericht.pdf")
    download.save_as(tmp_path / "bericht.pdf")
    reader = PdfReader(io.BytesIO((tmp_path / "bericht.pdf").read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "(gefiltert)" in text  # the filter came along
    assert "Freitexte aufgeführt (zur Veröffentlichung freigegeben)" in text  # and the choice of free texts
    assert f"Seite 1 von {len(reader.pages)}" in text
