"""Language choice (profile, then switch, then browser) and German-style formatting."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The user's saved language, else the language switch, else Accept-Language, else the default."""
    if not has_request_context():
        # CLI commands and mails built outside a request: the site's language.
        return current_app.config["DEFAULT_LOCALE"]
    supported = current_app.config["SUPPORTED_LOCALES"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    chosen = session.get("language")
    if chosen in supported:
        return chosen
    default = current_app.config["DEFAULT_LOCALE"]
    # The default locale wins ties: a German site stays German for "de, en" and for "*".
    return request.accept_languages.best_match(supported, default=default)


def current_locale() -> str:
    """The language of the current request as a short code."""
    locale = get_locale()
    return locale.language if locale else current_app.config["DEFAULT_LOCALE"]


def register_filters(app) -> None:
    """Jinja filters for dates and numbers in the reader's language (German: 27.11.2026, 2,5)."""
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": (
        format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["decimal"] = lambda value, fmt=None: format_decimal(value, fmt)
    app.jinja_env.filters["percent"] = lambda value, fmt="#,##0.0 %": format_percent(value, fmt)
