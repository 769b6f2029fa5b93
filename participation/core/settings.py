"""Site settings admins change at run time (key/value), and the one question core asks every domain.

Domains read settings by key with a default, so a fresh database works without any rows.
"How many public contributions has this account?" is a blinker signal declared here: each content
domain connects its counter, core adds the answers up, and core imports no domain.
"""

from __future__ import annotations

from datetime import datetime

from blinker import Namespace
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.types import BigId, UTCDateTime, utcnow
from participation.extensions import Model, db

# Pre-moderation: the first N published contributions of an account are held for review (0 = off).
PREMODERATION_FIRST_N = "moderation.premoderation_first_n"

_signals = Namespace()
# Each content domain connects a receiver (sender: the account) that returns the number of the
# account's public contributions there. Connecting the same function again changes nothing, so a
# second app (tests) cannot make a domain count twice.
contributions_wanted = _signals.signal("account-published-contributions-wanted")


class SiteSetting(Model):
    """One setting; the value is text, readers convert it."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


def get_setting(key: str, default: str | None = None) -> str | None:
    """The stored value, or the default when the key was never set."""
    row = db.session.get(SiteSetting, key)
    return row.value if row is not None else default


def get_int(key: str, default: int) -> int:
    """An integer setting; an unreadable value falls back to the default."""
    try:
        return int(get_setting(key) or default)
    except ValueError:
        return default


def set_setting(actor: object | None, key: str, value: str) -> None:
    """Store a value (the caller audit-logs the change); flush, never commit."""
    row = db.session.get(SiteSetting, key)
    if row is None:
        row = SiteSetting(key=key, value=value)
        db.session.add(row)
    row.value = value
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()


def published_contributions(user: object) -> int:
    """The account's public contributions over every content domain (first-N pre-moderation)."""
    return sum(count for _receiver, count in contributions_wanted.send(user))
