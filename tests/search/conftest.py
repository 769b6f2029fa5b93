"""Fixtures for the site-wide search: a small Musterstadt written through the domains' services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from participation.accounts.models import Role, User
from participation.core.fulltext import parse_query, search
from participation.discussions import services as discussions
from participation.extensions import db
from participation.projects.models import Project
from participation.surveys.builder import services as builder
from participation.wiki import services as wiki


@dataclass
class World:
    """Ids of what the fixtures wrote, and the accounts that wrote it."""

    citizen: User
    moderator: User
    planner: User
    project: Project
    ids: dict[str, int] = field(default_factory=dict)


def hits(text: str, kind: str | None = None) -> set[tuple[str, str]]:
    """Every hit of a search as (kind, title or snippet text), all pages."""
    found: set[tuple[str, str]] = set()
    cursor = None
    while True:
        results = search(parse_query(text), kind, cursor)
        found |= {(hit.kind, str(hit.title) or hit.url) for hit in results.hits}
        if results.next_cursor is None:
            return found
        cursor = results.next_cursor


def kinds_found(text: str) -> list[str]:
    """The kinds of the hits, sorted (a compact way to compare hit sets)."""
    return sorted(kind for kind, _ in hits(text))


@pytest.fixture
def world(app, make_user) -> Iterator[World]:
    """Inside a request context: a project, a published wiki page, a comment and the three roles."""
    citizen_info = make_user()
    moderator_info = make_user({Role.MODERATOR})
    planner_info = make_user({Role.PLANNER})
    with app.test_request_context():
        citizen = db.session.get_one(User, citizen_info.id)
        moderator = db.session.get_one(User, moderator_info.id)
        planner = db.session.get_one(User, planner_info.id)
        project = Project(
            slug="lindenpark",
            title="Neue Bäume im Lindenpark",
            summary="Wir pflanzen Linden und Eichen.",
            description="Der **Radweg** am Park wird breiter.",
        )
        db.session.add(project)
        db.session.flush()
        w = World(citizen, moderator, planner, project)
        revision = wiki.create_page(
            planner,
            title="Öffnungszeiten Bürgerbüro",
            body="# Zeiten\n\nDas Büro liegt an der Straße am Markt.",
            summary="",
        )
        w.ids["wiki"] = revision.page_id
        comment = discussions.post_comment(citizen, project, "Ein Baum mehr am Radweg wäre schön.")
        w.ids["comment"] = comment.id
        db.session.commit()
        yield w
        db.session.rollback()


@pytest.fixture
def make_survey(world) -> Callable[..., int]:
    """A draft survey by the planner; returns its id."""

    def factory(title: str, intro: str) -> int:
        survey = builder.create_survey(world.planner, title=title, intro=intro)
        db.session.commit()
        return survey.id

    return factory
