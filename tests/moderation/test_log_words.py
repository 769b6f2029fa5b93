"""The log in words: every action code the code can write has a German and an English sentence; CSV columns.

The codes are found in the source (every call of audit.record / record), so a new action without a
text fails here, not in front of a moderator.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from participation.accounts.models import User
from participation.core import audit
from participation.core.audit_texts import ACTION_NAMES, AUDIT_TEXTS
from participation.core.models import AuditLogEntry
from participation.discussions.models import Comment
from participation.extensions import db
from participation.moderation.audit_log import DETAIL_HEADERS, DETAILS_IN_COLUMNS
from participation.moderation.models import Action, AppealStatus
from participation.projects.models import Project
from tests.conftest import count_queries, get_user, post
from tests.moderation.conftest import client_for

SOURCE = Path(__file__).resolve().parents[2] / "participation"
# The f-strings that build codes from an enum, with the values they can take. An f-string not listed
# here fails the test: add its values (and their texts) when you write one.
F_STRING_CODES = {
    "f'moderation.{action.value}'": {f"moderation.{a.value}" for a in Action},
    # An appeal is recorded when it is decided: upheld or overturned, never "open".
    "f'moderation.appeal_{status.value}'": {
        f"moderation.appeal_{s.value}" for s in AppealStatus if s is not AppealStatus.OPEN
    },
}


def _is_record_call(node: ast.Call) -> bool:
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "record") or (
        isinstance(func, ast.Attribute)
        and func.attr == "record"
        and isinstance(func.value, ast.Name)
        and func.value.id == "audit"
    )


def _codes_of(argument: ast.expr, where: str) -> set[str]:
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return {argument.value}
    if isinstance(argument, ast.IfExp):
        return _codes_of(argument.body, where) | _codes_of(argument.orelse, where)
    if isinstance(argument, ast.JoinedStr):
        source = ast.unparse(argument)
        assert source in F_STRING_CODES, f"{where}: unknown code pattern {source}; list it in F_STRING_CODES"
        return F_STRING_CODES[source]
    raise AssertionError(
        f"{where}: the action code must be written out, not computed ({ast.unparse(argument)})"
    )


def written_codes() -> dict[str, str]:
    """Every action code an audit.record call in participation/ can write, with where it is written."""
    codes: dict[str, str] = {}
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_record_call(node)):
                continue
            where = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
            argument = (
                node.args[1]
                if len(node.args) > 1
                else next((k.value for k in node.keywords if k.arg == "action"), None)
            )
            if argument is None:
                continue  # not audit.record (e.g. a method of another object)
            for code in _codes_of(argument, where):
                codes.setdefault(code, where)
    return codes


def written_detail_keys() -> set[str]:
    """The detail names audit.record calls pass by keyword (reason and label have their own columns)."""
    keys: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _is_record_call(node):
                keys |= {k.arg for k in node.keywords if k.arg and k.arg not in ("reason", "label")}
    return keys


def test_every_detail_written_by_name_has_a_german_csv_header():
    keys = written_detail_keys()
    assert {"decision_id", "revision_id", "format"} <= keys  # the scan works
    missing = keys - set(DETAIL_HEADERS) - DETAILS_IN_COLUMNS
    assert not missing, f"add German CSV headers for {sorted(missing)} in moderation/audit_log.py"


def test_the_scan_finds_the_known_writers():
    codes = written_codes()
    # A scan that finds nothing proves nothing: these are written in four different domains.
    assert {
        "moderation.hide",
        "wiki.reinstate",
        "surveys.exported",
        "user.blocked",
        "moderation.appeal_upheld",
    } <= set(codes)
    assert len(codes) > 40


@pytest.mark.parametrize("code", sorted(written_codes()))
def test_every_written_code_has_a_sentence_and_a_name_in_german_and_english(app, code):
    assert code in AUDIT_TEXTS, (
        f"{code} (written at {written_codes()[code]}) has no sentence in core/audit_texts.py"
    )
    assert code in ACTION_NAMES, f"{code} has no short name in core/audit_texts.py"
    values = {
        "actor": "A",
        "target": "B",
        "label": "L",
        "old_label": "O",
        "format": "F",
        "count": 3,
        "question": "Q",
    }
    with app.test_request_context():
        with force_locale("de"):
            german = str(AUDIT_TEXTS[code]) % values
            german_name = str(ACTION_NAMES[code])
        with force_locale("en"):
            english = str(AUDIT_TEXTS[code]) % values
            english_name = str(ACTION_NAMES[code])
    assert german.startswith("A ") and " hat " in german or german.startswith("A wollte"), german
    assert english != german and english_name != german_name, (english, english_name)
    assert code not in german and code not in english


def _write(app, actor_id, code, target=None, **details):
    with app.test_request_context():
        actor = get_user(app, actor_id) if actor_id else None
        if isinstance(target, tuple):
            target = db.session.get(*target)
        audit.record(actor, code, target, **details)
        db.session.commit()


def _log_lines(html: str) -> list[str]:
    body = html.split('<ol class="audit-lines">', 1)[1].split("</ol>", 1)[0]
    return [re.sub(r"\s+", " ", line) for line in body.split('<li class="audit-line">')[1:]]


def test_a_decision_reads_as_a_sentence_with_links_to_the_item_and_the_person(
    app, people, project, add_comment
):
    comment_id = add_comment(project, people["author"].id)
    _write(
        app,
        people["mod"].id,
        "moderation.hide",
        (Comment, comment_id),
        reason="Bitte sachlich bleiben.",
        reason_code="beleidigung",
        item_id=1,
        decision_id=1,
    )
    html = client_for(app, people["mod2"]).get("/moderation/protokoll").get_data(as_text=True)
    [line] = [line for line in _log_lines(html) if "Kommentar" in line]
    with app.app_context():
        title = db.session.get(Project, project.id).title
    author_link = f'<a href="/moderation/konto/{people["author"].id}">Autorin</a>'
    assert f"hat den Kommentar von {author_link} zu „<a href=" in line
    assert (
        f"#kommentar-{comment_id}" in line
        and f">{title}</a>“ ausgeblendet – Beleidigung oder Hassrede, Regel 2" in line
    )
    assert f'<a href="/moderation/konto/{people["mod"].id}">Moderator Eins</a> hat' in line
    assert "Bitte sachlich bleiben." in line
    assert "moderation.hide" not in line

    with app.app_context():
        db.session.get(User, people["mod2"].id).locale = "en"
        db.session.commit()
    html = client_for(app, people["mod2"]).get("/moderation/protokoll").get_data(as_text=True)
    [line] = [line for line in _log_lines(html) if "comment" in line]
    assert f"hid the comment by {author_link} on" in line


@pytest.mark.parametrize("code", sorted(written_codes()))
def test_every_code_renders_on_the_admin_log_without_codes_or_placeholders(app, client, logged_in, code):
    logged_in("admin")
    _write(app, None, code, None, label="Etwas")
    query = {"action": code, "actor": "plattform"}
    lines = _log_lines(client.get("/admin/protokoll", query_string=query).get_data(as_text=True))
    # The accounts the fixtures create are recorded as "user.created" by the platform too.
    [line] = [line for line in lines if "Etwas" in line] if code == "user.created" else lines
    assert "Die Plattform" in line
    assert code not in line and "%(" not in line and "%s" not in line, line


def test_csv_has_german_headers_and_one_column_per_field(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id)
    _write(
        app,
        people["mod"].id,
        "moderation.hide",
        (Comment, comment_id),
        reason="Grund",
        reason_code="spam",
        item_id=7,
        decision_id=8,
    )
    response = post(client_for(app, people["mod"]), "/moderation/protokoll.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    for name in (
        "Nummer",
        "Zeitpunkt (UTC)",
        "Person",
        "Aktion",
        "Beschreibung",
        "Betrifft",
        "Kategorie",
        "Regel",
        "Begründung",
    ):
        assert name in header
    assert "Eintrag in der Warteschlange" in header and "Entscheidung Nr." in header
    assert "details" not in header
    [row] = [
        dict(zip(header, row, strict=True))
        for row in rows[1:]
        if row[header.index("Aktionscode")] == "moderation.hide"
    ]
    assert row["Aktion"] == "Inhalt ausgeblendet"
    assert row["Kategorie"] == "Werbung oder Spam" and row["Regel"].startswith("Regel 6")
    assert row["Eintrag in der Warteschlange"] == "7" and row["Entscheidung Nr."] == "8"
    assert row["Beschreibung"].startswith("Moderator Eins hat den Kommentar von Autorin zu „")
    assert not any("{" in cell for line in rows for cell in line)


def test_the_log_filters_are_selects_and_a_name_search(app, people):
    html = client_for(app, people["mod"]).get("/moderation/protokoll").get_data(as_text=True)
    assert '<select id="action" name="action">' in html
    assert '<select id="actor" name="actor">' in html and ">Moderatorin Zwei</option>" in html
    assert '<select id="period" name="period">' in html
    assert re.search(r'<input id="person"[^>]*name="person" type="text"', html)


def test_person_search_finds_decisions_about_a_persons_comment(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id)
    _write(
        app, people["mod"].id, "moderation.hide", (Comment, comment_id), reason="Grund", reason_code="spam"
    )
    _write(app, people["mod"].id, "moderation.mute", (User, people["r1"].id))
    client = client_for(app, people["mod2"])
    html = client.get("/moderation/protokoll", query_string={"person": "autorin"}).get_data(as_text=True)
    lines = _log_lines(html)
    assert len(lines) == 1 and "ausgeblendet" in lines[0]


def test_log_query_count_does_not_grow_with_entries(app, people, project, add_comment):
    client = client_for(app, people["mod2"])
    with app.app_context():
        engine = db.engine

    def add(n):
        for _ in range(n):
            comment_id = add_comment(project, people["author"].id)
            _write(app, people["mod"].id, "moderation.hide", (Comment, comment_id), reason_code="spam")

    add(2)
    client.get("/moderation/protokoll")
    with count_queries(engine) as few:
        client.get("/moderation/protokoll")
    add(12)
    with count_queries(engine) as many:
        client.get("/moderation/protokoll")
    assert len(few) == len(many)
    with app.app_context():
        assert db.session.query(AuditLogEntry).count() >= 14
