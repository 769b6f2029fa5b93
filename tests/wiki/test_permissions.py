"""Role matrix over every wiki route: anonymous, unverified and verified citizens, staff, others' drafts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from participation.extensions import db
from participation.wiki.models import WikiPage, WikiRevision
from tests.conftest import ROLE_SETS, login, post
from tests.wiki.conftest import propose, revisions

ROLES = ("anonymous", "unverified", "citizen", "moderator", "planner", "admin")
OK, LOGIN, FORBIDDEN, MISSING, DONE = 200, "login", 403, 404, "done"


@dataclass(frozen=True)
class World:
    slug: str
    old_id: int  # an earlier approved revision
    current_id: int
    pending_id: int  # someone else's pending change
    draft_slug: str  # someone else's unpublished new page
    draft_id: int


@pytest.fixture
def world(app, make_page, make_user) -> World:
    page = make_page(title="Ortsteile", body="Fünf Ortsteile.")
    staff = app.test_client()
    login(staff, make_user(ROLE_SETS["planner"]))
    propose(staff, page.slug, "Fünf Ortsteile und ein Dorf.")
    author = app.test_client()
    login(author, make_user(ROLE_SETS["citizen"]))
    propose(author, page.slug, "Vorschlag von jemand anderem.")
    ids = [row[0] for row in revisions(app, page.id)]
    response = post(
        author, "/wiki/neu", {"title": "Entwurfsseite", "body": "Entwurf."}, token_from="/wiki/neu"
    )
    draft_slug = response.headers["Location"].rsplit("/", 1)[-1]

    with app.app_context():
        draft = db.session.query(WikiPage).filter_by(slug=draft_slug).one()
        draft_id = revisions(app, draft.id)[0][0]
        db.session.remove()
    return World(page.slug, ids[0], ids[1], ids[2], draft_slug, draft_id)


STAFF_ONLY = {
    "anonymous": LOGIN,
    "unverified": FORBIDDEN,
    "citizen": FORBIDDEN,
    "planner": FORBIDDEN,
    "moderator": None,
    "admin": None,
}
PARTICIPANTS = {
    "anonymous": LOGIN,
    "unverified": FORBIDDEN,
    "citizen": OK,
    "planner": OK,
    "moderator": OK,
    "admin": OK,
}
PUBLIC = dict.fromkeys(ROLES, OK)
REVIEWERS_SEE = {
    "anonymous": MISSING,
    "unverified": MISSING,
    "citizen": MISSING,
    "planner": MISSING,
    "moderator": OK,
    "admin": OK,
}


def _reviewers(success):
    return {role: (success if expected is None else expected) for role, expected in STAFF_ONLY.items()}


# (name, method, path template, data, expected per role)
ROUTES = [
    ("index", "GET", "/wiki/", None, PUBLIC),
    ("search", "GET", "/wiki/?q=Ortsteile", None, PUBLIC),
    ("page", "GET", "/wiki/{slug}", None, PUBLIC),
    ("create", "GET", "/wiki/neu", None, PARTICIPANTS),
    ("edit", "GET", "/wiki/{slug}/bearbeiten", None, PARTICIPANTS),
    ("history", "GET", "/wiki/{slug}/versionen", None, PUBLIC),
    ("revision-approved", "GET", "/wiki/{slug}/versionen/{old_id}", None, PUBLIC),
    ("diff-approved", "GET", "/wiki/{slug}/vergleich?von={old_id}&zu={current_id}", None, PUBLIC),
    ("revision-others-pending", "GET", "/wiki/{slug}/versionen/{pending_id}", None, REVIEWERS_SEE),
    ("diff-others-pending", "GET", "/wiki/{slug}/vergleich?zu={pending_id}", None, REVIEWERS_SEE),
    ("others-draft-page", "GET", "/wiki/{draft_slug}", None, REVIEWERS_SEE),
    ("others-draft-history", "GET", "/wiki/{draft_slug}/versionen", None, REVIEWERS_SEE),
    # The review addresses lead to the moderation desk's decision screen (tests/wiki/test_review.py).
    ("review-list", "GET", "/wiki/pruefung", None, _reviewers(302)),
    ("review", "GET", "/wiki/pruefung/{pending_id}", None, _reviewers(302)),
    ("restore", "POST", "/wiki/{slug}/versionen/{old_id}/wiederherstellen", {}, _reviewers(DONE)),
    ("lock", "POST", "/wiki/{slug}/sperren", {}, _reviewers(DONE)),
    ("unlock", "POST", "/wiki/{slug}/entsperren", {}, _reviewers(DONE)),
    (
        "withdraw-others",
        "POST",
        "/wiki/{slug}/versionen/{pending_id}/zurueckziehen",
        {},
        {**REVIEWERS_SEE, "moderator": FORBIDDEN, "admin": FORBIDDEN},
    ),
    (
        "edit-post",
        "POST",
        "/wiki/{slug}/bearbeiten",
        {"title": "Ortsteile", "body": "Neu.", "base_revision_id": "{current_id}"},
        {**PARTICIPANTS, "citizen": DONE, "planner": DONE, "moderator": DONE, "admin": DONE},
    ),
    (
        "create-post",
        "POST",
        "/wiki/neu",
        {"title": "Ganz neu", "body": "Text."},
        {**PARTICIPANTS, "citizen": DONE, "planner": DONE, "moderator": DONE, "admin": DONE},
    ),
]


def _log_in(client, make_user, role: str) -> None:
    if role == "anonymous":
        return
    if role == "unverified":
        login(client, make_user(ROLE_SETS["citizen"], verified=False))
    else:
        login(client, make_user(ROLE_SETS[role]))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "template", "data", "expected"), ROUTES, ids=[r[0] for r in ROUTES]
)
def test_route_matrix(app, client, world, make_user, role, name, method, template, data, expected):
    values = vars(world)
    path = template.format(**values)
    _log_in(client, make_user, role)
    if method == "GET":
        response = client.get(path)
    else:
        payload = {key: value.format(**values) for key, value in data.items()}
        response = post(client, path, payload, token_from="/wiki/")
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"], (
            response.status_code
        )
    elif want == DONE:
        assert response.status_code == 302 and "/konto/anmelden" not in response.headers["Location"]
    else:
        assert response.status_code == want


def test_post_routes_refuse_get(client, world):
    for path in (
        f"/wiki/{world.slug}/sperren",
        f"/wiki/{world.slug}/versionen/{world.old_id}/wiederherstellen",
    ):
        assert client.get(path).status_code == 405


def test_post_routes_require_csrf(app, client, world, make_user):
    login(client, make_user(ROLE_SETS["moderator"]))
    screen = client.get(f"/wiki/pruefung/{world.pending_id}").headers["Location"]
    item_path = client.get(screen).headers["Location"]
    response = client.post(f"{item_path}/entscheiden", data={"version": "1", "action": "publish"})
    assert response.status_code == 400

    with app.app_context():
        assert db.session.get(WikiRevision, world.pending_id).state == "pending"
        db.session.remove()


def test_unknown_pages_and_revisions_are_404(client, world):
    assert client.get("/wiki/gibt-es-nicht").status_code == 404
    assert client.get(f"/wiki/{world.slug}/versionen/999999").status_code == 404
    # A revision id from another page is not found under this page.
    assert client.get(f"/wiki/{world.draft_slug}/versionen/{world.old_id}").status_code == 404
