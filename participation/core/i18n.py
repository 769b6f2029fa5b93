"""Language choice (profile, then switch, then browser) and German-style formatting."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The user's saved language, else the language switch, else Accept-Language, else the default."""
    default: str = current_app.config["DEFAULT_LOCALE"]
    if not has_request_context():
        # CLI commands and mails built outside a request: the site's language.
        return default
    supported: tuple[str, ...] = current_app.config["SUPPORTED_LOCALES"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        saved: str = current_user.locale
        return saved
    chosen = session.get("language")
    if isinstance(chosen, str) and chosen in supported:
        return chosen
    # The default locale wins ties: a German site stays German for "de, en" and for "*".
    return request.accept_languages.best_match(supported, default=default) or default


def current_locale() -> str:
    """The language of the current request as a short code."""
    locale = get_locale()
    language: str = locale.language if locale else current_app.config["DEFAULT_LOCALE"]
    return language


def register_filters(app: Flask) -> None:
    """Jinja filters for dates and numbers in the reader's language (German: 27.11.2026, 2,5)."""
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": (
        format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["decimal"] = lambda value, fmt=None: format_decimal(value, fmt)
    app.jinja_env.filters["percent"] = lambda value, fmt="#,##0.0 %": format_percent(value, fmt)
