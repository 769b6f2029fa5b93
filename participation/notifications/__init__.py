"""In-app notifications (and their e-mails) that every domain can send."""


def init_app(app) -> None:
    """Register the blueprint, the header counter and the privacy parts."""
    from participation.core.privacy import register_eraser, register_exporter
    from participation.notifications import services
    from participation.notifications.views import bp

    app.register_blueprint(bp)
    app.context_processor(services.header_context)
    register_exporter("notifications", services.export_notifications)
    register_eraser("notifications", services.erase_notifications)
