"""Language choice (profile, then switch, then browser) and German-style formatting."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import support
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_login import current_user
from wtforms.i18n import messages_path

# One style per language, four-digit years everywhere ("06.11.2026, 04:00 Uhr" / "6 Nov 2026, 04:00").
# Babel's "short" styles have two-digit years and no "Uhr", hence explicit CLDR patterns.
DATETIME_PATTERNS: dict[str, str] = {"de": "dd.MM.yyyy, HH:mm 'Uhr'", "en": "d MMM yyyy, HH:mm"}
DATE_PATTERNS: dict[str, str] = {"de": "dd.MM.yyyy", "en": "d MMM yyyy"}
MONTH_PATTERNS: dict[str, str] = {"de": "MMMM yyyy", "en": "MMMM yyyy"}


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


def _pattern(patterns: dict[str, str]) -> str:
    """The pattern for the reader's language (German for a language without its own)."""
    return patterns.get(current_locale(), patterns["de"])


def datetime_pattern() -> str:
    """The CLDR pattern of a date with time in the reader's language."""
    return _pattern(DATETIME_PATTERNS)


def format_when(value: datetime | None) -> str:
    """A moment in Berlin time: "06.11.2026, 04:00 Uhr" (German), "6 Nov 2026, 04:00" (English)."""
    return format_datetime(value, datetime_pattern()) if value else ""


def format_day(value: date | datetime | None) -> str:
    """A calendar day: "06.11.2026" (German), "6 Nov 2026" (English)."""
    return format_date(value, _pattern(DATE_PATTERNS)) if value else ""


def format_month(value: date | datetime | None) -> str:
    """A calendar month: "Dezember 2026" (German), "December 2026" (English)."""
    return format_date(value, _pattern(MONTH_PATTERNS)) if value else ""


def format_number(value: float | Decimal, digits: int = 1) -> str:
    """A decimal with a fixed number of digits and the reader's decimal mark: "3,0" (German)."""
    text: str = format_decimal(value, "#,##0." + "0" * digits if digits else "#,##0")
    return text


def register_filters(app: Flask) -> None:
    """Jinja filters for dates and numbers in the reader's language (German: 27.11.2026, 2,5)."""
    app.jinja_env.filters["datetime"] = format_when
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.filters["decimal"] = lambda value, fmt=None: format_decimal(value, fmt)
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["percent"] = lambda value, fmt="#,##0.0 %": format_percent(value, fmt)


@lru_cache(maxsize=8)
def _form_catalogue(locale: str) -> support.NullTranslations:
    """WTForms' own messages ("Not a valid integer") in one language, read from disk once per process."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _FormMessages:
    """What Flask-WTF asks for WTForms' messages, answered from the catalogue kept per language."""

    @staticmethod
    def _catalogue() -> support.NullTranslations:
        return _form_catalogue(str(get_locale() or current_app.config["DEFAULT_LOCALE"]))

    def ugettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)


_FORM_MESSAGES = _FormMessages()


def share_form_catalogues(app: Flask) -> None:
    """Flask-WTF reads and parses WTForms' catalogue for every request that builds a form; keep it instead.

    Flask-WTF looks for the request's catalogue in request.wtforms_translations before loading one.
    """

    @app.before_request
    def _form_messages() -> None:
        request.wtforms_translations = _FORM_MESSAGES  # type: ignore[attr-defined]
