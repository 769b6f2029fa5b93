"""The login throttle: failed logins counted per client and per account, under keyed hashes."""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItem, parse

from participation.core.ratelimit import account_key, client_key
from participation.extensions import limiter


def _login_limit() -> RateLimitItem:
    return parse(current_app.config["LOGIN_FAILURE_LIMIT"])


def login_throttled(email: str) -> bool:
    """True when this client or this account had too many failed logins recently."""
    item = _login_limit()
    return not (
        limiter.limiter.test(item, "login-failure", client_key())
        and limiter.limiter.test(item, "login-failure", account_key(email))
    )


def record_login_failure(email: str) -> None:
    """Count one failed login against both the client and the account."""
    item = _login_limit()
    limiter.limiter.hit(item, "login-failure", client_key())
    limiter.limiter.hit(item, "login-failure", account_key(email))
