"""Musterstadt demo data for `flask seed-demo`; each domain adds its part through the registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from participation.accounts.models import Role, User
from participation.core.legal_texts import LEGAL_PAGE_SLUGS, default_legal_text
from participation.core.models import LegalPage
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

# Keyed by name: a second app replaces a seeder instead of running it twice; order of first registration.
_seeders: dict[str, Callable[[dict[str, User]], None]] = {}


def register_demo_seeder(name: str, seeder: Callable[[dict[str, User]], None]) -> None:
    """Add a domain's demo content; seeders get the demo users by role label and must be idempotent."""
    _seeders[name] = seeder


def demo_users() -> dict[str, User]:
    """Create the demo accounts that are missing; return all of them keyed by e-mail."""
    from participation.accounts.services import create_user

    users = {}
    for account in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == account.email))
        if user is None:
            user = create_user(account.email, account.display_name, account.password, set(account.roles))
        users[account.email] = user
    return users


def seed_legal_pages() -> None:
    """Store the German templates as the legal pages' starting texts."""
    from flask import current_app

    for slug in LEGAL_PAGE_SLUGS:
        if db.session.get(LegalPage, slug) is None:
            db.session.add(
                LegalPage(slug=slug, body=default_legal_text(slug, current_app.config["SITE_NAME"]))
            )


def seed_demo() -> None:
    """Create everything that is missing; running it twice changes nothing."""
    users = demo_users()
    seed_legal_pages()
    db.session.flush()
    for seeder in _seeders.values():
        seeder(users)
        db.session.flush()
