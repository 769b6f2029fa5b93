"""Hostile input (control characters, 10 000 characters, bidi, zalgo, emoji) on every text field."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from participation.accounts.models import User
from participation.accounts.services import normalize_email
from participation.core.models import LegalPage
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects import services as projects
from participation.projects.models import Project
from participation.surveys.models import Survey
from participation.wiki.models import WikiRevision
from tests.conftest import ROLE_SETS, TEST_PASSWORD, get_user, login, post
from tests.test_routes import assert_no_traceback, db_snapshot

NEW_PASSWORD = "Stadtbibliothek-Morgen-42"


@pytest.fixture
def target(make_user):
    """An ordinary account for the admin's block route."""
    return make_user(name="Zielperson Mustermann")


@pytest.fixture
def project_slug(app, make_user) -> str:
    """An open project to comment on."""
    planner = make_user(ROLE_SETS["planner"])
    with app.test_request_context():
        data = {"title": "Marktplatz", "slug": "marktplatz", "summary": "Neue Bänke."}
        slug = projects.create_project(get_user(app, planner.id), data).slug
        db.session.commit()
        db.session.remove()
    return slug


# --- hostile input on every text field ----------------------------------------------------------

ODD_VALUES = {
    "nul": "Anna\x00Berg",
    "long": "A" * 10_000,
    "bidi": "Anna\u202eBerg",
    "noncharacter": "Anna\ufffeBerg",
    "ansi": "\x1b[31mAnna",
    "zero_width": "\u200b\u200b\u200b",
    "zalgo": "Z\u0351\u0352a\u0353l\u0354g\u0355o Test",
    "emoji": "Anna 👩\u200d👩\u200d👧 Berg",
    "rtl": "مرحبا بالعالم",
    "math": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 Name",
    "decomposed": "Jo\u0308rg Mu\u0308ller",
}
CONTROL_VALUES = {"nul", "bidi", "noncharacter", "ansi"}
# Real people's text: every form that stores text must store it (right-to-left text too, except
# where a wiki address must be formed from the title).
ORDINARY_UNICODE = {"zalgo", "emoji", "math", "decomposed"}
# Values a search field refuses (with a message); other odd text is simply searched for.
REFUSED_IN_SEARCH = CONTROL_VALUES | {"zero_width", "long"}
FORBIDDEN_IN_DB = ("\x00", "\x1b", "\u202e", "\ufffe")
CONTROL_ERROR = "Der Text enthält unzulässige Steuerzeichen."


def normalized(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _user(email: str):
    return db.session.scalar(select(User).where(User.email == email))


# form -> (role, method, path or None for the admin block route, base payload, injectable fields)
FORMS = {
    "register": ("anonymous", "POST", "/konto/registrieren",
                 {"email": "neu@example.org", "display_name": "Neue Person", "password": NEW_PASSWORD},
                 ("email", "display_name", "password")),
    "login": ("anonymous", "POST", "/konto/anmelden", {"email": "{email}", "password": TEST_PASSWORD},
              ("email", "password")),
    "reset_request": ("anonymous", "POST", "/konto/passwort-vergessen", {"email": "{email}"}, ("email",)),
    "profile": ("citizen", "POST", "/konto/",
                {"display_name": "Anna Berg", "locale": "de", "notify_by_email": "y"}, ("display_name",)),
    "password": ("citizen", "POST", "/konto/passwort",
                 {"current_password": TEST_PASSWORD, "password": NEW_PASSWORD},
                 ("current_password", "password")),
    "email": ("citizen", "POST", "/konto/e-mail",
              {"email": "neu@example.org", "current_password": TEST_PASSWORD},
              ("email", "current_password")),
    # The admin page uses the moderation desk's sanction form (duration, category, reason).
    "block": ("admin", "POST", None,
              {"block-days": "7", "block-reason_code": "spam", "block-text": "Wiederholte Beleidigungen",
               "confirmed": "1"},
              ("block-text",)),
    "legal": ("admin", "POST", "/admin/einstellungen/impressum", {"body": "# Impressum\n\nText"}, ("body",)),
    "user_search": ("admin", "GET", "/admin/benutzer", {"q": "anna"}, ("q",)),
    "audit_search": ("admin", "GET", "/admin/protokoll", {"action": "", "person": "anna"}, ("person",)),
    "project": ("planner", "POST", "/projekte/neu",
                {"title": "Radweg Bahnhofstraße", "slug": "radweg-bahnhofstrasse", "summary": "Ein Radweg.",
                 "description": "Mehr dazu.", "phase": "information", "discussion_open": "y"},
                ("title", "summary", "description")),
    "comment": ("citizen", "POST", "/projekte/{project}/kommentieren", {"body": "Guter Vorschlag."},
                ("body",)),
    "wiki": ("citizen", "POST", "/wiki/neu",
             {"title": "Stadtpark", "body": "Der Stadtpark ist groß.", "summary": "Neue Seite"},
             ("title", "body", "summary")),
    "survey": ("planner", "POST", "/umfragen/verwaltung/neu",
               {"title": "Marktplatz", "intro": "Willkommen.", "privacy_notice": "Anonym.",
                "access": "account", "anonymous": "y"},
               ("title", "intro")),
}  # fmt: skip
STORING_FORMS = {"register", "profile", "block", "legal", "project", "comment", "wiki", "survey"}
# Text fields where 10 000 characters are legitimate (everything else refuses them).
LONG_TEXT_FIELDS = {("legal", "body"), ("project", "description"), ("wiki", "body"), ("survey", "intro")}


def saved_completely(app, form: str, payload: dict, actor_id: int, target_id: int) -> bool:
    """After a change: is the submitted value stored whole (not cut, not half a transaction)?"""
    with app.app_context():
        actor, target_user = get_user(app, actor_id), get_user(app, target_id)
        if form == "register":
            user = _user(normalize_email(payload["email"]))
            return bool(
                user
                and user.display_name == normalized(payload["display_name"])
                and check_password_hash(user.password_hash, payload["password"])
            )
        if form == "profile":
            return actor.display_name == normalized(payload["display_name"])
        if form == "password":
            return check_password_hash(actor.password_hash, payload["password"])
        if form == "email":
            return actor.pending_email == normalize_email(payload["email"])
        if form == "block":
            reason = normalized(payload["block-text"])
            return target_user.blocked_at is not None and target_user.blocked_reason == reason
        if form == "legal":
            page = db.session.get(LegalPage, "impressum")
            return page is not None and page.body == payload["body"]
        row = {
            "project": lambda: db.session.scalar(select(Project).where(Project.slug == payload["slug"])),
            "comment": lambda: db.session.scalar(select(Comment).where(Comment.author_id == actor_id)),
            "wiki": lambda: db.session.scalar(select(WikiRevision).where(WikiRevision.author_id == actor_id)),
            "survey": lambda: db.session.scalar(select(Survey).where(Survey.created_by_id == actor_id)),
        }.get(form, lambda: None)()
        if row is not None:
            return all(getattr(row, name) == normalized(payload[name]) for name in FORMS[form][4])
        return False  # logins, reset requests and searches store nothing


def strings_in(snapshot: dict) -> list[str]:
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict | list | tuple):
            for item in value.values() if isinstance(value, dict) else value:
                walk(item)

    walk(snapshot)
    return found


class FieldErrors(HTMLParser):
    """Each form control's aria-describedby, and the text of every element with an id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.described_by: dict[str, list[str]] = {}
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str]] = []  # (tag, id) of the elements with an id we are inside

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        element_id = attributes.get("id")
        if tag in ("input", "textarea", "select", "fieldset") and element_id:
            self.described_by[element_id] = (attributes.get("aria-describedby") or "").split()
        if element_id and tag not in ("input",):
            self.texts.setdefault(element_id, "")
            self._open.append((tag, element_id))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data):
        for _tag, element_id in self._open:
            self.texts[element_id] += data


# WTForms' and email-validator's own (English) messages must never reach a German page.
ENGLISH = re.compile(
    r"\b(this field|field|must be|invalid|required|characters?|the email|not a valid)\b", re.I
)


def field_error_problem(body: str, field: str) -> str | None:
    """None when the field has a German error message tied to it by aria-describedby."""
    parser = FieldErrors()
    parser.feed(body)
    parser.close()
    if field not in parser.described_by:
        return f"no form field with id {field!r} on the page"
    error_ids = [ref for ref in parser.described_by[field] if ref.endswith("-error")]
    if not error_ids:
        return f"field {field!r} has no error in aria-describedby ({parser.described_by[field]})"
    text = " ".join(" ".join(parser.texts.get(ref, "").split()) for ref in error_ids).strip()
    if not text:
        return f"field {field!r}: the error element {error_ids} is missing or empty"
    if ENGLISH.search(text) or '<html lang="de">' not in body:
        return f"field {field!r}: error not in German: {text!r}"
    return None


BAD_INPUT_CASES = [
    (form, field, value_name)
    for form, (_role, _method, _path, _payload, fields) in FORMS.items()
    for field in fields
    for value_name in ODD_VALUES
]


@pytest.mark.parametrize(("form", "field", "value_name"), BAD_INPUT_CASES)
def test_hostile_input_never_crashes_and_never_half_saves(
    app, client, make_user, target, form, field, value_name, request
):
    role, method, path, base, _fields = FORMS[form]
    actor = make_user(ROLE_SETS.get(role, frozenset()))
    if role != "anonymous":
        login(client, actor)
    value = ODD_VALUES[value_name]
    payload = {key: text.replace("{email}", actor.email) for key, text in base.items()}
    payload[field] = value
    if "password" in payload and form in ("register", "password"):
        payload["password_confirm"] = payload["password"]
    path = path or f"/admin/benutzer/{target.id}/sperren"
    if "{project}" in path:
        path = path.replace("{project}", request.getfixturevalue("project_slug"))
    before = db_snapshot(app)

    if method == "GET":
        response = client.get(path, query_string=payload)
    else:
        token_page = "/konto/anmelden" if role == "anonymous" else "/konto/"
        response = post(client, path, payload, token_from=token_page)
    body = response.get_data(as_text=True)
    after = db_snapshot(app)

    assert response.status_code in (200, 302, 400, 422), body[:500]
    assert_no_traceback(body)
    stored = [text for text in strings_in(after) if any(char in text for char in FORBIDDEN_IN_DB)]
    assert stored == [], "control characters reached the database"
    is_password = field in ("password", "current_password")
    must_refuse = (
        form in ("login", "reset_request", "user_search", "audit_search")
        or field in ("email", "current_password")
        or (value_name in CONTROL_VALUES | {"zero_width"} and not is_password)
        or (value_name in ("nul", "ansi", "long") and is_password)
        or (value_name == "long" and (form, field) not in LONG_TEXT_FIELDS)
    )
    if must_refuse:
        assert after == before
        assert response.status_code in (200, 400, 422)
        if value_name in CONTROL_VALUES and not is_password:
            assert CONTROL_ERROR in body
        # Refused means told why, next to the field: a search for ordinary text is no refusal.
        searched = form in ("user_search", "audit_search") and value_name not in REFUSED_IN_SEARCH
        if not searched:
            assert field_error_problem(body, field) is None, field_error_problem(body, field)
    elif after != before or (value_name in ORDINARY_UNICODE and form in STORING_FORMS and not is_password):
        assert saved_completely(app, form, payload, actor.id, target.id)
