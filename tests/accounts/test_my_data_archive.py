""" "Meine Daten" as a ZIP: the JSON (keys unchanged and documented) plus a readable German HTML page."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from participation.accounts.data_export import FIELDS, VALUES
from participation.accounts.models import Role, User
from participation.core.demo import seed_demo
from participation.core.types import utcnow
from participation.discussions import services as discussions
from participation.discussions.models import Comment, CommentStatus, ReportReason
from participation.extensions import db
from participation.moderation.appeals import APPEAL_OUTCOME_KIND, file_appeal
from participation.moderation.models import AppealStatus, Decision
from participation.notifications.services import notify
from participation.projects.models import Project
from participation.surveys.models import Channel, Draft
from participation.wiki.models import RevisionState
from tests.conftest import ROLE_SETS, TEST_PASSWORD, UserInfo, count_queries, login
from tests.surveys.results_factories import answer, results_survey

ARCHIVE = "/konto/daten/meine-daten.zip"
BERLIN = ZoneInfo("Europe/Berlin")
MARKER = "Einspruch-4711 <mit> & Zeichen"


def _paths(value, path: str = "") -> set[str]:
    """Every key path of a JSON value, list positions left out ("discussions.comments.status")."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else key
            found |= {inner} | _paths(item, inner)
    elif isinstance(value, list):
        for item in value:
            found |= _paths(item, path)
    return found


def _leaves(value, path: str = ""):
    """(path, value) of every single value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, path)
    else:
        yield path, value


def _unzip(response) -> tuple[dict, str, zipfile.ZipFile]:
    assert response.status_code == 200 and response.mimetype == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(bundle.read("meine-daten.json").decode("utf-8"))
    return data, bundle.read("meine-daten.html").decode("utf-8"), bundle


@pytest.fixture
def rich_user(app, make_user) -> UserInfo:
    """The demo citizen (comments, votes, reports, wiki) plus a decision, an appeal, a notification,
    an edited comment, a non-anonymous response, an anonymous participation and a survey draft."""
    planner = make_user(ROLE_SETS["planner"])
    with app.app_context():
        seed_demo()
        db.session.commit()
        person = db.session.scalar(select(User).where(User.email == "buerger@musterstadt.example"))
        person.locale = "de"
        moderator = db.session.scalar(select(User).where(User.email == "moderation@musterstadt.example"))
        decision = Decision(
            subject_id=person.id, moderator_id=moderator.id, action="hide", reason_code="spam",
            reason_text="Werbung für ein Kreditangebot", ends_at=utcnow() + timedelta(days=7),
        )  # fmt: skip
        db.session.add(decision)
        db.session.flush()
        file_appeal(person, decision, MARKER)
        notify(person, APPEAL_OUTCOME_KIND, {"outcome": "offen", "answer": "Wir prüfen."}, "/", email=False)
        comment = db.session.scalar(
            select(Comment).where(Comment.author_id == person.id).order_by(Comment.id)
        )
        project = db.session.get(Project, comment.project_id)
        discussions.edit_comment(person, project, comment, "Neue Fassung meines Kommentars 2026")
        person_id = person.id
        db.session.commit()
    named = results_survey(app, planner.id, anonymous=False)
    answer(app, named, user_id=person_id, mode="Rad", note="Meine Notiz zum Radweg")
    hidden = results_survey(app, planner.id, anonymous=True)
    answer(app, hidden, user_id=person_id, mode="Auto", note="Geheime Antwort 5150")
    with app.app_context():
        db.session.add(Draft(survey_id=hidden.id, user_id=person_id, data={}, page=0))
        db.session.commit()
    return UserInfo(person_id, "buerger@musterstadt.example", "Marktplatz-2026-Demo", "Anna Beispiel")


def test_archive_holds_the_json_and_a_readable_page(app, client, rich_user):
    login(client, rich_user)
    response = client.get(ARCHIVE)
    data, page, bundle = _unzip(response)
    assert sorted(bundle.namelist()) == ["meine-daten.html", "meine-daten.json"]
    assert re.fullmatch(
        r"attachment; filename=\"meine-daten-\d{4}-\d{2}-\d{2}\.zip\"; "
        r"filename\*=UTF-8''meine-daten-\d{4}-\d{2}-\d{2}\.zip",
        response.headers["Content-Disposition"],
    )
    # The JSON in the ZIP is the JSON download (same keys, same values), only made a moment apart.
    alone = json.loads(client.get("/konto/daten/meine-daten.json").get_data(as_text=True))
    assert {k: v for k, v in data.items() if k != "generated_at"} == {
        k: v for k, v in alone.items() if k != "generated_at"
    }
    assert page.startswith("<!doctype html>") and '<html lang="de">' in page
    for heading in (
        "Meine Daten", "Ihr Konto", "Diskussionen", "Moderation: Entscheidungen und Einsprüche",
        "Benachrichtigungen", "Umfragen", "Wiki: Ihre Textvorschläge", "Aufbau der JSON-Datei",
    ):  # fmt: skip
        assert f">{heading}</h" in page, heading
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_every_exporter_shows_up_in_the_page_in_local_time(app, client, rich_user):
    login(client, rich_user)
    data, page, _bundle = _unzip(client.get(ARCHIVE))
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.replace("<wbr>", "")))
    sections = {k for k in data if k != "generated_at"}
    assert sections == {"account", "discussions", "moderation", "notifications", "surveys", "wiki"}
    for section in sections:  # every exporter contributed something for this person
        assert any(value not in (None, "", [], {}) for _p, value in _leaves(data[section])), section
    checked = 0
    for path, value in _leaves(data):
        if value is None or isinstance(value, bool):
            continue
        if path.endswith("_at"):
            local = datetime.fromisoformat(value).astimezone(BERLIN)
            expected = local.strftime("%d.%m.%Y, %H:%M Uhr")
        elif path.endswith("_on"):
            expected = date.fromisoformat(value).strftime("%d.%m.%Y")
        elif path in VALUES and value in VALUES[path]:
            expected = str(VALUES[path][value])
        else:
            expected = str(value)
        for line in expected.splitlines():
            assert line in text, (path, line)
        checked += 1
    assert checked > 60
    assert MARKER in text and "&lt;mit&gt; &amp;" in page  # user text stays text
    assert "Geheime Antwort 5150" not in page  # an anonymous answer is not linked to the person
    # The times are Berlin times, not UTC: the account's creation shown with its offset applied.
    created = datetime.fromisoformat(data["account"]["created_at"])
    offset = created.astimezone(BERLIN).utcoffset()
    assert offset in (timedelta(hours=1), timedelta(hours=2))
    shown = re.search(r"Konto angelegt am</dt><dd><span class=\"value\">([^<]*)</span>", page)
    assert shown and shown.group(1) == f"{created.astimezone(BERLIN):%d.%m.%Y, %H:%M} Uhr"
    assert shown.group(1) != f"{created:%d.%m.%Y, %H:%M} Uhr"  # not the UTC time


def test_every_json_key_is_documented_and_listed(app, client, rich_user):
    login(client, rich_user)
    data, page, _bundle = _unzip(client.get(ARCHIVE))
    used = _paths(data)
    assert used <= set(FIELDS), sorted(used - set(FIELDS))
    # Nothing documented that the export does not have: the rich person's export uses every key.
    assert set(FIELDS) == used, sorted(set(FIELDS) - used)
    table = page.split('id="aufbau"')[1].replace("<wbr>", "")
    for key, meaning in FIELDS.items():
        assert f"<code>{key}</code></td><td>{html.escape(str(meaning))}</td>" in table, key


def test_codes_have_labels_for_every_known_value():
    for path, enum in (
        ("discussions.comments.status", CommentStatus),
        ("discussions.reports.reason", ReportReason),
        ("moderation.appeals.status", AppealStatus),
        ("surveys.responses.channel", Channel),
        ("wiki.state", RevisionState),
        ("account.roles", Role),
    ):
        assert set(VALUES[path]) == {member.value for member in enum}, path


def test_no_other_persons_data(app, client, make_user, rich_user):
    stranger = make_user(name="Fremde Frieda")
    with app.app_context():
        other = db.session.get(User, stranger.id)
        project = db.session.scalar(select(Project).order_by(Project.id))
        discussions.post_comment(other, project, "Kommentar von jemand anderem 8642")
        db.session.commit()
    login(client, rich_user)
    data, page, bundle = _unzip(client.get(ARCHIVE))
    for name in bundle.namelist():
        content = bundle.read(name).decode("utf-8")
        assert "Fremde Frieda" not in content and stranger.email not in content
        assert "8642" not in content
    assert data["account"]["email"] == rich_user.email


def test_page_offers_the_zip_and_the_json(client, logged_in):
    logged_in()
    page = client.get("/konto/daten").get_data(as_text=True)
    assert 'href="/konto/daten/meine-daten.zip"' in page and 'href="/konto/daten/meine-daten.json"' in page
    assert "meine-daten.html" in page


def test_archive_needs_login_and_changes_nothing(app, client, make_user):
    response = client.get(ARCHIVE)
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    user = make_user()
    login(client, user)
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        data, page, _bundle = _unzip(client.get(ARCHIVE))
    assert data["account"]["email"] == user.email and TEST_PASSWORD not in page
    writes = [s for s in statements if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
