"""Spreadsheets that open ready (#13 item 1): XLSX and ODS formatting, types per column, sheet names,
file names, headers, and one missing-value scheme in every format."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

import pytest
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.teletype import extractText
from openpyxl import load_workbook
from sqlalchemy import update

from participation.extensions import db
from participation.surveys.exports import xlsx
from participation.surveys.exports.columns import header_label, short_header, shorten
from participation.surveys.exports.naming import SHEET_CHARS, export_filename, sheet_name, slug
from participation.surveys.models import Question
from tests.conftest import login, post
from tests.surveys.results_factories import FREE_TEXT, answer, results_survey

NUMBER_COLUMNS = ("Q02_A1", "Q02_A2", "Q03", "Q04", "Q08_R1", "Q08_R2", "Q09_A1", "Q09_A2", "Q11")
DATE_COLUMNS = ("datum", "Q10")
STATUS_COLUMNS = ("Q01_status", "Q02_status", "Q03_status", "Q08_R1_status", "Q08_R2_status", "Q11_status")


@pytest.fixture
def filled(app, client, planner):
    """Four responses with every kind of missing value: weiß nicht, nicht gezeigt, keine Antwort."""
    built = results_survey(app, planner.id)
    answer(
        app,
        built,
        mode="Rad",
        wish=["Bäume"],
        scale="dk",
        temp="-2,5",
        note=FREE_TEXT,
        word="=1+1",
        yesno="ja",
        matrix={"Licht": 1},
        rank={"Grün": 1, "Parken": 2},
        since="2026-11-27",
        km=12,
        day=date(2026, 11, 20),
    )
    answer(app, built, mode="Auto", scale=4, temp="7", matrix={"Licht": 2, "Lärm": 3}, day=date(2026, 11, 21))
    answer(app, built, mode="Rad", wish=["Licht"], scale=2, day=date(2026, 11, 22))  # km shown, not answered
    answer(app, built, mode="Bus", word="@home", since="1999-01-31", day=date(2026, 11, 23))
    login(client, planner)
    return built


def _get(client, built, fmt, **params):
    query = "&".join([f"format={fmt}"] + [f"{k}={v}" for k, v in params.items()])
    response = post(client, f"/umfragen/verwaltung/{built.id}/export/datei?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def _csv(data: bytes, german: bool) -> list[dict]:
    text = data.decode("utf-8-sig" if german else "utf-8")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";" if german else ","))


def _ods(data: bytes) -> dict[str, list[list]]:
    document = load_ods(io.BytesIO(data))
    tables = {}
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells = []
            for cell in row.getElementsByType(TableCell):
                kind = cell.getAttribute("valuetype")
                if kind == "float":
                    cells.append(float(cell.getAttribute("value")))
                elif kind == "date":
                    cells.append(date.fromisoformat(cell.getAttribute("datevalue")))
                elif kind == "string":
                    cells.append(extractText(cell))
                else:
                    cells.append(None)
            rows.append(cells)
        tables[table.getAttribute("name")] = rows
    return tables


def _records(header, rows) -> list[dict]:
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_xlsx_opens_ready(client, filled):
    """Bold wrapped header, frozen first row, autofilter over the data, widths by content, real types."""
    workbook = load_workbook(io.BytesIO(_get(client, filled, "xlsx", kopf="codes").data))
    assert workbook.sheetnames == ["Mobilität 2026 Innenstadt", "Codebuch"]
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert all(c.font.b for c in sheet[1]) and all(c.alignment.wrap_text for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    last = sheet.cell(row=1, column=len(header)).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}5"
    assert workbook.defined_names.get("_xlnm._FilterDatabase") is None  # local to the sheet
    widths = {header[i]: sheet.column_dimensions[c.column_letter].width for i, c in enumerate(sheet[1])}
    assert widths["id"] >= 14 and widths["datum"] >= 11 and widths["Q05"] >= 40 and widths["Q04"] <= 16
    records = _records(header, sheet.iter_rows(min_row=2, values_only=True))
    for column in NUMBER_COLUMNS:
        values = [r[column] for r in records]
        assert all(v is None or isinstance(v, int | float) for v in values), (column, values)
        assert any(isinstance(v, int | float) for v in values), column
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if header[cell.column - 1] in DATE_COLUMNS and cell.value is not None:
                assert isinstance(cell.value, datetime) and cell.number_format == "DD.MM.YYYY"
    assert sorted(r["Q10"] for r in records if r["Q10"]) == [datetime(1999, 1, 31), datetime(2026, 11, 27)]
    assert -2.5 in [r["Q04"] for r in records]
    book = workbook["Codebuch"]
    assert book.freeze_panes == "A2" and book["A1"].font.b and book["A1"].value == "Code"


def test_xlsx_package_parts(client, filled):
    """Inline text cells (no formula element), the filter range as Excel's hidden defined name."""
    with zipfile.ZipFile(io.BytesIO(_get(client, filled, "xlsx").data)) as archive:
        names = set(archive.namelist())
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        workbook = archive.read("xl/workbook.xml").decode()
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml"} <= names
    assert "<f>" not in sheet and "=1+1" in sheet and "@home" in sheet
    assert "_xlnm._FilterDatabase" in workbook and "'Mobilität 2026 Innenstadt'!$A$1:$" in workbook


def test_ods_opens_ready(client, filled):
    """Bold header style, frozen first row (settings.xml), autofilter range, widths, real types, Codebuch."""
    data = _get(client, filled, "ods", kopf="codes").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read("content.xml").decode()
        settings = archive.read("settings.xml").decode()
        assert "settings.xml" in archive.read("META-INF/manifest.xml").decode()
    assert '<style:style style:name="chead"' in content and 'fo:font-weight="bold"' in content
    assert "<table:table-header-rows>" in content and 'table:style-name="chead"' in content
    assert 'table:display-filter-buttons="true"' in content
    assert (
        "table:target-range-address=\"'Mobilität 2026 Innenstadt'.A1:'Mobilität 2026 Innenstadt'." in content
    )
    assert 'config:name="VerticalSplitPosition" config:type="int">1<' in settings
    assert 'config:name="Mobilität 2026 Innenstadt"' in settings
    assert "style:column-width=" in content and "table:formula" not in content
    assert "<text:p>20.11.2026</text:p>" in content and "<text:p>-2,5</text:p>" in content
    tables = _ods(data)
    assert list(tables) == ["Mobilität 2026 Innenstadt", "Codebuch"]
    rows = tables["Mobilität 2026 Innenstadt"]
    records = _records(rows[0], rows[1:])
    for column in NUMBER_COLUMNS:
        assert all(r[column] is None or isinstance(r[column], float) for r in records), column
    for column in DATE_COLUMNS:
        assert all(r[column] is None or isinstance(r[column], date) for r in records), column
    assert tables["Codebuch"][0][:2] == ["Code", "Frage / Text"]


def _statuses_and_values(client, built) -> dict[str, list]:
    """Per format: for each response (by id) the status columns and whether each number column is empty."""
    out = {}
    for fmt in ("csv", "csv-technisch"):
        records = _csv(_get(client, built, fmt, kopf="codes").data, fmt == "csv")
        out[fmt] = {r["id"]: {k: (r[k] or None) for k in STATUS_COLUMNS + NUMBER_COLUMNS} for r in records}
    sheet = load_workbook(io.BytesIO(_get(client, built, "xlsx", kopf="codes").data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    out["xlsx"] = {
        r["id"]: {k: r[k] for k in STATUS_COLUMNS + NUMBER_COLUMNS} for r in _records(rows[0], rows[1:])
    }
    rows = next(iter(_ods(_get(client, built, "ods", kopf="codes").data).values()))
    out["ods"] = {
        r["id"]: {k: r[k] for k in STATUS_COLUMNS + NUMBER_COLUMNS} for r in _records(rows[0], rows[1:])
    }
    return out


def test_missing_values_coded_the_same_in_every_format(client, filled):
    """Value empty + status "weiß nicht" / "nicht gezeigt" / "keine Antwort", equal in every format."""
    per_format = _statuses_and_values(client, filled)
    statuses = {
        fmt: {rid: {k: v for k, v in row.items() if k.endswith("_status")} for rid, row in rows.items()}
        for fmt, rows in per_format.items()
    }
    assert statuses["csv"] == statuses["csv-technisch"] == statuses["xlsx"] == statuses["ods"]
    for rows in per_format.values():
        for row in rows.values():
            for column in NUMBER_COLUMNS:  # a number column holds a number or stays empty
                assert (
                    row[column] is None
                    or str(row[column]).lstrip("-").replace(",", "").replace(".", "").isdigit()
                )
    seen = {(k, v) for rows in statuses["xlsx"].values() for k, v in rows.items() if v}
    assert ("Q03_status", "weiß nicht") in seen
    assert ("Q11_status", "nicht gezeigt") in seen and ("Q11_status", "keine Antwort") in seen
    assert ("Q08_R2_status", "keine Antwort") in seen and ("Q02_status", "keine Antwort") in seen
    document = json.loads(_get(client, filled, "json", antworten="codes").data)
    from_json = {r["id"]: r["status"] for r in document["responses"]}
    for rid, row in statuses["xlsx"].items():
        expected = {k.removesuffix("_status"): v for k, v in row.items() if v}
        assert {
            k: v
            for k, v in from_json[rid].items()
            if k in {c.removesuffix("_status") for c in STATUS_COLUMNS}
        } == expected
    dk = next(r for r in document["responses"] if r["status"].get("Q03") == "weiß nicht")
    assert dk["answers"]["Q03"] is None
    assert document["survey"]["missing_values"]["status"] == ["weiß nicht", "nicht gezeigt", "keine Antwort"]


def test_codebook_documents_the_scheme(client, filled):
    """Every status column and every missing-value code is explained in the codebook."""
    rows = list(
        load_workbook(io.BytesIO(_get(client, filled, "xlsx").data))["Codebuch"].iter_rows(values_only=True)
    )
    codes = {r[0] for r in rows if r}
    assert set(STATUS_COLUMNS) <= codes
    texts = {r[1] for r in rows if r and len(r) > 1}
    assert {"weiß nicht", "nicht gezeigt", "keine Antwort", "<Code>_status"} <= texts


def test_headers_are_question_texts_by_default(client, filled, app):
    """Shortened question text with the code in brackets; the form offers "Fragetext / Code"."""
    with app.app_context():
        db.session.execute(
            update(Question)
            .where(Question.id == filled.q["note"])
            .values(text="Was möchten Sie uns sonst noch zur Mobilität in der Innenstadt mitteilen?")
        )
        db.session.commit()
    sheet = load_workbook(io.BytesIO(_get(client, filled, "xlsx").data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Antwort-ID [id]", "Datum [datum]", "Kanal [kanal]", "Verkehrsmittel? [Q01]"]
    assert "Bewerten Sie – Licht – Status [Q08_R1_status]" in header and len(set(header)) == len(header)
    assert "Was möchten Sie uns sonst noch zur…  [Q05]".replace("  ", " ") in header
    form = client.get(f"/umfragen/verwaltung/{filled.id}/export").get_data(as_text=True)
    assert 'name="kopf" value="texte" checked' in form and 'name="kopf" value="codes"' in form
    assert "Spaltenköpfe" in form and "_status" in form


def test_shorten_and_header_label():
    """Whole words, an ellipsis, at most 40 characters before the code."""
    assert header_label("Q01", "Kurz", "texts") == "Kurz [Q01]"
    assert header_label("Q01", "Kurz", "codes") == "Q01"
    long = shorten("Wie zufrieden sind Sie mit dem Zustand der Radwege in Ihrem Ortsteil?")
    assert len(long) <= 40 and long.endswith("…") and long.startswith("Wie zufrieden sind Sie mit")
    assert shorten("Zeile\n  zwei") == "Zeile zwei"
    assert len(shorten("x" * 100)) == 40
    # A long question keeps what tells its columns apart: the option or row, and "Status".
    question = "Wie bewerten Sie den Marktplatz heute im Vergleich zu früher?"
    row = f"{question} – Sauberkeit und Ordnung"
    assert short_header(question, row) == "Wie bewerten Sie den… – Sauberkeit und Ordnung"
    assert short_header(question, f"{row} – Status") == "Wie bewerten Sie den… – Sauberkeit und… – Status"
    assert short_header(question, f"{question} – Status") == "Wie bewerten Sie den… – Status"
    assert short_header(question, question) == shorten(question)


@pytest.mark.parametrize(
    ("title", "taken", "expected"),
    [
        ("Spielplatz Lindenpark: Ihre Meinung zählt!", set(), "Spielplatz Lindenpark Ihre"),
        ("Mobilität: [2026]/Innenstadt?", set(), "Mobilität 2026 Innenstadt"),
        ("a*b?c\\d/e[f]g:h", set(), "a b c d e f g h"),
        ("x" * 40, set(), "x" * 31),
        ("Codebuch", {"Codebuch"}, "Codebuch (2)"),
        ("codebuch", {"Codebuch"}, "codebuch (2)"),
        ("Haushalt " * 5, {"Haushalt Haushalt Haushalt"}, "Haushalt Haushalt Haushalt (2)"),
        ("History", set(), "History (2)"),
        ("'Zitat'", set(), "Zitat"),
        ("[]:*?/\\", set(), "Antworten"),
        ("", set(), "Antworten"),
        ("Tab\tund\nZeile", set(), "Tab und Zeile"),
    ],
)
def test_sheet_name_edge_cases(title, taken, expected):
    """≤ 31 characters, none of []:*?/\\, no edge apostrophe, not History, unique regardless of case."""
    name = sheet_name(title, taken)
    assert name == expected
    assert len(name) <= SHEET_CHARS and not set(name) & set("[]:*?/\\")
    assert name.casefold() not in {t.casefold() for t in taken}


def test_sheet_name_unique_when_long_and_taken():
    """A long name that is taken gets a number and still fits 31 characters."""
    first = sheet_name("Beteiligung zur Neugestaltung des Marktplatzes 2027")
    second = sheet_name("Beteiligung zur Neugestaltung des Marktplatzes 2027", {first})
    assert first != second and len(second) <= SHEET_CHARS and second.endswith("(2)")


def test_slug_and_file_names():
    """Safe ASCII slugs from any title; a title without letters falls back to the survey's id."""
    assert slug("Mobilität: [2026]/Innenstadt?") == "mobilitaet-2026-innenstadt"
    assert slug("Straße über Öl – Ärger €") == "strasse-ueber-oel-aerger"
    assert slug("Café Crème ÉTÉ") == "cafe-creme-ete"
    assert slug("東京 ★", "umfrage-7") == "umfrage-7"
    assert len(slug("Wort " * 30)) <= 50 and not slug("Wort " * 30).endswith("-")
    day = date(2026, 12, 6)
    assert export_filename("???", 7, day, "csv-excel", "csv") == "umfrage-7_2026-12-06_csv-excel.csv"
    assert export_filename("Lindenpark", 7, day, "xlsx", "xlsx") == "lindenpark_2026-12-06_xlsx.xlsx"


def test_formula_text_stays_inert_in_headers_and_statuses(app, client, planner):
    """A question text starting with "=" is defused in CSV headers and a plain string in XLSX and ODS."""
    built = results_survey(app, planner.id)
    with app.app_context():
        db.session.execute(
            update(Question).where(Question.id == built.q["mode"]).values(text="=HYPERLINK(1)")
        )
        db.session.commit()
    answer(app, built, mode="Rad", word="+49 30 1234")
    login(client, planner)
    for fmt in ("csv", "csv-technisch"):
        data = _get(client, built, fmt).data.decode("utf-8-sig")
        assert "'=HYPERLINK(1) [Q01]" in data and "'+49 30 1234" in data
    workbook = load_workbook(io.BytesIO(_get(client, built, "xlsx").data))
    cells = {c.value: c.data_type for row in workbook.worksheets[0].iter_rows() for c in row if c.value}
    assert cells["=HYPERLINK(1) [Q01]"] == "s" and cells["+49 30 1234"] == "s"
    content = zipfile.ZipFile(io.BytesIO(_get(client, built, "ods").data)).read("content.xml").decode()
    assert "=HYPERLINK(1) [Q01]" in content and "table:formula" not in content


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_every_xml_part_is_well_formed_also_without_responses(app, client, planner, fmt):
    """Each part of the zip parses as XML, with and without responses; the filter covers the header."""
    built = results_survey(app, planner.id)
    login(client, planner)
    for _ in range(2):
        with zipfile.ZipFile(io.BytesIO(_get(client, built, fmt).data)) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")):
                    ElementTree.fromstring(archive.read(name))
        answer(app, built, mode="Rad")
    workbook = load_workbook(io.BytesIO(_get(client, built, "xlsx").data))
    assert workbook.worksheets[0].auto_filter.ref.endswith("3")  # header and two responses


def test_codebook_as_csv_for_r(client, filled):
    """The codebook alone as a technical CSV (next to the technical CSV for R), formula text defused."""
    response = _get(client, filled, "codebuch")
    assert "_codebuch.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode(), newline="")))
    assert rows[0] == ["Code", "Frage / Text", "Typ", "Antwortcode", "Antwort"]
    status = next(r for r in rows if r and r[0] == "Q03_status")
    assert status[2] == "Status" and "weiß nicht" in status[4]
    assert any(r[1:2] == ["keine Antwort"] for r in rows)


def test_xlsx_beyond_excels_row_limit_is_an_error_page(app, client, planner, monkeypatch):
    """More responses than a sheet holds: the error page, never a file Excel cannot open."""
    monkeypatch.setattr(xlsx, "MAX_ROWS", 2)
    built = results_survey(app, planner.id)
    answer(app, built, mode="Rad")
    login(client, planner)
    assert _get(client, built, "xlsx").status_code == 200
    answer(app, built, mode="Auto")
    response = post(client, f"/umfragen/verwaltung/{built.id}/export/datei?format=xlsx")
    assert response.status_code == 500 and "Export fehlgeschlagen" in response.get_data(as_text=True)
