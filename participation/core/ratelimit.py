"""Rate-limit keys. Keys are keyed hashes: no IP address is kept anywhere.

The limiter keys requests by client_key() (defined with it in extensions.py, which imports
nothing of the app); domains key their own limits by these functions (the login throttle by
account, posting limits by person).
"""

from __future__ import annotations

from participation.extensions import client_key, pseudonym

__all__ = ["account_key", "client_key", "user_key"]


def user_key(user_id: int) -> str:
    """Identify a logged-in person for posting limits."""
    return pseudonym("user", str(user_id))


def account_key(email: str) -> str:
    """Identify an account for the login throttle, whether or not it exists."""
    return pseudonym("account", (email or "").strip().casefold())
