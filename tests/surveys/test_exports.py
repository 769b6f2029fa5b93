"""Survey CSV exports: German and technical dialects, round trip, options, permissions, audit, failures."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.surveys.exports import reading, writers
from participation.surveys.models import Survey
from participation.surveys.results.services import compute
from participation.surveys.services import today
from tests.conftest import ROLE_SETS, login, post
from tests.surveys.results_factories import FREE_TEXT, answer, close_and_publish, results_survey


def download(client, survey, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = post(client, f"/umfragen/verwaltung/{survey.id}/export/datei?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def german_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_german_csv_dialect_and_free_text_round_trip(app, client, planner, survey):
    """BOM, `;`, CRLF, no sep= line, decimal comma, ISO dates; the nasty text comes back exactly."""
    answer(app, survey, mode="Rad", note=FREE_TEXT, temp="-2,75", since="2026-11-27", day=date(2026, 11, 27))
    login(client, planner)
    response = download(client, survey, format="csv", kopf="codes")
    data = response.data
    assert data.startswith(b"\xef\xbb\xbfid;datum;kanal;Q01;")
    assert not data[3:].startswith(b"sep=")
    assert data.count(b"\r\n") == 2 and b"\n" in data.replace(b"\r\n", b"")  # record ends CRLF, text keeps \n
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0]["Q05"] == FREE_TEXT
    assert rows[0]["Q04"] == "-2,75"
    assert rows[0]["Q10"] == "2026-11-27" and rows[0]["datum"] == "2026-11-27"


def test_technical_csv(app, client, planner, survey):
    """RFC 4180: no BOM, `,`, decimal point, CRLF."""
    answer(app, survey, mode="Rad", temp="2,5", note=FREE_TEXT)
    login(client, planner)
    data = download(client, survey, format="csv-technisch", kopf="codes").data
    assert data.startswith(b"id,datum,kanal,Q01,Q01_status,")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0]["Q04"] == "2.5" and rows[0]["Q05"] == FREE_TEXT


def test_option_counts_equal_counts_recomputed_from_csv(app, client, planner, survey):
    """Results page counts = counts from the exported file (multiple choice counted per option)."""
    choices = [
        ("Rad", ["Bäume"]),
        ("Rad", ["Bäume", "Licht"]),
        ("Auto", ["Licht"]),
        ("Bus", ["Bänke", "Licht"]),
    ]
    for mode, wish in choices * 3:
        answer(app, survey, mode=mode, wish=wish)
    login(client, planner)
    rows = german_rows(download(client, survey, format="csv", mehrfach="beides", kopf="codes").data)
    with app.app_context():
        results = compute(db.session.get(Survey, survey.id))
    by_id = {r.question.id: r for r in results.questions}
    mode_counts = Counter(row["Q01"] for row in rows)
    assert {c.label: c.count for c in by_id[survey.q["mode"]].cells} == {
        k: mode_counts[k] for k in ("Rad", "Auto", "Bus")
    }
    for cell in by_id[survey.q["wish"]].cells:
        assert cell.count == sum(row[f"Q02_{cell.code}"] == "1" for row in rows)
        assert cell.count == sum(cell.label in row["Q02"].split("|") for row in rows)


def test_formula_injection_in_csv_numbers_stay_numbers(app, client, planner, survey):
    """Text starting with = + - @ tab or CR gets a leading apostrophe; −5 stays the number -5."""
    for text in ("=SUMME(A1)", "+49 30 1234", "-Rabatt", "@home", "normal"):
        answer(app, survey, word=text, temp="-5")
    login(client, planner)
    for fmt, reader in (
        ("csv", german_rows),
        ("csv-technisch", lambda d: list(csv.DictReader(io.StringIO(d.decode(), newline="")))),
    ):
        rows = reader(download(client, survey, format=fmt, kopf="codes").data)
        words = {row["Q06"] for row in rows}
        assert words == {"'=SUMME(A1)", "'+49 30 1234", "'-Rabatt", "'@home", "normal"}
        assert {row["Q04"] for row in rows} == {"-5"}


def test_zero_blank_and_not_shown_are_distinct(app, client, planner, survey):
    """0 = option not chosen; a missing value leaves the value empty and its status says why."""
    answer(app, survey, mode="Rad", wish=["Bäume"], scale="dk")  # km shown, unanswered
    answer(app, survey, mode="Auto")  # wish unanswered, km hidden
    login(client, planner)
    rows = {row["Q01"]: row for row in german_rows(download(client, survey, format="csv", kopf="codes").data)}
    rad, auto = rows["Rad"], rows["Auto"]
    assert (rad["Q02_A1"], rad["Q02_A2"], rad["Q02_status"]) == ("1", "0", "")
    assert (auto["Q02_A1"], auto["Q02_A2"], auto["Q02_status"]) == ("", "", "keine Antwort")
    assert (rad["Q11"], rad["Q11_status"]) == ("", "keine Antwort")
    assert (auto["Q11"], auto["Q11_status"]) == ("", "nicht gezeigt")
    assert (rad["Q03"], rad["Q03_status"]) == ("", "weiß nicht")
    assert (rad["Q08_R1"], rad["Q08_R1_status"]) == ("", "keine Antwort")
    assert rad["Q01_status"] == ""


def test_options_codes_headers_joined_and_filters(app, client, planner, survey):
    """Answers as codes, headers as texts or both, joined multiple choice, channel and date filter."""
    answer(
        app,
        survey,
        mode="Rad",
        wish=["Bäume", "Licht"],
        yesno="ja",
        scale="dk",
        channel="telefon",
        day=date(2026, 1, 5),
    )
    answer(app, survey, mode="Bus", channel="papier", day=date(2026, 2, 5))
    login(client, planner)
    rows = german_rows(
        download(client, survey, format="csv", antworten="codes", mehrfach="verbunden", kopf="codes").data
    )
    first = next(r for r in rows if r["kanal"] == "telefon")
    assert (first["Q01"], first["Q02"], first["Q07"], first["Q03"]) == ("A1", "A1|A3", "1", "")
    assert first["Q03_status"] == "weiß nicht"
    assert "Q02_A1" not in first
    for params in ({}, {"kopf": "texte"}, {"kopf": "beides"}):  # question texts are the default
        header = download(client, survey, format="csv", **params).data.decode("utf-8-sig").split("\r\n")[0]
        assert header.startswith(
            "Antwort-ID [id];Datum [datum];Kanal [kanal];Verkehrsmittel? [Q01];"
            "Verkehrsmittel? – Status [Q01_status];Was fehlt? – Bäume [Q02_A1];"
        )
    codes = {"kopf": "codes"}
    papers = german_rows(download(client, survey, format="csv", kanal="papier", **codes).data)
    assert [r["kanal"] for r in papers] == ["Papier/Post"]
    dated = german_rows(
        download(client, survey, format="csv", von="2026-02-01", bis="2026-02-28", **codes).data
    )
    assert [r["Q01"] for r in dated] == ["Bus"]


def test_anonymous_export_has_no_account_code_or_time(app, client, planner, make_user):
    """Anonymous: id, day and channel only; named surveys add the account and how it was answered."""
    anonymous = results_survey(app, planner.id)
    named = results_survey(app, planner.id, anonymous=False)
    citizen = make_user()
    answer(app, anonymous, mode="Rad")
    answer(app, named, mode="Rad", user_id=citizen.id)
    login(client, planner)
    anon_header = german_rows(download(client, anonymous, format="csv", kopf="codes").data)[0].keys()
    named_row = german_rows(download(client, named, format="csv", kopf="codes").data)[0]
    meta = [k for k in anon_header if not k.startswith("Q")]
    assert meta == ["id", "datum", "kanal"]
    assert named_row["konto_id"] == str(citizen.id) and named_row["zugang"] == "account"
    assert all(
        ":" not in value
        for value in german_rows(download(client, anonymous, format="csv").data)[0].values()
        if value
    )


def test_filename_headers(app, client, planner, survey):
    """`<slug>_<day>_<format>.<ext>`: ASCII, every format its own name (the two CSVs differ)."""
    login(client, planner)
    with app.app_context():
        day = today().isoformat()
    names = {}
    for fmt in ("csv", "csv-technisch", "xlsx", "ods", "json", "sav"):
        disposition = download(client, survey, format=fmt).headers["Content-Disposition"]
        names[fmt] = disposition.split('filename="')[1].split('"')[0]
    slug = "mobilitaet-2026-innenstadt"
    assert names == {
        "csv": f"{slug}_{day}_csv-excel.csv",
        "csv-technisch": f"{slug}_{day}_csv-technisch.csv",
        "xlsx": f"{slug}_{day}_xlsx.xlsx",
        "ods": f"{slug}_{day}_ods.ods",
        "json": f"{slug}_{day}_json.json",
        "sav": f"{slug}_{day}_spss.sav",
    }


ROUTES = [
    "/umfragen/verwaltung/{id}/export",
    "/umfragen/verwaltung/{id}/export/datei?format=csv",
    "/umfragen/verwaltung/{id}/export/datei?format=csv-technisch",
    "/umfragen/verwaltung/{id}/export/datei?format=xlsx",
    "/umfragen/verwaltung/{id}/export/datei?format=ods",
    "/umfragen/verwaltung/{id}/export/datei?format=json",
    "/umfragen/verwaltung/{id}/export/datei?format=sav",
    "/umfragen/verwaltung/{id}/bericht",
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("unverified", 403),
        ("citizen", 403),
        ("moderator", 403),
        ("other_planner", 403),
        ("owner", 200),
        ("admin", 200),
    ],
)
def test_export_permission_matrix(app, client, make_user, planner, survey, route, role, expected):
    """Exports and the report: the survey's planner and admins only (also after the survey closed)."""
    answer(app, survey, mode="Rad")
    close_and_publish(app, survey)
    users = {
        "unverified": lambda: make_user(verified=False),
        "citizen": lambda: make_user(),
        "moderator": lambda: make_user(ROLE_SETS["moderator"]),
        "other_planner": lambda: make_user(ROLE_SETS["planner"]),
        "admin": lambda: make_user(ROLE_SETS["admin"]),
        "owner": lambda: planner,
    }
    if role in users:
        login(client, users[role]())
    url = route.format(id=survey.id)
    # The file downloads are POSTs (an action on record); the form and the report are reads.
    response = post(client, url) if "/export/datei" in url else client.get(url)
    assert response.status_code == expected
    if expected != 200:
        # The page's random CSRF tokens may contain any three characters; look at the rest.
        page = re.sub(rb'name="csrf_token"[^>]*>', b">", response.data)
        assert b"Q01" not in page


def test_every_export_is_audit_logged(app, client, planner, survey):
    """Who exported which survey in which format, with the time (the printable report is a read)."""
    login(client, planner)
    for fmt in ("csv", "xlsx", "ods", "json", "sav"):
        download(client, survey, format=fmt)
    assert client.get(f"/umfragen/verwaltung/{survey.id}/bericht").status_code == 200
    with app.app_context():
        entries = db.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "surveys.exported")
        ).all()
        assert sorted(e.details["format"] for e in entries) == ["csv", "json", "ods", "sav", "xlsx"]
        assert {(e.actor_id, e.target_id) for e in entries} == {(planner.id, survey.id)}
        assert all(e.created_at is not None for e in entries)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods", "json", "sav"])
def test_failed_export_is_an_error_page_not_an_empty_file(app, client, planner, survey, monkeypatch, fmt):
    """A failure before the first byte: German error page with status 500, failure logged."""

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")
        yield  # pragma: no cover

    monkeypatch.setattr(reading, "read_batches", broken)
    answer(app, survey, mode="Rad")
    login(client, planner)
    response = post(client, f"/umfragen/verwaltung/{survey.id}/export/datei?format={fmt}")
    assert response.status_code == 500
    assert "Export fehlgeschlagen" in response.get_data(as_text=True)
    assert "Content-Disposition" not in response.headers
    with app.app_context():
        assert db.session.scalar(
            select(AuditLogEntry.action).where(AuditLogEntry.action == "surveys.export_failed")
        )


def test_failure_mid_stream_leaves_a_broken_marker(app, client, planner, survey, monkeypatch):
    """After the first chunk the status cannot change: the file ends with a marker and the stream aborts."""
    monkeypatch.setattr(writers, "CHUNK_ROWS", 1)
    original = reading.read_batches

    def failing(survey_id, flt, batch=None, after=None):
        # One response per batch; the database goes away before the second batch.
        batches = original(survey_id, flt, batch=1)
        yield next(batches)
        raise RuntimeError("connection lost")

    monkeypatch.setattr(reading, "read_batches", failing)
    answer(app, survey, mode="Rad")
    answer(app, survey, mode="Auto")
    login(client, planner)
    response = post(client, f"/umfragen/verwaltung/{survey.id}/export/datei?format=csv", buffered=False)
    assert response.status_code == 200
    body = b""
    with pytest.raises(RuntimeError):
        for chunk in response.response:
            body += chunk
    assert "EXPORT ABGEBROCHEN" in body.decode("utf-8")
    response.close()
