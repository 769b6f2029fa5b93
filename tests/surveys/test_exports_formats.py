"""XLSX, ODS and JSON exports read back with libraries; codebook; formula text; the printable report."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime

import pytest
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.teletype import extractText
from odf.text import P
from openpyxl import load_workbook

from tests.conftest import login, post
from tests.surveys.results_factories import FREE_TEXT, answer, results_survey

FORMULAS = ("=SUMME(A1:A9)", "+1+2", "-Rabatt", "@home")


@pytest.fixture
def filled(app, client, planner):
    built = results_survey(app, planner.id)
    for index, word in enumerate(FORMULAS):
        answer(
            app,
            built,
            mode=["Rad", "Auto"][index % 2],
            wish=["Bäume", "Licht"][: index % 2 + 1],
            scale=index + 1,
            temp="-5" if index == 0 else "2,5",
            note=FREE_TEXT,
            word=word,
            yesno="ja",
            matrix={"Licht": 1},
            rank={"Grün": 1, "Parken": 2},
            since="2026-11-27",
            day=date(2026, 11, 20 + index),
        )
    login(client, planner)
    return built


def _get(client, built, fmt, **params) -> bytes:
    params.setdefault("kopf", "codes")
    query = "&".join([f"format={fmt}"] + [f"{k}={v}" for k, v in params.items()])
    response = post(client, f"/umfragen/verwaltung/{built.id}/export/datei?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.data


def _technical(client, built) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_get(client, built, "csv-technisch").decode(), newline="")))


def _plain(value) -> str:
    """A typed spreadsheet value as the technical CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _ods_tables(data: bytes) -> dict[str, list[list]]:
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
                    cells.append(datetime.fromisoformat(cell.getAttribute("datevalue")))
                elif kind == "string":
                    cells.append("\n".join(extractText(p) for p in cell.getElementsByType(P)))
                else:
                    cells.append(None)
            rows.append(cells)
        tables[table.getAttribute("name")] = rows
    return tables


def _unformula(text: str) -> str:
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def test_xlsx_read_back_cell_by_cell(client, filled):
    """Same cells as the technical CSV; numbers are numbers, text is text, a sheet name Excel accepts."""
    workbook = load_workbook(io.BytesIO(_get(client, filled, "xlsx")))
    assert workbook.sheetnames == ["Mobilität 2026 Innenstadt", "Codebuch"]
    sheet = workbook.worksheets[0]
    expected = _technical(client, filled)
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == len(expected) == 5
    for got, want in zip(rows, expected, strict=True):
        assert [_plain(v) for v in got] == [_unformula(w) for w in want]
    header = rows[0]
    temps = [row[header.index("Q04")] for row in rows[1:]]
    assert -5 in temps and all(isinstance(t, int | float) for t in temps)
    for row in sheet.iter_rows(min_row=2):
        word = row[header.index("Q06")]
        assert word.data_type == "s" and word.value in FORMULAS  # text, never a formula
        assert row[header.index("Q05")].value == FREE_TEXT


def test_xlsx_has_no_formula_in_the_file(client, filled):
    """The raw sheet XML stores the texts as strings, no <f> formula element anywhere."""
    with zipfile.ZipFile(io.BytesIO(_get(client, filled, "xlsx"))) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        strings = (
            sheet + archive.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in archive.namelist()
            else sheet
        )
    assert "<f>" not in sheet and "=SUMME(A1:A9)" in strings


def test_ods_read_back_cell_by_cell(client, filled):
    """ODS: mimetype first and stored, same cells as the CSV, strings stay strings, numbers floats."""
    data = _get(client, filled, "ods")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert "table:formula" not in archive.read("content.xml").decode()
    tables = _ods_tables(data)
    assert list(tables) == ["Mobilität 2026 Innenstadt", "Codebuch"]
    rows = tables["Mobilität 2026 Innenstadt"]
    expected = _technical(client, filled)
    for got, want in zip(rows, expected, strict=True):
        assert [_plain(v) for v in got] == [_unformula(w) for w in want]
    header = rows[0]
    assert {row[header.index("Q06")] for row in rows[1:]} == set(FORMULAS)
    assert -5.0 in [row[header.index("Q04")] for row in rows[1:]]
    assert all(row[header.index("Q05")] == FREE_TEXT for row in rows[1:])


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_codebook_sheet(client, filled, fmt):
    """Codes, texts, types, option codes and labels, and the meaning of missing values."""
    data = _get(client, filled, fmt)
    if fmt == "xlsx":
        rows = [list(r) for r in load_workbook(io.BytesIO(data))["Codebuch"].iter_rows(values_only=True)]
    else:
        rows = _ods_tables(data)["Codebuch"]
    rows = [[v if v not in ("",) else None for v in row] for row in rows]
    assert rows[0] == ["Code", "Frage / Text", "Typ", "Antwortcode", "Antwort"]
    assert ["Q01", "Verkehrsmittel?", "Einfachauswahl", None, None] in rows
    assert ["Q01_A1", None, "Option", "A1", "Rad"] in rows
    assert ["Q08_R2", None, "Zeile", "R2", "Lärm"] in rows
    assert [None, None, "Ja/Nein", "1", "Ja"] in rows
    assert any(row[:2] == [None, "nicht gezeigt"] for row in rows if len(row) >= 2)


def test_json_structure_and_responses(client, filled):
    """JSON: the questionnaire, then one object per response with answers by question code."""
    document = json.loads(_get(client, filled, "json", antworten="codes"))
    assert [q["code"] for q in document["survey"]["questions"]][:3] == ["Q01", "Q02", "Q03"]
    assert document["survey"]["questions"][0]["options"][0] == {"code": "A1", "label": "Rad"}
    responses = document["responses"]
    assert len(responses) == 4
    rad = next(r for r in responses if r["answers"]["Q01"] == "A1" and r["answers"]["Q04"] == -5)
    assert rad["answers"]["Q05"] == FREE_TEXT and rad["answers"]["Q02"] == ["A1"]
    assert rad["answers"]["Q08"] == {"R1": 1} and rad["date"] == "2026-11-20"
    auto = next(r for r in responses if r["answers"]["Q01"] == "A2")
    assert "Q11" in auto["not_shown"] and "Q11" not in auto["answers"]
    assert "account_id" not in rad  # anonymous survey


def test_printable_report(client, filled):
    """Every chart and table on one page with the print stylesheet."""
    html = client.get(f"/umfragen/verwaltung/{filled.id}/bericht").get_data(as_text=True)
    assert "surveys-print.css" in html and 'media="print"' in html
    assert html.count("<svg") >= 8 and html.count("<table") >= 9
    assert html.count('class="result-stats"') >= 2  # key figures: a reflowing list, not a table
    assert "2,5" in html and "20.11.2026" in html and "23.11.2026" in html
