"""Rate-limit keys and the login throttle. Keys are keyed hashes: no IP address is kept anywhere."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from limits import parse

from participation.extensions import limiter


def _pseudonym(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return kind + ":" + hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """Identify the client for rate limits without storing its address (HMAC of the address)."""
    return _pseudonym("client", request.remote_addr or "unknown")


def user_key(user_id: int) -> str:
    """Identify a logged-in person for posting limits."""
    return _pseudonym("user", str(user_id))


def account_key(email: str) -> str:
    """Identify an account for the login throttle, whether or not it exists."""
    return _pseudonym("account", (email or "").strip().casefold())


def _login_limit():
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
