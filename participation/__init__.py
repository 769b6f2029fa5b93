"""Verwaltung 2.0: citizen participation and e-surveys for German municipalities."""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from participation import (
    accounts,
    admin,
    analytics,
    api,
    discussions,
    feeds,
    moderation,
    notifications,
    projects,
    surveys,
    wiki,
)
from participation.config import load_config
from participation.core.cli import register_cli
from participation.core.errors import init_errors
from participation.core.i18n import select_locale
from participation.core.pool import ping_idle_connections
from participation.core.security import init_security
from participation.core.templating import init_templating
from participation.core.views import bp as core_bp
from participation.extensions import babel, csrf, db, limiter, migrate
from participation.navigation import init_navigation

ROOT = Path(__file__).resolve().parent.parent

# In layer order (the import contract in pyproject.toml): a domain may use those before it, never
# those after. Each registers its own blueprint, CLI, privacy parts, demo data and template helpers.
DOMAINS: tuple[ModuleType, ...] = (
    accounts,
    notifications,
    projects,
    surveys,
    discussions,
    wiki,
    moderation,
    analytics,
    admin,
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, error pages, CLI, template globals."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    if app.config["TRUSTED_PROXIES"]:
        # Flask documents wrapping wsgi_app as the way to add middleware; its stubs type it as a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=1, x_host=1
        )

    _init_extensions(app)
    app.register_blueprint(core_bp)
    for domain in DOMAINS:
        domain.init_app(app)
    api.init_app(app)  # the app shell's public API: after every domain it reads
    # The feeds and open data read every content domain: wired after them, like the app shell.
    feeds.init_app(app)
    init_errors(app)
    init_security(app)
    init_templating(app)
    init_navigation(app)
    register_cli(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        ping_idle_connections(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    limiter.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    # SQLite ignores foreign keys unless asked on every connection; PostgreSQL always checks them.
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        # SQLite's lower() only knows A-Z; searches for "Öztürk" must behave as on PostgreSQL.
        dbapi_connection.create_function(
            "lower", 1, lambda value: value.lower() if isinstance(value, str) else value, deterministic=True
        )
