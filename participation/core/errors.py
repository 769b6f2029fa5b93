"""German (and English) error pages without stack traces; a 503 page that needs no database."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

# Importing health also puts /healthz on core's blueprint (before create_app registers it).
from participation.core.health import RETRY_AFTER_SECONDS
from participation.core.i18n import current_locale
from participation.extensions import db, login_manager

log = logging.getLogger(__name__)

# The database does not answer: refused or dropped connections (OperationalError, InterfaceError),
# a connection found dead (DisconnectionError) or no free connection in the pool (TimeoutError).
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
)

ERROR_TEXTS = {
    400: (
        _l("Ungültige Anfrage"),
        _l("Die Anfrage konnte nicht verarbeitet werden. Bitte prüfen Sie Ihre Eingaben."),
    ),
    403: (_l("Kein Zugriff"), _l("Sie haben keine Berechtigung für diese Seite oder Aktion.")),
    404: (
        _l("Seite nicht gefunden"),
        _l("Diese Seite gibt es nicht (mehr). Vielleicht hilft die Startseite weiter."),
    ),
    405: (_l("Aktion nicht erlaubt"), _l("Diese Aktion ist auf diesem Weg nicht möglich.")),
    413: (_l("Eingabe zu groß"), _l("Die gesendeten Daten sind zu groß.")),
    429: (
        _l("Zu viele Versuche"),
        _l("Sie haben diese Aktion zu oft in kurzer Zeit ausgeführt. Bitte warten Sie einige Minuten."),
    ),
    500: (
        _l("Interner Fehler"),
        _l("Leider ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal."),
    ),
}


def render_error(code: int, message: str | None = None) -> ResponseReturnValue:
    """The error page for a status code, with an optional more specific message."""
    title, default_message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    try:
        page = render_template(
            "errors/error.html", code=code, title=title, message=message or default_message
        )
    except OUTAGE_ERRORS as error:
        # The page's header loads the visitor and the navigation: a 404 during an outage is a 503.
        return render_unavailable(error)
    return page, code


def _first_line(error: Exception) -> str:
    """What the driver said, in one line (the log gets no traceback for a known outage)."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}"


def render_unavailable(error: Exception) -> Response:
    """The 503 page for a database outage, rendered without touching the database."""
    log.warning(
        "Datenbank nicht erreichbar, Antwort 503 (%s %s): %s",
        request.method,
        request.path,
        _first_line(error),
    )
    # Flask-Login caches the visitor in g; an anonymous one keeps every later look at current_user
    # (the language choice, after-request hooks) from trying the database again.
    login_manager._update_request_context_with_user()
    # Rendered by the template itself, not render_template(): the context processors (navigation,
    # unread notifications) query the database. The language comes from the session's language
    # switch or Accept-Language (the visitor is anonymous now), never from the profile.
    template = current_app.jinja_env.get_template("errors/unavailable.html")
    html = template.render(
        site_name=current_app.config["SITE_NAME"],
        current_language=current_locale(),
        retry_url=request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else None,
    )
    response = Response(html, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _handle_http(error: HTTPException) -> ResponseReturnValue:
    if error.code is None or error.code < 400:
        return error
    if error.response is not None:
        # abort(response) (e.g. the login redirect) carries its own answer.
        return error.response
    return render_error(error.code)


def _handle_csrf(error: CSRFError) -> ResponseReturnValue:
    return render_error(
        400,
        _l(
            "Das Formular ist abgelaufen oder unvollständig. "
            "Bitte laden Sie die Seite neu und senden Sie es erneut."
        ),
    )


def _handle_unexpected(error: Exception) -> ResponseReturnValue:
    # An outage that surfaced while another error page was rendered arrives wrapped in a 500.
    original = getattr(error, "original_exception", None) or error
    if isinstance(original, OUTAGE_ERRORS):
        return render_unavailable(original)
    log.exception("Unerwarteter Fehler")
    db.session.rollback()
    return render_error(500)


def init_errors(app: Flask) -> None:
    """Register the handlers for every HTTP error and for unexpected exceptions."""
    app.register_error_handler(CSRFError, _handle_csrf)
    for outage in OUTAGE_ERRORS:
        app.register_error_handler(outage, render_unavailable)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(InternalServerError, lambda e: _handle_unexpected(e))
    if not app.testing:
        app.register_error_handler(Exception, _handle_unexpected)
