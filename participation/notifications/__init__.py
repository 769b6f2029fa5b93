"""In-app notifications (and their e-mails) that every domain can send."""

from __future__ import annotations

from flask import Flask

from participation.core.privacy import register_eraser, register_exporter
from participation.notifications import services
from participation.notifications.views import bp


def init_app(app: Flask) -> None:
    """Register the blueprint, the header counter and the privacy parts."""
    app.register_blueprint(bp)
    app.context_processor(services.header_context)
    register_exporter("notifications", services.export_notifications)
    register_eraser("notifications", services.erase_notifications)
