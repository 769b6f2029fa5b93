"""Verwaltung 2.0: citizen participation and e-surveys for German municipalities."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from participation.config import load_config
from participation.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent

# In import order (ARCHITECTURE.md): a domain may use those before it, never those after.
DOMAINS: tuple[str, ...] = ("notifications", "projects", "surveys", "discussions", "wiki", "moderation")


def create_app(config: dict | None = None) -> Flask:
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
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=1, x_host=1)

    _init_extensions(app)
    _register_blueprints(app)

    from participation.core.errors import init_errors
    from participation.core.security import init_security
    from participation.core.templating import init_templating

    init_errors(app)
    init_security(app)
    init_templating(app)

    from participation.core.cli import register_cli

    register_cli(app)
    _register_privacy_parts()
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return app


def _init_extensions(app: Flask) -> None:
    from participation.core.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    limiter.init_app(app)
    _init_login(app)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
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


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from participation.accounts.services import load_session_user

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
    login_manager.login_message_category = "info"
    # Our server-side sessions replace Flask-Login's IP/user-agent fingerprint (no IP is used).
    login_manager.session_protection = None
    login_manager.user_loader(load_session_user)


def _register_blueprints(app: Flask) -> None:
    from participation.accounts import profile_views  # noqa: F401  (adds routes to accounts.bp)
    from participation.accounts.views import bp as accounts_bp
    from participation.admin.views import bp as admin_bp
    from participation.core.views import bp as core_bp

    for blueprint in (core_bp, accounts_bp, admin_bp):
        app.register_blueprint(blueprint)
    # Content domains register their own blueprint, privacy parts, demo data and template helpers.
    for module in DOMAINS:
        importlib.import_module(f"participation.{module}").init_app(app)


def _register_privacy_parts() -> None:
    from participation.accounts.services import erase_account_row, export_account
    from participation.core.privacy import register_eraser, register_exporter

    register_exporter("account", export_account)
    # "zz" sorts last: other domains detach their rows before the account row is blanked.
    register_eraser("zz_account", erase_account_row)
