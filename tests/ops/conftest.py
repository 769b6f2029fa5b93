"""An app whose database can be taken away and given back: PostgreSQL behind a relay, or a SQLite file."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, make_url, text

from participation import create_app
from participation.accounts.services import create_user
from participation.extensions import db, limiter
from tests.conftest import TEST_PASSWORD, UserInfo
from tests.ops.relay import TcpRelay


@dataclass
class Outage:
    """The app, a person with an account, and the switch that takes its database away."""

    app: Flask
    person: UserInfo
    down: Callable[[], None]
    up: Callable[[], None]
    connect_attempts: list[int]


@pytest.fixture
def keep_limiter() -> Iterator[None]:
    """Another app re-initialises the shared Flask-Limiter (its storage): give the suite's back."""
    # init_app() replaces attributes of the limiter and of its limit manager (default limits).
    saved = dict(limiter.__dict__)
    saved_limits = dict(limiter.limit_manager.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)
    limiter.limit_manager.__dict__.clear()
    limiter.limit_manager.__dict__.update(saved_limits)


def outage_app(tmp_path: Path, extra: dict | None = None) -> Iterator[Outage]:
    """Build an app on a database of its own; down() makes every connection attempt fail."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    schema = None
    if server_url:
        # The real failure: connections to the server refused, open ones reset (the server died).
        url = make_url(server_url)
        relay = TcpRelay((url.host or "127.0.0.1", url.port or 5432))
        relay.start()
        schema = f"ops_{os.getpid()}_{secrets.token_hex(3)}"
        admin = create_engine(server_url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        database = {
            "SQLALCHEMY_DATABASE_URI": url.set(host="127.0.0.1", port=relay.port),
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
        }
        down, up = relay.stop, relay.start
    else:
        # SQLite: the folder of the file goes away, so opening it fails ("unable to open database file").
        folder = tmp_path / "db"
        folder.mkdir()
        database = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/ops.sqlite"}

        def down() -> None:
            with application.app_context():
                db.engine.dispose()  # an open SQLite file would stay readable
            folder.rename(tmp_path / "away")

        def up() -> None:
            (tmp_path / "away").rename(folder)

    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-" + secrets.token_hex(16),
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "MAIL_SERVER": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": None,
            **database,
            **(extra or {}),
        }
    )
    attempts: list[int] = []
    with application.app_context():
        db.create_all()
        user = create_user("ausfall@example.org", "Olga Offline", TEST_PASSWORD, set(), verified=True)
        db.session.commit()
        person = UserInfo(id=user.id, email=user.email, password=TEST_PASSWORD, name=user.display_name)
        db.session.remove()
        engine = db.engine
    # Every attempt to open a database connection (the 503 page must not make one of its own).
    event.listen(engine, "do_connect", lambda *args: attempts.append(1))
    state = {"down": False}

    def take_down() -> None:
        down()
        state["down"] = True

    def bring_up() -> None:
        up()
        state["down"] = False

    try:
        yield Outage(application, person, take_down, bring_up, attempts)
    finally:
        if state["down"]:
            bring_up()
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        if server_url:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
            relay.stop()
        else:
            shutil.rmtree(tmp_path / "db", ignore_errors=True)


@pytest.fixture
def outage(tmp_path, keep_limiter) -> Iterator[Outage]:
    yield from outage_app(tmp_path)


# --- nginx: loud skip when Debian's nginx is missing ------------------------------------------------

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_MISSING = (
    "nginx fehlt: kein nginx-Programm gefunden – die Proxy-Tests (tests/ops/test_nginx.py) übersprungen. "
    "Aktivieren mit: sudo apt-get install nginx (CI: make test installiert es als root)"
)
_NGINX_SKIPPED = pytest.StashKey[bool]()


def nginx_missing() -> bool:
    return not os.access(NGINX, os.X_OK)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the nginx tests (loudly) only when the nginx binary is missing."""
    if not nginx_missing():
        return
    for item in items:
        if Path(item.path).name == "test_nginx.py":
            item.add_marker(pytest.mark.skip(reason=NGINX_MISSING))
            config.stash[_NGINX_SKIPPED] = True


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if config.stash.get(_NGINX_SKIPPED, False):
        terminalreporter.section("nginx-Tests", sep="!", red=True, bold=True)
        terminalreporter.write_line(NGINX_MISSING, red=True, bold=True)
