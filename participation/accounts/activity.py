"""The sliding idle timeout of a login, kept in the signed session cookie.

The server-side session row says whether a login exists at all (logout, password change and
blocks delete it, so a copied cookie dies with it). How long ago the person was last active
travels in Flask's signed session cookie instead of the row: reading a page must never write to
the database, and a cookie cannot be edited without the secret key. A copied cookie carries its
own last-active time, so it goes idle like the original.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import session

from participation.accounts import services
from participation.accounts.models import User
from participation.core.types import utcnow

ACTIVE_KEY = "active_at"
# The cookie is rewritten at most every five minutes: fewer Set-Cookie headers, same precision.
REFRESH_SECONDS = 300


def mark_active(previous: datetime | None = None) -> None:
    """Note in the session cookie that the person is active now (unless noted in the last minutes)."""
    now = utcnow()
    if previous is None or (now - previous).total_seconds() > REFRESH_SECONDS:
        session[ACTIVE_KEY] = int(now.timestamp())


def load_user(token: str) -> User | None:
    """Flask-Login's loader: the session's user, unless the login ended or sat idle too long."""
    raw = session.get(ACTIVE_KEY)
    last_active = datetime.fromtimestamp(raw, UTC) if isinstance(raw, int) else None
    user = services.load_session_user(token, last_active)
    if user is not None:
        mark_active(last_active)
    return user
