"""Checks over every route in app.url_map: role matrix, CSRF, headers, hosts, cookies, errors, bad input."""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash

from participation import create_app
from participation.accounts.models import User
from participation.accounts.services import normalize_email
from participation.config import ConfigurationError
from participation.core.legal_texts import LEGAL_PAGE_SLUGS
from participation.core.models import LegalPage
from participation.extensions import db
from participation.notifications.models import Notification
from tests.conftest import ROLE_SETS, TEST_PASSWORD, get_user, login, post

ROLES = ("anonymous", "citizen", "moderator", "planner", "admin")
BAD_TOKEN = "ungueltig.abc-123"
NEW_PASSWORD = "Stadtbibliothek-Morgen-42"
TRACEBACK_MARKERS = ("Traceback", 'File "')

# What a GET answers, per kind of endpoint and role.
PUBLIC, GUEST, ACCOUNT, ADMIN, TOKEN, POST_ONLY = "public", "guest", "account", "admin", "token", "post-only"
EXPECTED_KIND = {
    "core.home": PUBLIC,
    "core.legal_page": PUBLIC,
    "core.switch_language": POST_ONLY,
    "accounts.register": GUEST,
    "accounts.verify_email": TOKEN,
    "accounts.resend_verification": POST_ONLY,
    "accounts.login": GUEST,
    "accounts.logout": POST_ONLY,
    "accounts.forgot_password": PUBLIC,
    "accounts.reset_password": TOKEN,
    "accounts.profile": ACCOUNT,
    "accounts.change_password": ACCOUNT,
    "accounts.change_email": ACCOUNT,
    "accounts.confirm_email_change": TOKEN,
    "accounts.my_data": ACCOUNT,
    "accounts.download_data": ACCOUNT,
    "accounts.delete_account": ACCOUNT,
    "admin.index": ADMIN,
    "admin.users": ADMIN,
    "admin.user_detail": ADMIN,
    "admin.change_roles": POST_ONLY,
    "admin.block_user": POST_ONLY,
    "admin.unblock_user": POST_ONLY,
    "admin.audit_log": ADMIN,
    "admin.settings": ADMIN,
    "admin.edit_legal_page": ADMIN,
    "notifications.index": ACCOUNT,
    "notifications.mark_read": POST_ONLY,
    "notifications.mark_all_read": POST_ONLY,
}


# --- routes from the URL map --------------------------------------------------------------------


def rules(app, method: str | None = None):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and (method is None or method in rule.methods)
    ]


def paths_for(app, rule, values: dict[str, list]) -> list[str]:
    """Every URL of a rule, filled with the given real values."""
    unknown = set(rule.arguments) - set(values)
    assert not unknown, f"{rule.rule}: add test values for URL parameters {unknown}"
    names = sorted(rule.arguments)
    with app.test_request_context():
        return [
            url_for(rule.endpoint, **dict(zip(names, combo, strict=True)))
            for combo in itertools.product(*(values[name] for name in names))
        ]


def all_paths(app, values: dict[str, list], method: str | None = "GET") -> list[tuple[str, str]]:
    return [(rule.endpoint, path) for rule in rules(app, method) for path in paths_for(app, rule, values)]


@pytest.fixture
def target(make_user):
    """An ordinary account for the <int:user_id> routes."""
    return make_user(name="Zielperson Mustermann")


@pytest.fixture
def url_values(app, target) -> dict[str, list]:
    """Real objects for every URL parameter: the target, its notification, each legal slug, a bad token."""
    with app.app_context():
        notification = Notification(user_id=target.id, kind="test", params={}, url="/")
        db.session.add(notification)
        db.session.commit()
        notification_id = notification.id
        db.session.remove()
    return {
        "user_id": [target.id],
        "notification_id": [notification_id],
        "slug": list(LEGAL_PAGE_SLUGS),
        "token": [BAD_TOKEN],
    }


@pytest.fixture
def as_role(client, make_user):
    def factory(role: str):
        if role != "anonymous":
            login(client, make_user(ROLE_SETS[role]))
        return client

    return factory


def db_snapshot(app) -> dict[str, list]:
    """Every row of every table, to prove a request changed nothing."""
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as connection:
            return {
                table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
                for table in db.metadata.sorted_tables
            }


# --- role matrix ---------------------------------------------------------------------------------


def test_expectation_table_covers_every_endpoint(app):
    assert set(EXPECTED_KIND) == {rule.endpoint for rule in rules(app)}


def is_login_redirect(response, path: str) -> bool:
    location = urlsplit(response.headers.get("Location", ""))
    return (
        response.status_code == 302
        and location.path == "/konto/anmelden"
        and parse_qs(location.query).get("next") == [path]
    )


def mismatch(kind: str, role: str, path: str, response) -> str | None:
    """None when the answer is right for this kind of endpoint and role, else what was wrong."""
    status, body = response.status_code, response.get_data(as_text=True)
    anonymous = role == "anonymous"
    if kind == PUBLIC:
        ok = status == 200
    elif kind == GUEST:
        ok = status == 200 if anonymous else (status == 302 and response.headers["Location"] == "/")
    elif kind == ACCOUNT:
        ok = is_login_redirect(response, path) if anonymous else status == 200
    elif kind == ADMIN:
        if anonymous:
            ok = is_login_redirect(response, path)
        elif role == "admin":
            ok = status == 200
        else:
            ok = status == 403 and "Kein Zugriff" in body
    elif kind == TOKEN:
        ok = status == 400 and "ungültig" in body
    elif kind == POST_ONLY:
        ok = status == 405 and "Aktion nicht erlaubt" in body
    else:
        return f"unknown kind {kind}"
    return None if ok else f"{role} GET {path}: {status} {response.headers.get('Location', '')}"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_every_get(app, as_role, url_values, role):
    client = as_role(role)
    problems = []
    for endpoint, path in all_paths(app, url_values, method=None):
        problem = mismatch(EXPECTED_KIND.get(endpoint, "missing"), role, path, client.get(path))
        if problem:
            problems.append(problem)
    assert problems == []


# --- CSRF ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_every_post_without_csrf_token_is_refused_and_changes_nothing(
    app, as_role, target, url_values, mailbox, role
):
    client = as_role(role)
    payload = {
        "language": "en", "next": "/", "email": target.email, "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD, "current_password": TEST_PASSWORD, "display_name": "Geändert",
        "locale": "en", "confirm": "y", "remember": "y", "roles": "admin", "reason": "Ohne Token",
        "body": "Neu",
    }  # fmt: skip
    before = db_snapshot(app)
    posts = all_paths(app, url_values, method="POST")
    assert {endpoint for endpoint, _path in posts} >= {"core.switch_language", "accounts.logout"}
    for _endpoint, path in posts:
        response = client.post(path, data=payload)
        assert response.status_code == 400, path
        assert "Ungültige Anfrage" in response.get_data(as_text=True), path
    assert db_snapshot(app) == before
    assert mailbox.messages == []
    # The language did not switch; the admin is still logged in, the anonymous client still is not.
    assert '<html lang="de">' in client.get("/").get_data(as_text=True)
    profile = client.get("/konto/")
    assert profile.status_code == (200 if role == "admin" else 302)


# --- security headers -----------------------------------------------------------------------------


def assert_security_headers(response, what: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("default-src") == ["'self'"], what
    assert directives.get("frame-ancestors") == ["'none'"], what
    assert directives.get("form-action") == ["'self'"], what
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    assert response.headers.get("Referrer-Policy") == "same-origin", what


@pytest.mark.parametrize("role", ["anonymous", "citizen", "admin"])
def test_security_headers_on_every_get_response(app, as_role, url_values, role):
    client = as_role(role)
    statuses = set()
    for _endpoint, path in [*all_paths(app, url_values, method=None), ("-", "/gibt-es-nicht")]:
        response = client.get(path)
        statuses.add(response.status_code)
        assert_security_headers(response, f"{role} {path} {response.status_code}")
    assert {200, 400, 404, 405, {"anonymous": 302, "citizen": 403, "admin": 200}[role]} <= statuses


def test_security_headers_on_static_files(app, client):
    static = Path(app.static_folder)
    files = [p for p in static.rglob("*") if p.is_file()]
    assert files
    for file in files:
        response = client.get("/static/" + file.relative_to(static).as_posix())
        assert response.status_code == 200
        assert_security_headers(response, str(file))
        response.close()


# --- no other hosts, nothing CSP would block -----------------------------------------------------

URL_ATTRIBUTES = {
    "src", "href", "action", "srcset", "poster", "data", "formaction", "cite", "background", "ping",
}  # fmt: skip


class PageScanner(HTMLParser):
    """Collects URL-bearing attribute values and everything a strict CSP would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.stylesheets: list[str] = []
        self.problems: list[str] = []
        self._raw_tag: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler attribute")
            elif name == "style":
                self.problems.append(f"<{tag} style=...> inline style")
            elif name in URL_ATTRIBUTES and value is not None:
                if name == "srcset":
                    self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
                else:
                    self.urls.append(value)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.stylesheets.append(attributes.get("href") or "")
        if tag in ("script", "style"):
            self._raw_tag = tag

    def handle_endtag(self, tag):
        if tag == self._raw_tag:
            self._raw_tag = None

    def handle_data(self, data):
        if self._raw_tag and data.strip():
            self.problems.append(f"inline <{self._raw_tag}> content: {data.strip()[:60]!r}")


def is_same_host(url: str) -> bool:
    parts = urlsplit(url.strip())
    if not parts.scheme and not parts.netloc:
        return True
    return parts.scheme in ("http", "https") and parts.hostname == "localhost"


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_pages_load_nothing_from_other_hosts_and_nothing_inline(app, as_role, url_values, role):
    client = as_role(role)
    stylesheets, pages = set(), 0
    for _endpoint, path in [*all_paths(app, url_values, method=None), ("-", "/gibt-es-nicht")]:
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        pages += 1
        scanner = PageScanner()
        scanner.feed(response.get_data(as_text=True))
        scanner.close()
        assert scanner.problems == [], path
        assert [url for url in scanner.urls if not is_same_host(url)] == [], path
        stylesheets.update(scanner.stylesheets)
    assert pages > 10 and stylesheets
    for href in stylesheets:
        response = client.get(href)
        css = response.get_data(as_text=True)
        response.close()
        for marker in ("url(", "@import"):
            for chunk in css.split(marker)[1:]:
                reference = chunk.split(")")[0].split(";")[0].strip(" '\"")
                assert is_same_host(reference) or reference.startswith("data:"), (href, reference)


# --- cookies and production settings ---------------------------------------------------------------


def cookie_header(response, name: str) -> str:
    found = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(name + "=")]
    assert found, response.headers.getlist("Set-Cookie")
    return found[-1]


def cookie_flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_session_and_remember_cookies_are_httponly_and_samesite_lax(client, make_user):
    flags = cookie_flags(cookie_header(client.get("/konto/anmelden"), "session"))
    assert {"httponly", "samesite=lax"} <= flags
    assert "secure" not in flags  # development over plain http still works
    response = login(client, make_user(), remember=True)
    assert {"httponly", "samesite=lax"} <= cookie_flags(cookie_header(response, "session"))
    assert {"httponly", "samesite=lax"} <= cookie_flags(cookie_header(response, "remember_token"))


@pytest.fixture
def restore_root_logging():
    """create_app() configures logging outside tests; keep pytest's handlers in place."""
    root = logging.getLogger()
    saved = (root.level, root.handlers[:])
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]


def test_production_settings_mark_cookies_secure(monkeypatch, tmp_path, restore_root_logging):
    monkeypatch.setenv("PARTICIPATION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    monkeypatch.delenv("SERVER_NAME", raising=False)
    production = create_app()
    response = production.test_client().get("/", base_url="https://localhost")
    assert response.status_code == 200
    assert {"secure", "httponly", "samesite=lax"} <= cookie_flags(cookie_header(response, "session"))
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert production.config["REMEMBER_COOKIE_SECURE"] is True


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("PARTICIPATION_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    with pytest.raises(ConfigurationError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.sqlite"})


# --- German error pages -------------------------------------------------------------------------


def _too_many_requests(client):
    for _ in range(10):
        response = post(
            client, "/konto/passwort-vergessen", {"email": "kein-konto"}, token_from="/konto/anmelden"
        )
        if response.status_code == 429:
            return response
    return response


ERROR_CASES = {
    404: ("Seite nicht gefunden", lambda c: c.get("/gibt-es-nicht")),
    405: ("Aktion nicht erlaubt", lambda c: c.get("/konto/abmelden")),
    400: ("Ungültige Anfrage", lambda c: c.post("/konto/anmelden", data={"email": "a@example.org"})),
    403: ("Kein Zugriff", lambda c: c.get("/admin/")),
    413: ("Eingabe zu groß", lambda c: c.post("/sprache", data={"language": "x" * (5 * 1024 * 1024)})),
    429: ("Zu viele Versuche", _too_many_requests),
}


def assert_no_traceback(body: str) -> None:
    for marker in TRACEBACK_MARKERS:
        assert marker not in body


@pytest.mark.parametrize("code", sorted(ERROR_CASES))
def test_error_pages_are_german_without_traceback(client, logged_in, code):
    title, make_request = ERROR_CASES[code]
    if code == 403:
        logged_in("citizen")
    response = make_request(client)
    body = response.get_data(as_text=True)
    assert response.status_code == code
    assert f"<h1>{title}</h1>" in body
    assert '<html lang="de">' in body
    assert_no_traceback(body)


@pytest.fixture
def crashing_app(tmp_path, restore_root_logging):
    """A non-testing app (so the real 500 handler runs) with one route that fails."""
    application = create_app(
        {
            "TESTING": False,
            "PROPAGATE_EXCEPTIONS": False,
            "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/crash.sqlite",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": None,
        }
    )

    def explode():
        raise RuntimeError("geheimes Detail /srv/app/secret.py")

    application.add_url_rule("/kaputt", "explode", explode)
    yield application
    with application.app_context():
        db.engine.dispose()


def test_unexpected_error_shows_german_500_page(crashing_app, caplog):
    response = crashing_app.test_client().get("/kaputt")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "<h1>Interner Fehler</h1>" in body
    assert "geheimes Detail" not in body and "RuntimeError" not in body
    assert_no_traceback(body)
    assert_security_headers(response, "500")
    assert "geheimes Detail" in caplog.text  # the operator still gets the details in the log


def test_unexpected_error_page_follows_accept_language_english(crashing_app):
    response = crashing_app.test_client().get("/kaputt", headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<html lang="en">' in body
    assert "Interner Fehler" not in body, "no English catalog: the 500 page stays German"
    assert re.search(r"<h1>[^<]*\berror\b[^<]*</h1>", body, re.IGNORECASE), body
    assert_no_traceback(body)


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
    "block": ("admin", "POST", None, {"reason": "Wiederholte Beleidigungen"}, ("reason",)),
    "legal": ("admin", "POST", "/admin/einstellungen/impressum", {"body": "# Impressum\n\nText"}, ("body",)),
    "user_search": ("admin", "GET", "/admin/benutzer", {"q": "anna"}, ("q",)),
    "audit_search": ("admin", "GET", "/admin/protokoll", {"action": "user", "actor": "anna"},
                     ("action", "actor")),
}  # fmt: skip


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
            reason = normalized(payload["reason"])
            return target_user.blocked_at is not None and target_user.blocked_reason == reason
        if form == "legal":
            page = db.session.get(LegalPage, "impressum")
            return page is not None and page.body == payload["body"]
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


BAD_INPUT_CASES = [
    (form, field, value_name)
    for form, (_role, _method, _path, _payload, fields) in FORMS.items()
    for field in fields
    for value_name in ODD_VALUES
]


@pytest.mark.parametrize(("form", "field", "value_name"), BAD_INPUT_CASES)
def test_hostile_input_never_crashes_and_never_half_saves(
    app, client, make_user, target, form, field, value_name
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
    before = db_snapshot(app)

    if method == "GET":
        response = client.get(path, query_string=payload)
    else:
        token_page = "/konto/anmelden" if role == "anonymous" else "/konto/"
        response = post(client, path, payload, token_from=token_page)
    body = response.get_data(as_text=True)
    after = db_snapshot(app)

    assert response.status_code in (200, 302, 400), body[:500]
    assert_no_traceback(body)
    stored = [text for text in strings_in(after) if any(char in text for char in FORBIDDEN_IN_DB)]
    assert stored == [], "control characters reached the database"
    is_password = field in ("password", "current_password")
    must_refuse = (
        form in ("login", "reset_request", "user_search", "audit_search")
        or field in ("email", "current_password")
        or (value_name in CONTROL_VALUES | {"zero_width"} and not is_password)
        or (value_name in ("nul", "ansi", "long") and is_password)
        or (value_name == "long" and form != "legal")
    )
    if must_refuse:
        assert after == before
        assert response.status_code in (200, 400)
        if value_name in CONTROL_VALUES and not is_password:
            assert CONTROL_ERROR in body
    elif after != before:
        assert saved_completely(app, form, payload, actor.id, target.id)
