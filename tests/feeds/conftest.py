"""Fixtures for feed and open data tests: projects, comments and wiki pages written into the database."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from defusedxml import ElementTree

from participation.core.markup import render_markdown
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project
from participation.wiki import services as wiki_services
from tests.conftest import ROLE_SETS, count_queries, get_user

ATOM = "{http://www.w3.org/2005/Atom}"
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture
def add_project(app):
    """Factory: a committed project; returns (id, slug)."""

    def factory(
        slug: str, title: str = "Spielplatz Teststraße", phase: str = "information"
    ) -> tuple[int, str]:
        with app.app_context():
            project = Project(
                slug=slug, title=title, summary="Ein Testvorhaben.", description="", phase=phase
            )
            db.session.add(project)
            db.session.commit()
            return project.id, slug

    return factory


@pytest.fixture
def add_comment(app, make_user):
    """Factory: a comment in any status, inserted directly; returns its id."""
    author = make_user(name="Clara Kommentar")

    def factory(project_id: int, body: str, status: str = "published") -> int:
        with app.app_context():
            comment = Comment(
                project_id=project_id,
                author_id=author.id,
                body=body,
                body_html=str(render_markdown(body)),
                status=status,
            )
            db.session.add(comment)
            db.session.commit()
            return comment.id

    return factory


@pytest.fixture
def planner(make_user):
    return make_user(ROLE_SETS["planner"], name="Paula Planerin")


@pytest.fixture
def add_page(app, planner):
    """Factory: a wiki page a planner published (approved at once); returns the page id."""

    def factory(title: str, body: str = "Geprüfter Text.") -> int:
        with app.test_request_context():
            revision = wiki_services.create_page(
                get_user(app, planner.id), title=title, body=body, summary="Erste"
            )
            db.session.commit()
            return revision.page_id

    return factory


def parse_atom(body: bytes):
    """Parse a feed and check RFC 4287's required elements; returns the root element."""
    root = ElementTree.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), name
    assert root.findtext(f"{ATOM}author/{ATOM}name")
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    _aware(root.findtext(f"{ATOM}updated"))
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id").startswith("tag:")
        assert entry.findtext(f"{ATOM}title")
        _aware(entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
    return root


def _aware(text: str) -> None:
    assert datetime.fromisoformat(text).utcoffset() is not None, text


def entry_ids(root) -> list[str]:
    return [entry.findtext(f"{ATOM}id") for entry in root.findall(f"{ATOM}entry")]


def get_counted(app, client, path: str):
    """GET a path; return the response and the statements it sent (reads only, checked here)."""
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        response = client.get(path)
    assert not [s for s in statements if WRITES.match(s)], path
    return response, len(statements)
