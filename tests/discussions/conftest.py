"""Fixtures for discussion tests: a project, and comments written straight into the database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from participation.core.markup import render_markdown
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    slug: str
    title: str

    @property
    def url(self) -> str:
        return f"/projekte/{self.slug}"

    def comment_url(self, comment_id: int, action: str = "") -> str:
        return f"/projekte/{self.slug}/kommentare/{comment_id}" + (f"/{action}" if action else "")


@pytest.fixture
def make_project(app):
    def factory(slug: str = "spielplatz-test", title: str = "Spielplatz Teststraße", **fields) -> ProjectInfo:
        with app.app_context():
            project = Project(slug=slug, title=title, summary="Ein Testvorhaben.", description="", **fields)
            db.session.add(project)
            db.session.commit()
            info = ProjectInfo(project.id, project.slug, project.title)
            db.session.remove()
        return info

    return factory


@pytest.fixture
def project(make_project) -> ProjectInfo:
    return make_project()


@pytest.fixture
def add_comment(app):
    """Insert a comment directly (no policy, no notification); returns its id."""

    def factory(
        project: ProjectInfo,
        author_id: int,
        body: str = "Ein Kommentar.",
        parent_id: int | None = None,
        status: str = "published",
    ) -> int:
        with app.app_context():
            parent = db.session.get(Comment, parent_id) if parent_id else None
            comment = Comment(
                project_id=project.id,
                parent_id=parent_id,
                root_id=parent.thread_root_id if parent else None,
                author_id=author_id,
                body=body,
                body_html=str(render_markdown(body)),
                status=status,
            )
            db.session.add(comment)
            db.session.commit()
            comment_id = comment.id
            db.session.remove()
        return comment_id

    return factory


def load_comment(app, comment_id: int) -> Comment:
    with app.app_context():
        db.session.expire_all()
        comment = db.session.get(Comment, comment_id)
        db.session.expunge(comment)
        return comment
