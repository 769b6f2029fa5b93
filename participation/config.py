"""Settings from the environment; SQLite in instance/ by default."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any


class ConfigurationError(RuntimeError):
    """Raised when a required setting is missing."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def _development_secret(instance_path: Path) -> str:
    """Generate a secret key once and keep it in instance/ so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    try:
        # Readable by the owner only from the first byte on; O_EXCL: of two starting processes one wins.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key


def _port(value: str | None, default: int) -> int:
    if value is None or not value.strip():
        return default
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise ConfigurationError(f"MAIL_PORT muss eine Portnummer (1–65535) sein, nicht {value!r}.")
    return port


def _seconds(value: str | None, default: float) -> float:
    if value is None or not value.strip():
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise ConfigurationError(
            f"DATABASE_PING_AFTER_IDLE_SECONDS muss eine Zahl ≥ 0 sein, nicht {value!r}."
        )
    return seconds


def load_config(instance_path: str, environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config from environment variables (documented in README.md)."""
    env = os.environ if environ is None else environ
    instance = Path(instance_path)
    # The default SQLite file (and the development key) live here; SQLite cannot create the folder.
    instance.mkdir(parents=True, exist_ok=True)
    mode = env.get("PARTICIPATION_ENV", "development").strip().lower()
    production = mode == "production"

    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigurationError("SECRET_KEY muss gesetzt sein, wenn PARTICIPATION_ENV=production ist.")
        secret_key = _development_secret(instance)

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'participation.sqlite'}"
    mail_port = _port(env.get("MAIL_PORT"), 25)

    return {
        "ENV_NAME": mode,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        # A pooled connection idle this long is pinged before use (core/pool.py); 0: before every use.
        "DATABASE_PING_AFTER_IDLE_SECONDS": _seconds(env.get("DATABASE_PING_AFTER_IDLE_SECONDS"), 5.0),
        "SITE_NAME": env.get("SITE_NAME") or "Musterstadt",
        "DEFAULT_LOCALE": env.get("DEFAULT_LOCALE") or "de",
        "BABEL_DEFAULT_LOCALE": env.get("DEFAULT_LOCALE") or "de",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "SUPPORTED_LOCALES": ("de", "en"),
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": mail_port,
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_SENDER": env.get("MAIL_SENDER") or "beteiligung@localhost.localdomain",
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        # Number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES") or 0),
        "LOGIN_FAILURE_LIMIT": "5 per 15 minutes",
        # Public survey results hide every group smaller than this (no one can be singled out).
        "SURVEY_RESULTS_MIN_CELL": int(env.get("SURVEY_RESULTS_MIN_CELL") or 5),
        # Anonymous visitors' copy of a project page lives until the page changes, at most this long
        # (for what no row records: renamed authors, surveys opening by the clock); 0 switches it off.
        "PROJECT_PAGE_CACHE_SECONDS": int(env.get("PROJECT_PAGE_CACHE_SECONDS") or 30),
        "PROJECT_PAGE_CACHE_ENTRIES": int(env.get("PROJECT_PAGE_CACHE_ENTRIES") or 200),
        "SURVEY_OPEN_LIMIT": env.get("SURVEY_OPEN_LIMIT") or "20 per hour",
        "SESSION_COOKIE_NAME": "session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        # An unremembered login ends after this long without activity (measured in the signed
        # session cookie) and at the latest after SESSION_MAX_LIFETIME (the server-side row).
        "SESSION_IDLE_LIFETIME": timedelta(hours=12),
        "SESSION_MAX_LIFETIME": timedelta(hours=24),
        "VERIFY_TOKEN_MAX_AGE": int(timedelta(days=3).total_seconds()),
        "RESET_TOKEN_MAX_AGE": int(timedelta(hours=2).total_seconds()),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "SERVER_NAME": env.get("SERVER_NAME") or None,
    }


def _engine_options(database_url: str) -> dict[str, Any]:
    """Pool settings: give up on an unreachable PostgreSQL after 5 s (stale connections: core/pool.py).

    Without a connect timeout a database host that swallows packets holds every request (and the
    /healthz probe) until gunicorn kills the worker after 30 s; with it, visitors get the 503 page.
    """
    options: dict[str, Any] = {}
    if database_url.startswith(("postgresql", "postgres")):
        options["connect_args"] = {"connect_timeout": 5}
    return options
