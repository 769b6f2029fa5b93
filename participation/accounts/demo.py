"""The four Musterstadt demo accounts (documented in README.md) that every demo seeder receives."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from participation.accounts.models import Role, User
from participation.accounts.services import create_user
from participation.extensions import db


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    display_name: str
    roles: frozenset[Role]
    role_label: str


# Documented in README.md; the passwords satisfy the password policy like any other.
DEMO_ACCOUNTS = (
    DemoAccount(
        "buerger@musterstadt.example", "Marktplatz-2026-Demo", "Anna Beispiel", frozenset(), "Bürgerin"
    ),
    DemoAccount(
        "moderation@musterstadt.example",
        "Netiquette-2026-Demo",
        "Moritz Moderator",
        frozenset({Role.MODERATOR}),
        "Moderation",
    ),
    DemoAccount(
        "planung@musterstadt.example",
        "Bebauungsplan-2026-Demo",
        "Paula Planerin",
        frozenset({Role.PLANNER}),
        "Planung",
    ),
    DemoAccount(
        "admin@musterstadt.example",
        "Rathaus-IT-2026-Demo",
        "Ada Admin",
        frozenset({Role.ADMIN}),
        "Administration",
    ),
)


def demo_users() -> dict[str, User]:
    """Create the demo accounts that are missing; return all of them keyed by e-mail."""
    users = {}
    for account in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == account.email))
        if user is None:
            user = create_user(account.email, account.display_name, account.password, set(account.roles))
        users[account.email] = user
    return users
