"""Survey results in Chromium: results, every export download, the report; axe on the results pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook

from tests.browser.conftest import Site
from tests.conftest import ROLE_SETS
from tests.surveys.results_factories import FREE_TEXT, answer, close_and_publish, results_survey

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BOM = b"\xef\xbb\xbf"
EXPORTS = {  # radio value -> file extension
    "csv": ".csv",
    "csv-technisch": ".csv",
    "xlsx": ".xlsx",
    "ods": ".ods",
    "json": ".json",
    "sav": ".sav",
    "codebuch": ".csv",
}


def filled_survey(site: Site, owner_id: int, responses: int = 4):
    """A published survey with `responses` answers: half "Rad" (with free text), the rest "Auto"/"Bus"."""
    built = results_survey(site.app, owner_id)
    modes = (["Rad", "Rad", "Auto", "Bus"] * 3)[:responses]
    for index, mode in enumerate(modes):
        answer(
            site.app,
            built,
            mode=mode,
            wish=["Bäume", "Licht"][: index % 2 + 1],
            scale=index % 5 + 1,
            temp="2,5",
            note=FREE_TEXT if mode == "Rad" else f"Hinweis {index}",
            word="Grün",
            yesno="ja",
        )
    return built


def row_cells(site: Site, question_code: str, label: str) -> list[str]:
    """The data-table cells of one answer in a question's section on the page."""
    section = site.page.locator("section.result", has=site.page.locator("h3", has_text=question_code))
    row = section.locator("table.result-table tbody tr", has=site.page.locator("th", has_text=label)).first
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def download(site: Site, fmt: str, tmp_path: Path):
    """Choose a format on the export form, press "Herunterladen", return (suggested name, bytes)."""
    site.page.check(f"#format-{fmt}")
    with site.page.expect_download() as info:
        site.page.get_by_role("button", name="Herunterladen").click()
    dl = info.value
    assert dl.failure() is None, f"{fmt}: {dl.failure()}"
    target = tmp_path / f"{fmt}-{dl.suggested_filename}"
    dl.save_as(target)
    return dl.suggested_filename, target.read_bytes()


def test_planner_reads_results_downloads_every_format_and_opens_the_report(
    site: Site, tmp_path: Path
) -> None:
    planner = site.login_as("planner")
    built = filled_survey(site, planner.id)
    site.goto(f"/umfragen/verwaltung/{built.id}")
    nav = site.page.locator("nav.subnav")
    with site.page.expect_navigation():
        nav.get_by_role("link", name="Ergebnisse", exact=True).click()
    assert site.page.url == site.url(f"/umfragen/{built.id}/ergebnisse")
    assert site.page.locator("main h1").inner_text() == "Ergebnisse: Mobilität: [2026]/Innenstadt?"
    assert nav.locator("a[aria-current=page]").inner_text() == "Ergebnisse"
    overview = site.page.locator("section.result dl.facts").first.inner_text()
    assert "4" in overview
    # German figures: count and share with decimal comma; multiple choice shares of respondents.
    assert row_cells(site, "Q01", "Rad") == ["2", "50,0 %"]
    assert row_cells(site, "Q01", "Auto") == ["1", "25,0 %"]
    assert row_cells(site, "Q02", "Bäume") == ["4", "100,0 %"]
    assert row_cells(site, "Q02", "Licht") == ["2", "50,0 %"]
    assert (
        "Basis: 4 Befragte"
        in site.page.locator("section.result", has_text="1. Verkehrsmittel? Q01").inner_text()
    )

    # The free-text answers page, reached from the results.
    with site.page.expect_navigation():
        notes = site.page.locator("section.result", has=site.page.locator("h3", has_text="5. Anmerkungen"))
        notes.get_by_role("link", name="Alle 4 Antworten lesen und durchsuchen").click()
    assert f"/umfragen/{built.id}/ergebnisse/texte/{built.q['note']}" in site.page.url
    texts = site.page.inner_text("main")
    assert 'Größe; "Straße"' in texts and "Hinweis 2" in texts
    site.page.go_back()

    with site.page.expect_navigation():
        site.page.locator("nav.subnav").get_by_role("link", name="Export", exact=True).click()
    assert site.page.url == site.url(f"/umfragen/verwaltung/{built.id}/export")
    assert site.page.is_checked("#format-csv")

    files, names = {}, set()
    for fmt, extension in EXPORTS.items():
        name, data = download(site, fmt, tmp_path)
        assert name.endswith(extension), (fmt, name)
        # <survey-slug>_<YYYY-MM-DD>_<format>.<ext>: every format its own name.
        assert re.fullmatch(r"[a-z0-9-]+_\d{4}-\d{2}-\d{2}_[a-z-]+\.[a-z]+", name), (fmt, name)
        assert name not in names, (fmt, name)
        names.add(name)
        assert data, f"{fmt}: empty file"
        files[fmt] = data
        assert site.page.url == site.url(
            f"/umfragen/verwaltung/{built.id}/export"
        )  # a download, no navigation

    german = files["csv"]
    assert german.startswith(BOM)
    german_rows = list(csv.reader(io.StringIO(german[len(BOM) :].decode("utf-8"), newline=""), delimiter=";"))
    assert german_rows[0][0] and len(german_rows) == 5 and len(german_rows[0]) > 5
    assert ";" in german.decode("utf-8").splitlines()[0]
    assert any(FREE_TEXT in row for row in german_rows)
    assert any("2,5" in row for row in german_rows)  # decimal comma

    technical = files["csv-technisch"]
    assert not technical.startswith(BOM)
    technical_rows = list(csv.reader(io.StringIO(technical.decode("utf-8"), newline="")))
    assert technical_rows[0] == german_rows[0] and len(technical_rows) == 5
    assert any("2.5" in row for row in technical_rows)

    workbook = load_workbook(io.BytesIO(files["xlsx"]))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == technical_rows[0]
    assert "Verkehrsmittel? [Q01]" in header and sheet.max_row == 5  # question text, code in brackets
    assert workbook.sheetnames[-1] == "Codebuch"

    assert files["ods"].startswith(b"PK")  # an OpenDocument zip container
    assert b"application/vnd.oasis.opendocument.spreadsheet" in files["ods"][:200]

    document = json.loads(files["json"].decode("utf-8"))
    assert len(document["responses"]) == 4
    assert sorted(r["answers"]["Q01"] for r in document["responses"]) == ["Auto", "Bus", "Rad", "Rad"]

    # The printable report, linked from the export page.
    with site.page.expect_navigation():
        site.page.get_by_role("link", name="Druckbarer Bericht (als PDF speichern)").click()
    assert site.page.url == site.url(f"/umfragen/verwaltung/{built.id}/bericht")
    assert site.page.locator("main h1").inner_text() == "Bericht: Mobilität: [2026]/Innenstadt?"
    assert "Stand der Daten" in site.page.inner_text("main")
    assert row_cells(site, "Q01", "Rad") == ["2", "50,0 %"]


def test_planner_builds_a_cross_table_by_keyboard_and_downloads_it(site: Site, tmp_path: Path) -> None:
    """Choose rows, columns and row percentages, "Anwenden": the page opens at the cross-table; XLSX."""
    planner = site.login_as("planner")
    built = filled_survey(site, planner.id, responses=8)
    site.goto(f"/umfragen/{built.id}/ergebnisse")
    site.page.select_option("#cross-zeilen", str(built.q["mode"]))
    site.page.select_option("#cross-spalten", str(built.q["wish"]))
    site.page.select_option("#cross-percent", "zeilen")
    site.page.focus("#cross-percent")
    with site.page.expect_navigation():
        site.page.keyboard.press("Tab")  # to "Anwenden"
        site.page.keyboard.press("Enter")
    assert site.page.url.endswith("#auswertung")
    heading = site.page.locator("#cross-heading")
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 300, box  # scrolled to the top of the window
    table = site.page.locator("table.result-crosstable")
    assert table.locator("tbody tr").first.locator("th").inner_text() == "Rad"
    assert "Summe" in table.inner_text() and "100,0 %" in table.inner_text()
    assert "Kein Chi-Quadrat-Test: Bei Mehrfachnennungen" in site.page.inner_text("main")
    with site.page.expect_download() as info:
        site.page.get_by_role("link", name="Excel-Datei (XLSX)").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert re.fullmatch(r"[a-z0-9-]+_\d{4}-\d{2}-\d{2}_kreuztabelle-xlsx\.xlsx", target.name)
    book = load_workbook(target)
    assert book.sheetnames[:3] == ["Anzahl", "Zeilenprozente", "Spaltenprozente"]
    assert [c.value for c in book["Anzahl"][2]][:1] == ["Rad"]


# --- axe-core ------------------------------------------------------------------------------------


def _planner_results(site: Site) -> None:
    planner = site.login_as("planner")
    built = filled_survey(site, planner.id)
    site.goto(f"/umfragen/{built.id}/ergebnisse")
    assert site.page.locator("table.result-table").count() > 3


def _free_texts(site: Site) -> None:
    planner = site.login_as("planner")
    built = filled_survey(site, planner.id)
    site.goto(f"/umfragen/{built.id}/ergebnisse/texte/{built.q['note']}")
    assert "Hinweis 2" in site.page.inner_text("main")


def _export_options(site: Site) -> None:
    planner = site.login_as("planner")
    built = filled_survey(site, planner.id)
    site.goto(f"/umfragen/verwaltung/{built.id}/export")
    assert site.page.locator("input[name=format]").count() == len(EXPORTS)


def _report(site: Site) -> None:
    planner = site.login_as("planner")
    built = filled_survey(site, planner.id)
    site.goto(f"/umfragen/verwaltung/{built.id}/bericht")
    assert site.page.locator("table.result-table").count() > 3


def _public_results(site: Site) -> None:
    built = filled_survey(site, site.make_user(ROLE_SETS["planner"]).id, responses=7)
    close_and_publish(site.app, built)
    site.goto(f"/umfragen/{built.id}/ergebnisse")
    assert site.page.locator("header button", has_text="Abmelden").count() == 0  # anonymous visitor
    main = site.page.inner_text("main")
    assert "Zum Schutz der Befragten" in main and "alle Kanäle" not in main
    # Fixed tables: no filter and no cross-table to compare them with (the note says why).
    assert site.page.locator("form.result-filter, table.result-crosstable").count() == 0
    assert "Filter und Kreuztabellen stehen nur der Verwaltung zur Verfügung" in main
    assert row_cells(site, "1. Verkehrsmittel?", "Auto") == ["geschützt", "–"]  # small groups suppressed
    assert "Q01" not in main  # questions are numbered as the respondent saw them, codes are for staff


def _cross_table(site: Site) -> None:
    planner = site.login_as("planner")
    built = filled_survey(site, planner.id, responses=8)
    site.goto(
        f"/umfragen/{built.id}/ergebnisse?zeilen={built.q['mode']}&spalten={built.q['yesno']}&prozent=spalten"
    )
    assert site.page.locator("table.result-crosstable").count() == 1


def _public_results_phone(site: Site) -> None:
    site.page.set_viewport_size({"width": 320, "height": 800})
    built = filled_survey(site, site.make_user(ROLE_SETS["planner"]).id, responses=12)
    close_and_publish(site.app, built)
    site.goto(f"/umfragen/{built.id}/ergebnisse?zeilen={built.q['mode']}&spalten={built.q['yesno']}")
    assert site.page.evaluate("document.documentElement.scrollWidth") <= 320
    assert "Freitextantworten werden nicht veröffentlicht." in site.page.inner_text("main")
    assert site.page.locator("table.result-crosstable").count() == 0  # a crafted query shows no cross-table


def _public_cross_table_refused(site: Site) -> None:
    site.page.set_viewport_size({"width": 320, "height": 800})
    built = filled_survey(site, site.make_user(ROLE_SETS["planner"]).id, responses=8)
    close_and_publish(site.app, built)
    query = f"zeilen={built.q['mode']}&spalten={built.q['yesno']}&format=csv"
    site.goto(f"/umfragen/{built.id}/ergebnisse/kreuztabelle?{query}", status=403)
    assert "nur der Verwaltung zur Verfügung" in site.page.inner_text("main")
    assert site.page.evaluate("document.documentElement.scrollWidth") <= 320
    back = site.page.get_by_role("link", name="Zu den Ergebnissen")
    assert back.get_attribute("href") == f"/umfragen/{built.id}/ergebnisse"  # axe then checks this page


def _unpublished_results(site: Site) -> None:
    built = filled_survey(site, site.make_user(ROLE_SETS["planner"]).id)
    site.goto(f"/umfragen/{built.id}/ergebnisse", status=403)
    assert "noch nicht veröffentlicht" in site.page.inner_text("main")


PAGES = {
    "planner results": _planner_results,
    "cross-table": _cross_table,
    "public results at 320 px": _public_results_phone,
    "unpublished results": _unpublished_results,
    "public cross-table download refused": _public_cross_table_refused,
    "free-text answers": _free_texts,
    "export options": _export_options,
    "printable report": _report,
    "public results": _public_results,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_results_pages_have_no_wcag_violations(site: Site, name: str) -> None:
    PAGES[name](site)
    result = Axe().run(site.page, options=AXE_OPTIONS)
    violations = result.response["violations"]
    details = [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in violations]
    assert not violations, f"{name}: {details}"
    assert result.response["passes"]
