"""Wiki fixtures: published pages made through the services, proposals made through the real forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from participation.extensions import db
from participation.wiki import services
from participation.wiki.models import WikiPage, WikiRevision
from tests.conftest import CSRF_RE, ROLE_SETS, get_user, post


@dataclass(frozen=True)
class PageInfo:
    id: int
    slug: str
    title: str
    revision_id: int


@pytest.fixture
def staff(make_user):
    """A planner who publishes directly (used to set up pages)."""
    return make_user(ROLE_SETS["planner"], name="Paula Planerin")


@pytest.fixture
def make_page(app, staff):
    """Factory: a published page written by a planner."""

    def factory(
        title: str = "Bürgerbüro", body: str = "Das Bürgerbüro hat montags geöffnet.", **kwargs
    ) -> PageInfo:
        with app.test_request_context():
            author = get_user(app, kwargs.pop("author_id", staff.id))
            revision = services.create_page(author, title=title, body=body, summary="Erste Fassung", **kwargs)
            db.session.commit()
            info = PageInfo(revision.page_id, revision.page.slug, title, revision.id)
            db.session.remove()
        return info

    return factory


def edit_form(client, slug: str) -> dict:
    """The values a browser would send back from the edit form (incl. the hidden base revision)."""

    html = client.get(f"/wiki/{slug}/bearbeiten").get_data(as_text=True)
    base = re.search(r'name="base_revision_id" type="hidden" value="([^"]*)"', html) or re.search(
        r'id="base_revision_id" name="base_revision_id" type="hidden" value="([^"]*)"', html
    )
    token = CSRF_RE.search(html)
    assert base and token, html[:3000]
    return {"csrf_token": token.group(1) or token.group(2), "base_revision_id": base.group(1)}


def propose(client, slug: str, body: str, *, title: str | None = None, summary: str = "", base=None):
    """Submit the edit form like a browser; `base` overrides the revision the edit is based on."""
    data = edit_form(client, slug)
    if base is not None:
        data["base_revision_id"] = str(base)
    data.update({"title": title or current_title(client.application, slug), "body": body, "summary": summary})
    return client.post(f"/wiki/{slug}/bearbeiten", data=data)


def current_title(app, slug: str) -> str:
    with app.app_context():
        page = db.session.query(WikiPage).filter_by(slug=slug).one()
        title = page.title or db.session.query(WikiRevision).filter_by(page_id=page.id).first().title
        db.session.remove()
    return title


def revisions(app, page_id: int) -> list[tuple[int, str, str]]:
    """(id, state, body) of every revision of the page, oldest first."""
    with app.app_context():
        rows = db.session.query(WikiRevision).filter_by(page_id=page_id).order_by(WikiRevision.id).all()
        result = [(r.id, r.state, r.body) for r in rows]
        db.session.remove()
    return result


def approved_id(app, page_id: int) -> int | None:
    with app.app_context():
        value = db.session.get(WikiPage, page_id).approved_revision_id
        db.session.remove()
    return value


def decide(client, revision_id: int, action: str = "freigeben", reason: str = "", **data):
    """Approve ("freigeben") or reject ("ablehnen") on the one decision screen, the moderation desk's.

    /wiki/pruefung/<id> leads there; the version is the one that screen shows. A rejection needs a
    category (default "thema") and the reason for the author.
    """
    screen = client.get(f"/wiki/pruefung/{revision_id}", follow_redirects=True)
    path = screen.request.path
    version = re.search(r'name="version" value="(\d+)"', screen.get_data(as_text=True))
    payload = {
        "action": {"freigeben": "publish", "ablehnen": "reject"}[action],
        "version": version.group(1) if version else "1",
        # confirmed=1: a reject's second step (core/confirm.py); approving ignores it.
        "confirmed": "1",
        "text": reason,
        "reason_code": "thema" if action == "ablehnen" else "",
        **data,
    }
    return post(client, f"{path}/entscheiden", payload, token_from=path)
