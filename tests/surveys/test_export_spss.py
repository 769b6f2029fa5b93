"""SPSS .sav export (#13 item 4): read back with pyreadstat, the same values as the technical CSV, with
variable labels, value labels, measurement levels and declared missing values."""

from __future__ import annotations

import csv
import io
import math
import tempfile
from datetime import date
from pathlib import Path

import pyreadstat
import pytest
from sqlalchemy import func, select

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.surveys.exports.spss import _name
from tests.conftest import login, post
from tests.surveys.results_factories import FREE_TEXT, answer, results_survey


@pytest.fixture
def filled(app, client, planner):
    """Responses with every answer type and every missing value, formula-like text among them."""
    built = results_survey(app, planner.id)
    answer(app, built, mode="Rad", wish=["Bäume"], scale="dk", temp="-2,5", note=FREE_TEXT, word="=1+1",
           yesno="ja", matrix={"Licht": 1}, rank={"Grün": 1, "Parken": 2}, since="2026-11-27", km=12,
           day=date(2026, 11, 20))  # fmt: skip
    answer(app, built, mode="Auto", scale=4, temp="7", matrix={"Licht": 2, "Lärm": 3}, day=date(2026, 11, 21))
    answer(app, built, mode="Rad", wish=["Licht"], scale=2, yesno="nein", channel="telefon")
    answer(app, built, mode="Bus", word="@home", since="1999-01-31", day=date(2026, 11, 23))
    login(client, planner)
    return built


def _get(client, built, fmt: str, **params) -> bytes:
    query = "&".join([f"format={fmt}"] + [f"{k}={v}" for k, v in params.items()])
    response = post(client, f"/umfragen/verwaltung/{built.id}/export/datei?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def _read(data: bytes, **kwargs):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.sav"
        path.write_bytes(data)
        return pyreadstat.read_sav(str(path), **kwargs)


def _same(sav, text: str) -> bool:
    """A read-back .sav value equals the technical CSV's text (empty = missing)."""
    if sav is None or (isinstance(sav, float) and math.isnan(sav)) or sav == "":
        return text == ""
    if isinstance(sav, date):
        return sav.isoformat() == text
    if isinstance(sav, float):
        return text != "" and float(text) == sav
    unformula = text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text
    return str(sav) == unformula


def test_sav_reads_back_as_the_technical_csv(client, filled):
    """Every cell of the .sav (value labels applied, user-missing as missing) equals the technical CSV."""
    response = _get(client, filled, "sav")
    assert response.headers["Content-Type"] == "application/x-spss-sav"
    assert "_spss.sav" in response.headers["Content-Disposition"]
    frame, meta = _read(response.data, apply_value_formats=True)
    text = _get(client, filled, "csv-technisch", kopf="codes").data.decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(frame.columns) == list(rows[0].keys())
    by_id = {row["id"]: row for row in rows}
    assert len(frame) == len(rows) == 4
    for record in frame.to_dict("records"):
        expected = by_id[record["id"]]
        for column, value in record.items():
            assert _same(value, expected[column]), (column, value, expected[column])


def test_sav_metadata(client, filled):
    """Variable labels, value labels, measurement levels, declared missing values (-97/-98/-99)."""
    data = _get(client, filled, "sav").data
    frame, meta = _read(data, user_missing=True)
    labels = meta.column_names_to_labels
    assert labels["Q01"] == "Verkehrsmittel?" and labels["Q02_A1"] == "Was fehlt? – Bäume"
    assert labels["Q03_status"] == "Zufriedenheit – Status"
    values = meta.variable_value_labels
    assert {k: v for k, v in values["Q01"].items() if k > 0} == {1: "Rad", 2: "Auto", 3: "Bus"}
    assert values["Q07"][1] == "Ja" and values["Q07"][0] == "Nein"
    assert values["Q03_status"] == {1: "weiß nicht", 2: "nicht gezeigt", 3: "keine Antwort"}
    assert values["Q03"][-97] == "weiß nicht"
    measure = meta.variable_measure
    assert (measure["Q01"], measure["Q03"], measure["Q08_R1"], measure["Q04"], measure["Q05"]) == (
        "nominal",
        "ordinal",
        "ordinal",
        "scale",
        "nominal",
    )
    declared = meta.missing_ranges
    assert {r["lo"] for r in declared["Q03"]} == {-97, -98, -99}
    assert "Q04" not in declared and "Q10" not in declared  # free numbers and dates: system-missing
    dk = frame[frame["Q03_status"] == 1]
    assert list(dk["Q03"]) == [-97]
    hidden = frame[frame["Q11_status"] == 2]
    assert len(hidden) == 2 and all(math.isnan(v) for v in hidden["Q11"])
    assert set(frame[frame["Q02_status"] == 3]["Q02_A1"]) == {-99}
    assert meta.readstat_variable_types["Q10"] == "double" and meta.original_variable_types["Q10"].startswith(
        "DATE"
    )


def test_sav_variable_names():
    """Codes become valid, unique SPSS names."""
    taken: set[str] = set()
    assert [_name(c, taken) for c in ("Q01", "q01", "1x", "a b-c", "_x")] == [
        "Q01",
        "q01_2",
        "v1x",
        "a_b_c",
        "v_x",
    ]


def test_sav_of_a_survey_without_responses(client, planner, app):
    """No responses yet: a valid .sav with every variable and no rows."""
    built = results_survey(app, planner.id)
    login(client, planner)
    frame, meta = _read(_get(client, built, "sav").data)
    assert len(frame) == 0 and "Q03_status" in meta.column_names


def test_a_sav_too_large_for_memory_is_refused_before_anything_is_read(client, filled, app, monkeypatch):
    """pyreadstat builds the table in memory: above the cap the planner is sent to the CSV and codebook."""
    monkeypatch.setattr("participation.surveys.exports.spss.MAX_SAV_CELLS", 10)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditLogEntry))
    response = post(client, f"/umfragen/verwaltung/{filled.id}/export/datei?format=sav")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/umfragen/verwaltung/{filled.id}/export")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "zu viele Antworten" in page and "technische CSV und das Codebuch" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditLogEntry)) == before
    assert _get(client, filled, "csv-technisch").data  # the alternative still works
