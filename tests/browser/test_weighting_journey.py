"""Issue #17 end to end in Chromium: the planner opens the demo survey's results, reads in the panel which
districts and age groups are under-represented, switches weighting off and on through the form (keyboard,
mouse, and with JavaScript off), sees weighted shares with the unweighted n, downloads the weighted
results and finds the weight column whose weighted shares are the page's; axe-core zero at 320/1280 px."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from participation.accounts.demo import DEMO_ACCOUNTS
from participation.core.demo import seed_demo
from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.weighting.models import WeightingQuestion
from tests.browser.conftest import Site, assert_accessible
from tests.browser.test_branching_journey import tab_to

TITLE = "Radverkehr in Musterstadt 2025"
MODE = "Wie kommen Sie meist in die Innenstadt?"  # a mandatory single choice that is not weighted on
PLANNER = next(a for a in DEMO_ACCOUNTS if a.email == "planung@musterstadt.example")


@dataclass
class Demo:
    survey_id: int
    mode_code: str
    mode_id: int
    age_id: int


@pytest.fixture
def demo(app) -> Demo:
    """The Musterstadt demo (weighting on, as the seeder leaves it) in the live server's database."""
    with app.app_context():
        seed_demo()
        db.session.commit()
        survey = db.session.scalar(select(Survey).where(Survey.title == TITLE))
        mode = next(q for q in survey.questions if q.text == MODE)
        mapped = db.session.scalars(select(WeightingQuestion).where(WeightingQuestion.survey_id == survey.id))
        assert {m.dimension for m in mapped} == {"district", "age_band"}
        age = next(q for q in survey.questions if q.text == "Wie alt sind Sie?")
        found = Demo(survey.id, mode.code, mode.id, age.id)
        db.session.remove()
    return found


def _results(site: Site, demo: Demo) -> None:
    site.goto(f"/umfragen/{demo.survey_id}/ergebnisse")


def _panel_names_the_under_represented(site: Site) -> None:
    panel = site.page.locator("#gewichtung")
    assert panel.is_visible()
    assert panel.locator("h2").inner_text() == "Repräsentativität und Gewichtung"
    warning = panel.locator(".notice-warning")
    text = warning.inner_text()
    assert "unterrepräsentiert" in text, text
    # The seeder skews the sample older and leaves Nordviertel short: both named, in words, no codes.
    assert "Altersgruppe „14–29“" in text, text
    assert "Nordviertel" in text, text
    for raw in ("age_band", "district", "None", "{{", "%("):
        assert raw not in panel.inner_text(), raw
    # On a phone the row's name carries the note (read out) and a sign; the name comes first.
    rows = panel.locator("tr.weighting-warn th[scope=row]").all_inner_texts()
    assert {"14–29", "Nordviertel"} <= {row.split(" ⚠")[0].strip() for row in rows}, rows


def _panel_weighted_meets_population(site: Site) -> None:
    """With weighting on, each group's weighted share in the panel is its population share (raking)."""
    tables = site.page.locator("#gewichtung table.weighting-table")
    assert tables.count() == 2
    for table in tables.all():
        heads = table.locator("thead th").all_inner_texts()
        assert heads[1:] == ["Anzahl", "Befragte", "Bevölkerung", "Differenz", "Gewichtet", "Hinweis"], heads
        for row in table.locator("tbody tr").all():
            cells = row.locator("td").all_inner_texts()
            population, weighted = _percent(cells[2]), _percent(cells[4])
            assert weighted == pytest.approx(population, abs=1.0), (row.inner_text(), population, weighted)


def _percent(text: str) -> float:
    assert text.endswith(" %"), text
    return float(text.removesuffix(" %").replace(".", "").replace(",", "."))


# The element's box lies within the viewport (it is seen without scrolling).
IN_VIEWPORT = """(el) => { const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight
        && r.left >= 0 && r.right <= window.innerWidth; }"""


# Weighted results tables whose right edge lies beyond their container's (by more than rounding).
WEIGHTED_TABLES_PAST_COLUMN = """() => [...document.querySelectorAll('table.result-weighted')].some((t) =>
    t.getBoundingClientRect().right > t.parentElement.getBoundingClientRect().right + 0.5)"""


def _switch(site: Site, label: str, *, keyboard: bool) -> None:
    """Press the panel's switch (by Tab and Enter, or by mouse); the confirmation is in view afterwards."""
    selector = "#gewichtung form button[type=submit]"
    button = site.page.locator(selector)
    assert button.inner_text() == label
    with site.page.expect_navigation():
        if keyboard:
            tab_to(site, selector)
            site.page.keyboard.press("Enter")
        else:
            button.click()
    # The results page from its top, where the confirmation is: no fragment scrolls it out of sight.
    assert site.page.url.endswith("/ergebnisse"), site.page.url
    message = site.page.locator(".flash-messages[role=status]")
    expected = "ungewichtet" if label == "Gewichtung ausschalten" else "gewichtet"
    assert message.inner_text().strip() == f"Die Ergebnisse sind jetzt {expected}.", message.inner_text()
    assert message.evaluate(IN_VIEWPORT), (site.page.viewport_size, message.bounding_box())


def _is_unweighted(site: Site) -> None:
    page = site.page
    assert "Die Ergebnisse sind jetzt ungewichtet." in page.locator("main").inner_text()
    assert "Die Ergebnisse sind ungewichtet." in page.locator("#gewichtung").inner_text()
    assert page.locator("#gewichtet").count() == 0
    assert page.locator("table.result-weighted").count() == 0


def _weighted_shares(site: Site, demo: Demo) -> dict[str, tuple[float, int]]:
    """The weighted results as shown: the mode question's weighted share and unweighted n per answer."""
    page = site.page
    assert "Die Ergebnisse sind jetzt gewichtet." in page.locator("main").inner_text()
    note = page.locator("#gewichtet").inner_text()
    assert "Gewichtet." in note and "Befragte: 300, gewichtet" in note, note
    section = page.locator(f"section[aria-labelledby='q{demo.mode_id}-heading']")
    assert "Gewichtete Basis:" in section.locator(".result-base").inner_text()
    table = section.locator("table.result-weighted")
    heads = table.locator("thead th").all_inner_texts()
    assert heads == ["Antwort", "Anteil gewichtet", "n ungewichtet"], heads
    shown: dict[str, tuple[float, int]] = {}
    for row in table.locator("tbody tr").all():
        label = row.locator("th").inner_text()
        share, count = row.locator("td").all_inner_texts()
        shown[label] = (_percent(share), int(count.replace(".", "")))
    assert sum(n for _, n in shown.values()) > 0
    return shown


def _download(site: Site, fmt: str) -> Path:
    """Choose the format on the export page and press its real download button."""
    page = site.page
    with page.expect_navigation():
        page.locator("main a", has_text="Exportieren").first.click()
    page.check(f"#format-{fmt}")
    page.check("#head-codes")
    with page.expect_download() as info:
        page.locator("main form.export-form button[type=submit]").click()
    download = info.value
    assert download.failure() is None
    suffix = ".csv" if fmt.startswith("csv") else "." + fmt
    assert download.suggested_filename.endswith(suffix), download.suggested_filename
    return Path(download.path())


def _rows(path: Path, fmt: str) -> list[list[str]]:
    if fmt == "csv-technisch":
        return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    sheet = load_workbook(io.BytesIO(path.read_bytes()), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _file_matches_page(rows: list[list[str]], demo: Demo, shown: dict[str, tuple[float, int]]) -> None:
    """The file's weight column is not all 1; weighting the mode column by it gives the page's shares."""
    header = rows[0]
    assert "gewicht" in header, header
    weight_at, mode_at = header.index("gewicht"), header.index(demo.mode_code)
    body = [row for row in rows[1:] if row and row[0]]
    assert len(body) == 300
    weights = [float(row[weight_at].replace(",", ".")) for row in body]
    assert len({round(w, 4) for w in weights}) > 3 and min(weights) < 0.9 < 1.1 < max(weights), weights[:10]
    sums: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for row, weight in zip(body, weights, strict=True):
        if row[mode_at]:
            sums[row[mode_at]] += weight
            counts[row[mode_at]] += 1
    total = sum(sums.values())
    for label, (share, n) in shown.items():
        assert counts[label] == n, (label, counts[label], n)
        assert sums[label] / total * 100 == pytest.approx(share, abs=0.051), (
            label,
            sums[label] / total,
            share,
        )
    # Weighting moves the shares: the file's weighted shares are not its plain counts' shares.
    answered = sum(counts.values())
    assert any(abs(sums[k] / total - counts[k] / answered) > 0.002 for k in shown)


def test_planner_sees_the_gaps_switches_weighting_and_downloads_weighted_results(site: Site, demo: Demo):
    site.page.set_viewport_size({"width": 1280, "height": 900})
    site.login(PLANNER)
    _results(site, demo)
    _panel_names_the_under_represented(site)
    assert site.page.locator("#gewichtet").count() == 1  # the seeder left weighting on
    _switch(site, "Gewichtung ausschalten", keyboard=True)
    _is_unweighted(site)
    _switch(site, "Gewichtung einschalten", keyboard=False)
    shown = _weighted_shares(site, demo)
    _panel_names_the_under_represented(site)  # the panel still says who was missing, now with weighted shares
    _panel_weighted_meets_population(site)
    _file_matches_page(_rows(_download(site, "csv-technisch"), "csv-technisch"), demo, shown)


def test_the_same_journey_without_javascript(browser, live_server, app, make_user, demo: Demo):
    """Switching and downloading are plain forms: they work with JavaScript off."""
    context = browser.new_context(
        locale="de-DE", java_script_enabled=False, viewport={"width": 320, "height": 800}
    )
    context.set_default_timeout(10_000)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(live_server) else route.abort(),
    )
    try:
        site = Site(page=context.new_page(), base_url=live_server, make_user=make_user, app=app)
        site.login(PLANNER)
        _results(site, demo)
        _panel_names_the_under_represented(site)
        _switch(site, "Gewichtung ausschalten", keyboard=False)
        _is_unweighted(site)
        _switch(site, "Gewichtung einschalten", keyboard=False)
        shown = _weighted_shares(site, demo)
        # At 320 px every weighted table ends within its column (fixed columns, answers get the rest).
        assert not site.page.evaluate(WEIGHTED_TABLES_PAST_COLUMN)
        _file_matches_page(_rows(_download(site, "xlsx"), "xlsx"), demo, shown)
    finally:
        context.close()


def _cross_on_page(site: Site) -> dict[str, list[tuple[str, str, str]]]:
    """The weighted cross-table as shown: row label -> (weighted sum, unweighted n, column share) per cell."""
    table = site.page.locator("table.result-crosstable")
    caption = table.locator("caption").inner_text()
    assert "gewichtet (Summe der Gewichte, Prozente gewichtet)" in caption, caption
    shown = {}
    for row in table.locator("tbody tr").all():
        cells = []
        for cell in row.locator("td").all():
            n = cell.locator(".result-unweighted").inner_text().removeprefix("n = ")
            share = cell.locator(".result-share:not(.result-unweighted)").inner_text()
            cells.append((cell.inner_text().split("n =")[0].strip(), n, share.removesuffix(" %")))
        shown[row.locator("th").inner_text()] = cells
    return shown


def _csv_blocks(text: str) -> dict[str, dict[str, list[str]]]:
    """The German cross-table CSV's blocks: title -> row label -> cells."""
    blocks: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
        if not any(row):
            current = None
        elif current is None:
            current = blocks.setdefault(row[0], {})
        else:
            current[row[0]] = row[1:]
    return blocks


def _numbers(texts) -> list[float]:
    """German number texts ("1.234,5", "39", "39,0") as numbers."""
    return [float(t.replace(".", "").replace(",", ".")) for t in texts]


def test_weighted_cross_table_download_equals_the_page(site: Site, demo: Demo) -> None:
    """The cross-table chosen through the form, weighted on the page, and its CSV download carry one table."""
    site.page.set_viewport_size({"width": 1280, "height": 900})
    site.login(PLANNER)
    _results(site, demo)
    site.page.select_option("#cross-zeilen", str(demo.mode_id))
    site.page.select_option("#cross-spalten", str(demo.age_id))
    site.page.select_option("#cross-percent", "spalten")
    with site.page.expect_navigation():
        site.page.click("form.result-filter button[type=submit]")
    shown = _cross_on_page(site)
    assert "Rao-Scott" in site.page.locator("section.result-cross").inner_text()
    with site.page.expect_download() as info:
        site.page.click("p.result-cross-download a:has-text('CSV für Excel')")
    blocks = _csv_blocks(Path(info.value.path()).read_text(encoding="utf-8-sig"))
    assert {"Anzahl gewichtet", "Spaltenprozente gewichtet", "n ungewichtet"} <= set(blocks), list(blocks)
    assert len(shown) >= 3
    for label, cells in shown.items():
        weighted, n, share = zip(*cells, strict=True)
        assert _numbers(weighted) == _numbers(blocks["Anzahl gewichtet"][label]), label
        assert _numbers(n) == _numbers(blocks["n ungewichtet"][label]), label
        assert _numbers(share) == _numbers(blocks["Spaltenprozente gewichtet"][label]), label
    # Weighted sums, not the counts again: most cells differ from their unweighted n.
    cells = [cell for row in shown.values() for cell in row]
    assert sum(_numbers([w]) != _numbers([n]) for w, n, _share in cells) > len(cells) // 2, cells


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("where", ["ergebnisse", "gewichtung"])
def test_demo_panel_pages_have_no_wcag_violations(site: Site, demo: Demo, where: str, width: int) -> None:
    site.page.set_viewport_size({"width": width, "height": 900})
    site.login(PLANNER)
    site.goto(f"/umfragen/{demo.survey_id}/{where}")
    assert site.page.locator("#gewichtung .notice-warning").count() == 1
    assert_accessible(site, f"demo survey {where}", width)
