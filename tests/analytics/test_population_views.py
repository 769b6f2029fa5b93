"""Reference population pages: upload refusals store nothing, a good file is stored exactly, versions,
the current marker, who may do what, and reads that write nothing."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from participation.analytics.models import PopulationCell, PopulationVersion
from participation.core.models import AuditLogEntry
from participation.extensions import db
from tests.conftest import count_queries, csrf_token

BASE = "/verwaltung/bevoelkerung/"
UPLOAD = BASE + "neu"

GOOD = (
    "Bezirk;Altersgruppe;Geschlecht;Anzahl\n"
    "Altstadt;18–29;weiblich;1210\n"
    "Altstadt;18–29;männlich;1185\n"
    "Nordviertel;18–29;weiblich;2040\n"
    "Nordviertel;18–29;männlich;1990\n"
    "Insgesamt;Insgesamt;Insgesamt;6425\n"
)


def rows_in_db(app) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(PopulationVersion)),
            db.session.scalar(select(func.count()).select_from(PopulationCell)),
            db.session.scalar(
                select(func.count())
                .select_from(AuditLogEntry)
                .where(AuditLogEntry.action.like("analytics.%"))
            ),
        )


def upload(
    client,
    content: bytes | None = None,
    *,
    rows: str = "",
    source="Statistikstelle Musterstadt",
    day="2025-12-31",
    current=True,
):
    data = {
        "csrf_token": csrf_token(client, UPLOAD),
        "source": source,
        "reference_date": day,
        "rows": rows,
    }
    if current:
        data["make_current"] = "y"
    if content is not None:
        data["file"] = (io.BytesIO(content), "bevoelkerung.csv", "text/csv")
    return post_multipart(client, data)


def post_multipart(client, data: dict):
    """POST a multipart form encoded in memory (the test client spools a large one to an unclosed file)."""
    fields = MultiDict({k: v for k, v in data.items() if k != "file"})
    if "file" in data:
        stream, filename, mimetype = (data["file"] + ("application/octet-stream",))[:3]
        fields.add("file", FileStorage(stream, filename=filename, content_type=mimetype))
    boundary, body = encode_multipart(fields)
    return client.post(UPLOAD, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page, re.S)
    assert match, f"no error next to #{field_id}"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def value_of(page: str, field_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{field_id}"[^>]*value="([^"]*)"', page)
    assert match, f"no value in #{field_id}"
    return html.unescape(match.group(1))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Bezirk;Menge\nAltstadt;4\n", "Zeile 1: Unbekannte Spalte „Menge“"),
        (b"Bezirk;Anzahl\nAltstadt;4\nNordviertel;-3\n", "Zeile 3: Die Anzahl -3 ist negativ."),
        (
            b"Bezirk;Anzahl\nAltstadt;4\nNordviertel;3\nInsgesamt;9\n",
            "Zeile 4: Die Summenzeile nennt 9, die Einzelzeilen ergeben 7.",
        ),
        (b'Bezirk;Anzahl\nAltstadt;4\n=HYPERLINK("x");3\n', "Zeile 3: „=HYPERLINK"),
        (b"Bezirk;Anzahl\nAltstadt;4\n@SUM(1);3\n", "Zeile 3: „@SUM(1)“ beginnt mit =, +, - oder @"),
        (b"", "Bitte wählen Sie eine CSV-Datei aus oder geben Sie die Zeilen ein."),
    ],
)
def test_refused_file_stores_nothing_and_says_why_next_to_the_field(app, client, logged_in, content, message):
    logged_in("admin")
    response = upload(client, content, source="Melderegister 2025")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_error(page, "file")
    # What was typed stays in the form.
    assert value_of(page, "source") == "Melderegister 2025"
    assert value_of(page, "reference_date") == "2025-12-31"
    assert rows_in_db(app) == (0, 0, 0)


def test_refused_typed_rows_show_the_error_at_the_rows_field(app, client, logged_in):
    logged_in("admin")
    response = upload(client, rows="Geschlecht;Anzahl\nweiblich;10\nweiblich;12\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Zeile 3: Die Zelle weiblich steht schon in Zeile 2." in field_error(page, "rows")
    assert "weiblich;12" in page  # the typed rows stay
    assert rows_in_db(app) == (0, 0, 0)


def test_a_50_mb_file_is_refused_before_it_is_read_with_the_form_kept(app, client, logged_in):
    logged_in("admin")
    header = b"Bezirk;Anzahl\n"
    big = header + b"Altstadt;1\n" * (50 * 1024 * 1024 // 11)
    assert len(big) > 50 * 1000 * 1000
    response = upload(client, big, source="Melderegister Gesamtstadt", day="2024-06-30")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "größer als 2 MB" in field_error(page, "file")
    assert value_of(page, "source") == "Melderegister Gesamtstadt"
    assert value_of(page, "reference_date") == "2024-06-30"
    assert rows_in_db(app) == (0, 0, 0)


def test_a_50_mb_body_without_a_valid_csrf_token_gets_the_csrf_answer(app, client, logged_in):
    logged_in("admin")
    big = b"Bezirk;Anzahl\n" + b"A;1\n" * (13 * 1024 * 1024)
    response = post_multipart(
        client,
        {
            "csrf_token": "falsch",
            "source": "x",
            "reference_date": "2024-06-30",
            "file": (io.BytesIO(big), "b.csv"),
        },
    )
    # The same answer as every other POST without a valid token.
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)
    assert rows_in_db(app) == (0, 0, 0)


def test_a_file_between_2_and_4_mb_is_refused_by_the_reader(app, client, logged_in):
    logged_in("admin")
    big = b"Bezirk;Anzahl\n" + b"Altstadt;1\n" * (2 * 1024 * 1024 // 11 + 1)
    response = upload(client, big)
    assert response.status_code in (400, 413)
    assert "größer als 2 MB" in field_error(response.get_data(as_text=True), "file")
    assert rows_in_db(app) == (0, 0, 0)


def test_good_upload_is_stored_exactly(app, client, logged_in):
    admin = logged_in("admin")
    response = upload(client, ("\ufeff" + GOOD).encode("utf-8"))
    assert response.status_code == 302
    expected = {}
    for row in csv.DictReader(io.StringIO(GOOD), delimiter=";"):
        if row["Bezirk"] != "Insgesamt":
            expected[(row["Bezirk"], row["Altersgruppe"], row["Geschlecht"])] = int(row["Anzahl"])
    with app.app_context():
        version = db.session.scalars(select(PopulationVersion)).one()
        stored = {(c.district, c.age_band, c.gender): c.count for c in version.cells}
        assert stored == expected
        assert version.total == sum(expected.values())
        assert version.source == "Statistikstelle Musterstadt"
        assert version.reference_date.isoformat() == "2025-12-31"
        assert version.dimension_list == ("district", "age_band", "gender")
        assert version.is_current and version.created_by_id == admin.id
        actions = db.session.scalars(
            select(AuditLogEntry.action)
            .where(AuditLogEntry.action.like("analytics.%"))
            .order_by(AuditLogEntry.id)
        ).all()
        assert actions == ["analytics.population_uploaded", "analytics.population_made_current"]
    assert response.headers["Location"].endswith(f"{BASE}{version.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Statistikstelle Musterstadt" in page and "6.425" in page


def test_typed_rows_with_commas_are_stored(app, client, logged_in):
    logged_in("admin")
    assert upload(client, rows="Geschlecht,Anzahl\nweiblich,10\nmännlich,12\n").status_code == 302
    with app.app_context():
        cells = {c.gender: c.count for c in db.session.scalars(select(PopulationCell))}
    assert cells == {"weiblich": 10, "männlich": 12}


def test_versions_and_the_current_marker(app, client, logged_in):
    logged_in("admin")
    upload(client, b"Bezirk;Anzahl\nAltstadt;100\n", source="Stand 2024", day="2024-12-31")
    upload(client, b"Bezirk;Anzahl\nAltstadt;120\n", source="Stand 2025", day="2025-12-31", current=False)
    with app.app_context():
        old, new = db.session.scalars(select(PopulationVersion).order_by(PopulationVersion.id)).all()
        # The first version became current on its own; the second was stored without taking over.
        assert (old.is_current, new.is_current) == (True, False)
        old_id, new_id = old.id, new.id
    index = client.get(BASE).get_data(as_text=True)
    assert index.index("Stand 2025") < index.index("Stand 2024")  # newest reference date first
    response = client.post(f"{BASE}{new_id}/aktuell", data={"csrf_token": csrf_token(client, BASE)})
    assert response.status_code == 302
    with app.app_context():
        current = db.session.scalars(select(PopulationVersion).where(PopulationVersion.is_current)).all()
        assert [v.id for v in current] == [new_id]
    # The older version stays readable, with its own figures.
    old_page = client.get(f"{BASE}{old_id}").get_data(as_text=True)
    assert "Stand 2024" in old_page
    assert "früherer Stand" in old_page
    assert ">100<" in old_page
    assert "Als aktuellen Stand verwenden" in old_page


ROLES = ["anonymous", "citizen", "moderator", "planner", "admin"]
READERS = {"planner", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, client, logged_in, role):
    if role != "anonymous":
        logged_in(role)
    with app.app_context():
        version = PopulationVersion(
            source="Q",
            reference_date=date(2025, 1, 1),
            dimensions="gender",
            total=3,
            is_current=False,
        )
        version.cells = [PopulationCell(gender="w", count=3)]
        db.session.add(version)
        db.session.commit()
        version_id = version.id
    for path in (BASE, f"{BASE}{version_id}", f"{BASE}muster.csv"):
        status = client.get(path).status_code
        if role in READERS:
            assert status == 200, path
        else:
            assert status in (302, 403) if role == "anonymous" else status == 403, (path, status)
    upload_status = client.get(UPLOAD).status_code
    assert upload_status == (200 if role == "admin" else 302 if role == "anonymous" else 403)
    # Without a token every role gets the app's CSRF answer, before its role is looked at.
    for path in (UPLOAD, f"{BASE}{version_id}/aktuell"):
        refused = client.post(path, data={"source": "x", "reference_date": "2025-01-01"})
        assert refused.status_code == 400 and "Ungültige Anfrage" in refused.get_data(as_text=True)
    token = csrf_token(client, "/")
    make_current = client.post(f"{BASE}{version_id}/aktuell", data={"csrf_token": token})
    posted = client.post(
        UPLOAD,
        data={
            "csrf_token": token,
            "source": "x",
            "reference_date": "2025-01-01",
            "rows": "Geschlecht;Anzahl\nw;1\n",
        },
        content_type="multipart/form-data",
    )
    if role == "admin":
        assert (make_current.status_code, posted.status_code) == (302, 302)
        assert rows_in_db(app)[0] == 2
    else:
        assert make_current.status_code in ((302,) if role == "anonymous" else (403,))
        assert posted.status_code in ((302,) if role == "anonymous" else (403,))
        assert rows_in_db(app) == (1, 1, 0)
        with app.app_context():
            assert not db.session.get(PopulationVersion, version_id).is_current


def test_sample_csv_is_accepted_by_the_upload(app, client, logged_in):
    logged_in("admin")
    sample = client.get(f"{BASE}muster.csv")
    assert sample.mimetype == "text/csv"
    assert upload(client, sample.data).status_code == 302
    assert rows_in_db(app)[1] == 6


def test_reads_write_nothing_and_pages_cost_constant_queries(app, client, logged_in):
    logged_in("admin")
    upload(client, GOOD.encode())
    with app.app_context():
        version_id = db.session.scalar(select(PopulationVersion.id))
        engine = db.engine
    paths = [BASE, f"{BASE}{version_id}", UPLOAD, f"{BASE}muster.csv"]
    counts = {}
    for path in paths:
        with count_queries(engine) as statements:
            assert client.get(path).status_code == 200
        writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        assert not writes, (path, writes)
        counts[path] = len(statements)
    # Ten more versions with more cells: the list and a version's page need no more queries.
    for number in range(10):
        extra = "".join(f"Bezirk {number}-{i};30–64;divers;{i}\n" for i in range(number * 5))
        more = GOOD.replace("Insgesamt;Insgesamt;Insgesamt;6425\n", "") + extra
        assert upload(client, more.encode(), current=False).status_code == 302
    with app.app_context():
        biggest = db.session.scalar(select(func.max(PopulationVersion.id)))
    for path, same_as in ((BASE, BASE), (f"{BASE}{biggest}", f"{BASE}{version_id}")):
        with count_queries(engine) as statements:
            assert client.get(path).status_code == 200
        assert len(statements) == counts[same_as], path
