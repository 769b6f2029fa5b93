"""Shared fixtures: one app per run on SQLite or PostgreSQL, a real SMTP server, users, login."""

from __future__ import annotations

import os
import re
import secrets
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, event, text

from participation import create_app
from participation.accounts.models import Role, User
from participation.accounts.services import create_user
from participation.extensions import db, limiter

TEST_PASSWORD = "Lindenpark-Brunnen-7"


# --- a real SMTP server on loopback -------------------------------------------------------------


@dataclass
class Mailbox:
    """Messages received by the test SMTP server."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler protocol
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["To"]]

    def last_to(self, address: str) -> Message:
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in self.messages]}"
        return found[-1]

    @staticmethod
    def body(message: Message) -> str:
        return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")

    def link_in_last(self, address: str) -> str:
        """The first http(s) link in the newest mail to the address, as a path for the test client."""
        body = self.body(self.last_to(address))
        match = re.search(r"https?://[^\s/]+(/\S+)", body)
        assert match, body
        return match.group(1)


def free_port() -> int:
    """A currently unused TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    box, _port = smtp_server
    box.clear()
    return box


# --- database -----------------------------------------------------------------------------------


def _database_config(tmp_dir: str) -> tuple[dict, str | None]:
    """SQLite in a temporary file, or a fresh schema of its own on the PostgreSQL server."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_dir}/test.sqlite"}, None
    schema = f"test_{os.getpid()}_{secrets.token_hex(3)}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
    }, schema


def is_postgres() -> bool:
    return bool(os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"))


@pytest.fixture(scope="session")
def app(smtp_server):
    _mailbox, port = smtp_server
    tmp_dir = tempfile.mkdtemp(prefix="participation-test-")
    database, schema = _database_config(tmp_dir)
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-" + secrets.token_hex(16),
            # Same algorithm as production, lower cost: the suite hashes hundreds of passwords.
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_SENDER": "beteiligung@musterstadt.example",
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": None,
            **database,
        }
    )
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        if schema:
            with db.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Every test starts with empty tables and fresh rate limits (committing tests included)."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        limiter.reset()
        # Their keys name the emptied rows.
        application.extensions.pop("project_page_cache", None)
        application.extensions.pop("survey_structure_cache", None)


@pytest.fixture
def rendered_project_pages(app):
    """Anonymous project pages rendered each time (tests that count what rendering costs)."""
    seconds = app.config["PROJECT_PAGE_CACHE_SECONDS"]
    app.config["PROJECT_PAGE_CACHE_SECONDS"] = 0
    yield
    app.config["PROJECT_PAGE_CACHE_SECONDS"] = seconds


@pytest.fixture
def cli(app):
    """Run a `flask ...` command of the test app: cli("user", "create", ...)."""
    runner = app.test_cli_runner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(args=list(args), input=input)

    return invoke


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


# --- users and login ----------------------------------------------------------------------------


@pytest.fixture
def make_user(app):
    """Create a committed user; returns its id and e-mail (objects would detach between requests)."""
    counter = iter(range(1, 10_000))

    def factory(
        roles: set[Role] | frozenset[Role] = frozenset(),
        *,
        verified: bool = True,
        email: str | None = None,
        name: str | None = None,
        password: str = TEST_PASSWORD,
        locale: str | None = None,
    ) -> UserInfo:
        number = next(counter)
        email = email or f"person{number}-{secrets.token_hex(2)}@example.org"
        with app.app_context():
            user = create_user(email, name or f"Person {number}", password, set(roles), verified=verified)
            user.locale = locale
            db.session.commit()
            info = UserInfo(id=user.id, email=user.email, password=password, name=user.display_name)
            db.session.remove()
        return info

    return factory


@dataclass(frozen=True)
class UserInfo:
    id: int
    email: str
    password: str
    name: str


ROLE_SETS = {
    "citizen": frozenset(),
    "moderator": frozenset({Role.MODERATOR}),
    "planner": frozenset({Role.PLANNER}),
    "admin": frozenset({Role.ADMIN}),
}


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/") -> str:
    """The CSRF token from a page's forms (every page has the language switch form)."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no csrf token on {path}"
    return match.group(1) or match.group(2)


def post(client, path: str, data: dict | None = None, *, token_from: str = "/", **kwargs):
    """POST like a browser: with the CSRF token from a page of this session."""
    payload = {"csrf_token": csrf_token(client, token_from), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def login(client, user: UserInfo, *, remember: bool = False):
    """Log the user in through the real login form."""
    data = {"email": user.email, "password": user.password}
    if remember:
        data["remember"] = "y"
    response = post(client, "/konto/anmelden", data, token_from="/konto/anmelden")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


@pytest.fixture
def logged_in(client, make_user):
    """Factory: a test client logged in as a new user with the given role name."""

    def factory(role: str = "citizen", **kwargs):
        user = make_user(ROLE_SETS[role], **kwargs)
        login(client, user)
        return user

    return factory


def get_user(app, user_id: int) -> User:
    """Load a user fresh from the database (call inside app_ctx)."""
    db.session.expire_all()
    return db.session.get(User, user_id)


# --- SQL query counting -------------------------------------------------------------------------


@contextmanager
def count_queries(engine) -> Iterator[list[str]]:
    """Collect every SQL statement sent while the block runs."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
