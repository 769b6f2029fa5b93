"""Site settings admins change at run time (key/value), and a tiny hook registry between domains.

Domains read settings by key with a default, so a fresh database works without any rows.
Hooks let an earlier domain announce an event (e.g. "a comment was reported") that a later
domain (moderation) acts on, without the earlier one importing the later one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.types import BigId, UTCDateTime, utcnow
from participation.extensions import db

# Pre-moderation: the first N published contributions of an account are held for review (0 = off).
PREMODERATION_FIRST_N = "moderation.premoderation_first_n"
# Hook each content domain answers with the number of the account's public contributions there.
CONTRIBUTIONS_HOOK = "account.published_contributions"


class SiteSetting(db.Model):
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
        return int(get_setting(key, str(default)))
    except (TypeError, ValueError):
        return default


def set_setting(actor, key: str, value: str) -> None:
    """Store a value (the caller audit-logs the change); flush, never commit."""
    row = db.session.get(SiteSetting, key)
    if row is None:
        row = SiteSetting(key=key, value=value)
        db.session.add(row)
    row.value = value
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()


# --- hooks ----------------------------------------------------------------------------------------

_hooks: dict[str, list[Callable[..., Any]]] = {}


def register_hook(name: str, function: Callable[..., Any]) -> None:
    """Call `function(**kwargs)` whenever `run_hook(name, ...)` runs (registered once per process)."""
    functions = _hooks.setdefault(name, [])
    if function not in functions:
        functions.append(function)


def run_hook(name: str, **kwargs: Any) -> None:
    """Run every function registered for the event, in registration order."""
    for function in _hooks.get(name, ()):
        function(**kwargs)


def collect_hook(name: str, **kwargs: Any) -> list[Any]:
    """Ask every function registered for the question; their answers in registration order."""
    return [function(**kwargs) for function in _hooks.get(name, ())]


def published_contributions(user) -> int:
    """The account's public contributions over every content domain (first-N pre-moderation)."""
    return sum(collect_hook(CONTRIBUTIONS_HOOK, user=user))
