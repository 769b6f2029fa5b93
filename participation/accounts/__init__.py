"""Accounts: users and roles, registration, login, profile, data export and deletion."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from participation.accounts import (
    activity,
    cli,
    demo,
    policy,
    profile_views,  # noqa: F401  (adds its routes to bp)
    services,
)
from participation.accounts.models import ROLE_LABELS
from participation.accounts.views import bp
from participation.core.demo import register_demo_users
from participation.core.privacy import register_eraser, register_exporter
from participation.core.templating import register_template_policies
from participation.extensions import login_manager


def init_app(app: Flask) -> None:
    """Register the blueprint, login, CLI, template helpers, demo accounts and privacy parts."""
    app.register_blueprint(bp)
    _init_login(app)
    cli.register_cli(app)
    app.jinja_env.globals["role_labels"] = ROLE_LABELS
    register_template_policies(policy.TEMPLATE_POLICIES)
    register_demo_users(demo.demo_users)
    register_exporter("account", services.export_account)
    # "zz" sorts last: other domains detach their rows before the account row is blanked.
    register_eraser("zz_account", services.erase_account_row)


def _init_login(app: Flask) -> None:
    """Flask-Login on our server-side sessions."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
    login_manager.login_message_category = "info"
    # Our server-side sessions replace Flask-Login's IP/user-agent fingerprint (no IP is used).
    login_manager.session_protection = None
    login_manager.user_loader(activity.load_user)
