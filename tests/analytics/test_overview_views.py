"""Participation overview pages: who may read them, bad dates, downloads, suppression, no writes."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from participation.accounts.models import Role
from participation.extensions import db
from tests.analytics.test_overview import populate
from tests.conftest import ROLE_SETS, count_queries, login
from tests.test_reads_never_write import count_writes

PAGE = "/auswertung/"
JUNE = "?von=01.06.2026&bis=30.06.2026"


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("citizen", 403), ("moderator", 403), ("planner", 200), ("admin", 200)],
)
@pytest.mark.parametrize("path", [PAGE, PAGE + "wochen.csv", PAGE + "kanaele.xlsx"])
def test_role_matrix(client, make_user, role, status, path):
    if role != "anonymous":
        login(client, make_user(ROLE_SETS[role]))
    response = client.get(path)
    assert response.status_code == status
    if status == 302:
        assert "/konto/anmelden" in response.headers["Location"]


def test_unknown_table_or_format_is_404(client, make_user):
    login(client, make_user({Role.PLANNER}))
    assert client.get(PAGE + "personen.csv").status_code == 404
    assert client.get(PAGE + "wochen.pdf").status_code == 404


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?von=31.02.2026&bis=30.06.2026", "von", "Bitte geben Sie ein Datum im Format TT.MM.JJJJ ein."),
        ("?von=01.06.2026&bis=gestern", "bis", "Bitte geben Sie ein Datum im Format TT.MM.JJJJ ein."),
        ("?von=30.06.2026&bis=01.06.2026", "bis", "Das Ende darf nicht vor dem Anfang liegen."),
        ("?von=01.01.2020&bis=30.06.2026", "bis", "Bitte wählen Sie höchstens drei Jahre."),
    ],
)
def test_bad_dates_get_a_german_message_next_to_the_field(client, make_user, query, field, message):
    login(client, make_user({Role.PLANNER}))
    html = client.get(PAGE + query).get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">\s*<span>([^<]+)</span>', html)
    assert error and error.group(1) == message
    assert f'aria-describedby="{field}-hint {field}-error"' in html
    typed = re.search(rf"{field}=([^&]+)", query).group(1)  # type: ignore[union-attr]
    assert f'value="{typed}"' in html  # the input is kept as typed
    assert "Beteiligung pro Woche" not in html  # no figures for a period that is not one


def test_iso_dates_from_a_date_picker_are_read_too(client, make_user):
    login(client, make_user({Role.PLANNER}))
    html = client.get(PAGE + "?von=2026-06-01&bis=2026-06-30").get_data(as_text=True)
    assert "Zeitraum: 01.06.2026 bis 30.06.2026." in html


def test_default_period_is_the_last_twelve_months(client, make_user):
    login(client, make_user({Role.ADMIN}))
    html = client.get(PAGE).get_data(as_text=True)
    assert html.count('<th scope="row">KW ') in (53, 54)


def cells(html: str, key: str) -> list[list[str]]:
    """The rows of one table of the page as text."""
    section = html.split(f'id="{key}-heading"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_planner_page_and_file_hide_small_counts_admin_sees_them(app, client, make_user):
    populate(app)
    login(client, make_user({Role.PLANNER}))
    planner_html = client.get(PAGE + JUNE).get_data(as_text=True)
    planner_csv = client.get(PAGE + "wochen.csv" + JUNE).get_data(as_text=True)
    admin_client = app.test_client()
    login(admin_client, make_user({Role.ADMIN}))
    admin_html = admin_client.get(PAGE + JUNE).get_data(as_text=True)
    small = re.compile(r"^[1-4]$")
    seen_small = False
    for key in ("wochen", "einheiten", "kanaele", "bezirke", "konten", "antwortzeit"):
        for row in cells(planner_html, key):
            assert not any(small.match(c) for c in row[1:]), (key, row)
        seen_small |= any(small.match(c) for row in cells(admin_html, key) for c in row[1:])
    assert seen_small
    assert "geschützt" in planner_html and "„geschützt“ statt einer Zahl" in planner_html
    assert "geschützt" not in admin_html
    rows = list(csv.reader(io.StringIO(planner_csv.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Woche", "Antworten", "Kommentare", "Wiki-Vorschläge", "Beteiligte Konten"]
    weeks = [r for r in rows[1:] if r and r[0].startswith("KW")]
    assert all(not small.match(c) for r in weeks for c in r[1:])
    assert any(c == "geschützt" for r in weeks for c in r[1:])


def test_xlsx_download_holds_the_table(app, client, make_user):
    populate(app)
    login(client, make_user({Role.ADMIN}))
    response = client.get(PAGE + "kanaele.xlsx" + JUNE)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "beteiligung-kanaele-20260601-20260630.xlsx" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "Bürgerbüro" in sheet and "Papier/Post" in sheet


def test_gets_write_nothing(app, client, make_user):
    populate(app)
    login(client, make_user({Role.PLANNER}))
    with app.app_context(), count_writes(db.engine) as writes:
        for path in (PAGE + JUNE, PAGE + "wochen.csv" + JUNE, PAGE + "bezirke.xlsx" + JUNE, PAGE + "?von=x"):
            assert client.get(path).status_code == 200
    assert writes == []


def test_downloads_answer_in_constant_queries(app, client, make_user):
    login(client, make_user({Role.PLANNER}))
    populate(app, scale=1)
    with app.app_context(), count_queries(db.engine) as small:
        client.get(PAGE + "einheiten.csv" + JUNE)
    populate(app, scale=4)
    with app.app_context(), count_queries(db.engine) as large:
        client.get(PAGE + "einheiten.csv" + JUNE)
    assert len(small) == len(large)
