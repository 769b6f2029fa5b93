"""Musterstadt demo data for `flask seed-demo`; each domain adds its part through the registry.

Core knows no domain: the accounts domain provides the demo users, and every other domain's
seeder receives them keyed by e-mail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from participation.core.legal_texts import LEGAL_PAGE_SLUGS, default_legal_text
from participation.core.models import LegalPage
from participation.extensions import db

# The demo accounts keyed by e-mail (accounts.models.User objects; core does not import them).
DemoUsers = dict[str, Any]
DemoSeeder = Callable[[DemoUsers], None]


def _no_users() -> DemoUsers:
    """Without an accounts domain there are no demo users to hand to the seeders."""
    return {}


_users_provider: Callable[[], DemoUsers] = _no_users
# Keyed by name: a second app replaces a seeder instead of running it twice; order of first registration.
_seeders: dict[str, DemoSeeder] = {}


def register_demo_users(provider: Callable[[], DemoUsers]) -> None:
    """Let the accounts domain create the demo accounts (idempotent) that every seeder receives."""
    global _users_provider
    _users_provider = provider


def register_demo_seeder(name: str, seeder: DemoSeeder) -> None:
    """Add a domain's demo content; seeders get the demo users keyed by e-mail and must be idempotent."""
    _seeders[name] = seeder


def seed_legal_pages() -> None:
    """Store the German templates as the legal pages' starting texts."""
    for slug in LEGAL_PAGE_SLUGS:
        if db.session.get(LegalPage, slug) is None:
            db.session.add(
                LegalPage(slug=slug, body=default_legal_text(slug, current_app.config["SITE_NAME"]))
            )


def seed_demo() -> None:
    """Create everything that is missing; running it twice changes nothing."""
    users = _users_provider()
    seed_legal_pages()
    db.session.flush()
    for seeder in _seeders.values():
        seeder(users)
        db.session.flush()
