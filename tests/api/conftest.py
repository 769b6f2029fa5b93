"""Fixtures for the API tests: rows written in bulk (thousands in well under a second)."""

from __future__ import annotations

from itertools import count

import pytest
from sqlalchemy import insert, update

from participation.core.types import utcnow
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project
from participation.surveys.models import Response, Survey
from participation.wiki.models import WikiPage, WikiRevision
from tests.conftest import ROLE_SETS, UserInfo


class Bulk:
    """Multi-row INSERTs for every kind of row the API lists."""

    def __init__(self, app, author_id: int) -> None:
        self.app, self.author_id = app, author_id
        self.ids = count(5_000_000)

    def _insert(self, model, rows: list[dict]) -> list:
        with self.app.app_context():
            for start in range(0, len(rows), 2000):
                db.session.execute(insert(model), rows[start : start + 2000])
            db.session.commit()
        return [row["id"] for row in rows]

    def projects(self, number: int, **fields) -> list[int]:
        rows = []
        for _ in range(number):
            pid = next(self.ids)
            rows.append(
                {"id": pid, "slug": f"p-{pid}", "title": f"Projekt {pid}", "summary": "Kurz.", **fields}
            )
        return self._insert(Project, rows)

    def comments(self, project_id: int, number: int, status: str = "published") -> list[int]:
        rows = []
        for _ in range(number):
            cid = next(self.ids)
            rows.append(
                {
                    "id": cid,
                    "project_id": project_id,
                    "author_id": self.author_id,
                    "body": f"Text {cid}",
                    "body_html": f"<p>Text {cid}</p>",
                    "status": status,
                    "score": 0,
                    "upvotes": 0,
                    "downvotes": 0,
                }
            )
        return self._insert(Comment, rows)

    def surveys(self, number: int, **fields) -> list[int]:
        now = utcnow()
        rows = [
            {"id": next(self.ids), "title": "Umfrage", "published_at": now, **fields} for _ in range(number)
        ]
        return self._insert(Survey, rows)

    def responses(self, survey_id: int, number: int) -> list[str]:
        """Responses without answers (every question "keine Antwort"), ids in ascending order."""
        today = utcnow().date()
        rows = [
            {"id": f"s{survey_id}r{index:09d}", "survey_id": survey_id, "via": "open", "submitted_on": today}
            for index in range(number)
        ]
        return self._insert(Response, rows)

    def wiki(self, pages: int, revisions: int = 1) -> list[int]:
        """Pages with `revisions` approved revisions each; the newest is the page's approved text."""
        page_rows = [{"id": next(self.ids), "slug": f"seite-{i}-{next(self.ids)}"} for i in range(pages)]
        self._insert(WikiPage, page_rows)
        revision_rows, latest = [], {}
        for page in page_rows:
            for version in range(1, revisions + 1):
                rid = next(self.ids)
                latest[page["id"]] = rid
                revision_rows.append(
                    {
                        "id": rid,
                        "page_id": page["id"],
                        "title": f"Seite {page['id']}",
                        "body": f"Fassung {version}",
                        "state": "approved",
                        "version": version,
                    }
                )
        self._insert(WikiRevision, revision_rows)
        with self.app.app_context():
            db.session.execute(
                update(WikiPage),
                [{"id": pid, "approved_revision_id": rid} for pid, rid in latest.items()],
            )
            db.session.commit()
        return [page["id"] for page in page_rows]


@pytest.fixture
def bulk(app, make_user) -> Bulk:
    return Bulk(app, make_user(name="Schreiberin").id)


@pytest.fixture
def planner(make_user) -> UserInfo:
    return make_user(ROLE_SETS["planner"])
