"""The admin area: accounts and roles, blocking, the audit log, legal page texts."""

from __future__ import annotations

from flask import Flask

from participation.admin.views import bp


def init_app(app: Flask) -> None:
    """Register the admin blueprint."""
    app.register_blueprint(bp)
