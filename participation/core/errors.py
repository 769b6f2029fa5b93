"""German (and English) error pages without stack traces."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from participation.extensions import db

log = logging.getLogger(__name__)

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


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    """The error page for a status code, with an optional more specific message."""
    title, default_message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=message or default_message
    ), code


def _handle_http(error: HTTPException) -> ResponseReturnValue:
    if error.code is None or error.code < 400:
        return error
    if error.response is not None:
        # abort(response) (e.g. the login redirect) carries its own answer.
        return error.response
    return render_error(error.code)


def _handle_csrf(error: CSRFError) -> tuple[str, int]:
    return render_error(
        400,
        _l(
            "Das Formular ist abgelaufen oder unvollständig. "
            "Bitte laden Sie die Seite neu und senden Sie es erneut."
        ),
    )


def _handle_unexpected(error: Exception) -> tuple[str, int]:
    log.exception("Unerwarteter Fehler")
    db.session.rollback()
    return render_error(500)


def init_errors(app: Flask) -> None:
    """Register the handlers for every HTTP error and for unexpected exceptions."""
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(InternalServerError, lambda e: _handle_unexpected(e))
    if not app.testing:
        app.register_error_handler(Exception, _handle_unexpected)
