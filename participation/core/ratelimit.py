"""Rate-limit keys. Keys are keyed hashes: no IP address is kept anywhere.

The limiter (extensions.py) keys requests by client_key(); domains key their own limits by
these functions (the login throttle by account, posting limits by person).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request


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
