"""Exports with weighting on (#17 item 3): every format carries each response's weight, equal to the weights
of its cell; the codebook documents the column; with weighting off there is no such column."""

from __future__ import annotations

import csv
import io
import json
import tempfile

import pyreadstat  # type: ignore[import-untyped]
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from participation.extensions import db
from participation.surveys.models import Answer, Response, Survey
from participation.surveys.weighting.service import survey_weights
from tests.conftest import login, post
from tests.surveys.test_exports_formats import _ods_tables
from tests.surveys.weighting.factories import WIDE_BOUNDS, weighted_world

GROUPS = {
    ("Nord", "18–39 Jahre"): 12,
    ("Nord", "40–64 Jahre"): 6,
    ("Süd", "65+ Jahre"): 5,
    ("Ost", "40–64 Jahre"): 3,
    ("Ost", "18–39 Jahre"): 2,
    ("Sonstiges", "65+ Jahre"): 1,
    (None, "40–64 Jahre"): 1,
}


@pytest.fixture
def world(app, client, make_user):
    """The weighted survey answered in GROUPS, no weight trimmed, its planner logged in."""
    built = weighted_world(app, make_user, GROUPS, trim=WIDE_BOUNDS)
    login(client, built.planner)
    return built


def _expected(app, world) -> dict[str, float]:
    """Each response's weight, from its stored answers and the weights' cells (independently of exports)."""
    with app.app_context():
        weights = survey_weights(db.session.get(Survey, world.survey_id))
        assert weights is not None
        chosen: dict[str, dict[int, int]] = {}
        for rid in db.session.scalars(select(Response.id).where(Response.survey_id == world.survey_id)):
            chosen[rid] = {}
        for row in db.session.scalars(select(Answer).where(Answer.response_id.in_(list(chosen)))):
            chosen[row.response_id][row.question_id] = row.option_id
        return {
            rid: weights.weight(tuple(mine.get(q) for q in weights.question_ids))
            for rid, mine in chosen.items()
        }


def _get(client, world, fmt: str) -> bytes:
    response = post(client, f"/umfragen/verwaltung/{world.survey_id}/export/datei?format={fmt}&kopf=codes")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.data


def _column(rows: list[list], name: str = "gewicht") -> dict[str, float]:
    header = rows[0]
    return {row[0]: float(str(row[header.index(name)]).replace(",", ".")) for row in rows[1:] if row}


def test_csv_xlsx_ods_carry_the_weights(app, client, world):
    expected = _expected(app, world)
    assert len(set(round(w, 6) for w in expected.values())) > 2  # the weights differ between cells
    technical = list(csv.reader(io.StringIO(_get(client, world, "csv-technisch").decode(), newline="")))
    assert technical[0][:4] == ["id", "datum", "kanal", "gewicht"]
    assert _column(technical) == pytest.approx(expected)
    german = list(
        csv.reader(io.StringIO(_get(client, world, "csv").decode("utf-8-sig"), newline=""), delimiter=";")
    )
    assert _column(german) == pytest.approx(expected)
    sheet = load_workbook(io.BytesIO(_get(client, world, "xlsx"))).worksheets[0]
    assert _column([list(r) for r in sheet.iter_rows(values_only=True)]) == pytest.approx(expected)
    ods = next(iter(_ods_tables(_get(client, world, "ods")).values()))
    assert _column(ods) == pytest.approx(expected)
    # The one without a district and the "Sonstiges" one weigh 1.0.
    assert sorted(expected.values()).count(1.0) >= 2


def test_json_spss_and_codebook_carry_the_weights(app, client, world):
    expected = _expected(app, world)
    document = json.loads(_get(client, world, "json"))
    assert {r["id"]: r["weight"] for r in document["responses"]} == pytest.approx(expected)
    assert document["survey"]["weighting"]["questions"] == ["Q01", "Q02"]
    book = list(csv.reader(io.StringIO(_get(client, world, "codebuch").decode("utf-8-sig"), newline="")))
    weight_row = next(row for row in book if row and row[0] == "gewicht")
    assert "Raking" in weight_row[4] and "Q01, Q02" in weight_row[4]
    path = io.BytesIO(_get(client, world, "sav"))
    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(path.getvalue())
        handle.flush()
        frame, _meta = pyreadstat.read_sav(handle.name)
    assert dict(zip(frame["id"], frame["gewicht"], strict=True)) == pytest.approx(expected)


def test_no_weight_column_when_weighting_is_off(app, client, make_user):
    built = weighted_world(app, make_user, GROUPS, enabled=False)
    login(client, built.planner)
    technical = list(csv.reader(io.StringIO(_get(client, built, "csv-technisch").decode(), newline="")))
    assert "gewicht" not in technical[0]
    assert "weighting" not in json.loads(_get(client, built, "json"))["survey"]
