"""Role matrix over the discussion routes: anonymous, unverified, citizen, staff; own vs. others' comments."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import ROLE_SETS, login, post

ROLES = ("anonymous", "unverified", "citizen", "moderator", "planner", "admin")
OK, LOGIN, FORBIDDEN, REDIRECT = 200, "login", 403, 302


def expect(anonymous=LOGIN, unverified=FORBIDDEN, citizen=OK, moderator=OK, planner=OK, admin=OK):
    return {
        "anonymous": anonymous,
        "unverified": unverified,
        "citizen": citizen,
        "moderator": moderator,
        "planner": planner,
        "admin": admin,
    }


STAFF_ONLY = expect(citizen=FORBIDDEN, planner=FORBIDDEN)
PARTICIPANTS = expect()
PARTICIPANTS_POST = expect(citizen=REDIRECT, moderator=REDIRECT, planner=REDIRECT, admin=REDIRECT)
AUTHOR_ONLY = expect(citizen=FORBIDDEN, moderator=FORBIDDEN, planner=FORBIDDEN, admin=FORBIDDEN)
PUBLIC = expect(anonymous=OK, unverified=OK)

# (case name, method, url suffix, comment: "others" | "own" | "hidden" | None, form data, expectation)
CASES = [
    ("comment form", "GET", "kommentieren", None, None, PARTICIPANTS),
    ("post comment", "POST", "kommentieren", None, {"body": "Hallo"}, PARTICIPANTS_POST),
    ("reply form", "GET", "kommentieren?antwort_auf={others}", None, None, PARTICIPANTS),
    ("permalink", "GET", "kommentare/{id}", "others", None, PUBLIC),
    ("permalink hidden", "GET", "kommentare/{id}", "hidden", None, PUBLIC),
    ("edit others", "GET", "kommentare/{id}/bearbeiten", "others", None, AUTHOR_ONLY),
    ("edit others post", "POST", "kommentare/{id}/bearbeiten", "others", {"body": "x"}, AUTHOR_ONLY),
    ("edit own", "GET", "kommentare/{id}/bearbeiten", "own", None, PARTICIPANTS),
    ("delete others", "GET", "kommentare/{id}/loeschen", "others", None, AUTHOR_ONLY),
    ("delete others post", "POST", "kommentare/{id}/loeschen", "others", {}, AUTHOR_ONLY),
    ("delete own", "GET", "kommentare/{id}/loeschen", "own", None, PARTICIPANTS),
    ("vote others", "POST", "kommentare/{id}/bewerten", "others", {"value": "1"}, PARTICIPANTS_POST),
    ("vote own", "POST", "kommentare/{id}/bewerten", "own", {"value": "1"}, AUTHOR_ONLY),
    ("report others", "GET", "kommentare/{id}/melden", "others", None, PARTICIPANTS),
    ("report own", "GET", "kommentare/{id}/melden", "own", None, AUTHOR_ONLY),
    ("hide", "GET", "kommentare/{id}/ausblenden", "others", None, STAFF_ONLY),
    (
        "hide post",
        "POST",
        "kommentare/{id}/ausblenden",
        "others",
        {"reason_code": "spam", "reason": "Spam"},
        expect(citizen=FORBIDDEN, planner=FORBIDDEN, moderator=REDIRECT, admin=REDIRECT),
    ),
    ("restore", "GET", "kommentare/{id}/wiederherstellen", "hidden", None, STAFF_ONLY),
    (
        "restore published",
        "GET",
        "kommentare/{id}/wiederherstellen",
        "others",
        None,
        expect(citizen=FORBIDDEN, planner=FORBIDDEN, moderator=FORBIDDEN, admin=FORBIDDEN),
    ),
    ("versions", "GET", "kommentare/{id}/versionen", "others", None, STAFF_ONLY),
]


def check(response, expected, path: str) -> bool:
    if expected == LOGIN:
        location = urlsplit(response.headers.get("Location", ""))
        return response.status_code == 302 and location.path == "/konto/anmelden"
    if expected == REDIRECT:
        return response.status_code == 302 and "/konto/anmelden" not in response.headers.get("Location", "")
    return response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_discussion_role_matrix(app, client, project, make_user, add_comment, role):
    other = make_user()
    if role == "anonymous":
        me = None
    else:
        me = make_user(ROLE_SETS.get(role, frozenset()), verified=role != "unverified")
        login(client, me)
    problems = []
    for name, method, suffix, which, data, expectation in CASES:
        # Fresh comments per case: a successful POST must not change what the next case sees.
        ids = {
            "others": add_comment(project, other.id),
            "own": add_comment(project, me.id) if me else None,
            "hidden": add_comment(project, other.id, status="hidden"),
        }
        if which == "own" and me is None:
            which = "others"  # anonymous users own nothing
        path = f"{project.url}/" + suffix.format(id=ids.get(which), others=ids["others"])
        response = client.get(path) if method == "GET" else post(client, path, data)
        if not check(response, expectation[role], path):
            problems.append(
                f"{name}: {method} {path} -> {response.status_code} {response.headers.get('Location', '')}"
            )
    assert problems == []


@pytest.mark.parametrize("path", ["kommentieren", "kommentare/1", "kommentare/1/bearbeiten"])
def test_unknown_project_is_404(client, logged_in, path):
    logged_in("citizen")
    assert client.get(f"/projekte/unbekannt/{path}").status_code == 404


def test_vote_route_refuses_get(client, project, make_user, add_comment):
    comment_id = add_comment(project, make_user().id)
    assert client.get(project.comment_url(comment_id, "bewerten")).status_code == 405


def test_reply_form_for_a_missing_parent_is_404(client, project, logged_in):
    logged_in("citizen")
    assert client.get(f"{project.url}/kommentieren?antwort_auf=424242").status_code == 404
