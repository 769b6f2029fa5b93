"""Every discussion POST route by role: refused requests change nothing in the database, allowed ones do
exactly what they say (reply, report, vote, edit, delete, hide, restore)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from participation.discussions.models import Comment, CommentReport, CommentRevision, CommentVote
from participation.extensions import db
from tests.conftest import ROLE_SETS, login, post

ROLES = ("anonymous", "unverified", "citizen", "moderator", "planner", "admin")
NOBODY: frozenset[str] = frozenset()
PARTICIPANTS = frozenset({"citizen", "moderator", "planner", "admin"})
MODERATORS = frozenset({"moderator", "admin"})


@dataclass(frozen=True)
class Snapshot:
    comments: dict[int, tuple]
    votes: frozenset
    reports: frozenset
    revisions: frozenset


def snapshot(app) -> Snapshot:
    with app.app_context():
        comments = {
            c.id: (c.status, c.body, c.parent_id, c.score, c.hidden_reason)
            for c in db.session.scalars(select(Comment))
        }
        votes = frozenset(db.session.execute(select(CommentVote.comment_id, CommentVote.user_id)).all())
        reports = frozenset(
            db.session.execute(select(CommentReport.comment_id, CommentReport.reporter_id)).all()
        )
        revisions = frozenset(db.session.execute(select(CommentRevision.comment_id, CommentRevision.body)))
        db.session.remove()
    return Snapshot(comments, votes, reports, revisions)


def _reply_stored(before: Snapshot, after: Snapshot, target: int) -> bool:
    new = set(after.comments) - set(before.comments)
    return len(new) == 1 and after.comments[new.pop()][2] == target


# (name, url suffix, comment the request is about, form data, roles allowed, effect when allowed)
CASES = [
    (
        "reply",
        "kommentieren",
        "others",
        lambda target: {"body": "Eine Antwort.", "parent_id": str(target)},
        PARTICIPANTS,
        _reply_stored,
    ),
    (
        "report others",
        "kommentare/{id}/melden",
        "others",
        lambda target: {"reason": "spam"},
        PARTICIPANTS,
        lambda before, after, target: len(after.reports - before.reports) == 1,
    ),
    ("report own", "kommentare/{id}/melden", "own", lambda target: {"reason": "spam"}, NOBODY, None),
    (
        "vote others",
        "kommentare/{id}/bewerten",
        "others",
        lambda target: {"value": "1"},
        PARTICIPANTS,
        lambda before, after, target: after.comments[target][3] == 1 and len(after.votes) == 1,
    ),
    ("vote own", "kommentare/{id}/bewerten", "own", lambda target: {"value": "1"}, NOBODY, None),
    ("vote hidden", "kommentare/{id}/bewerten", "hidden", lambda target: {"value": "1"}, NOBODY, None),
    (
        "edit others",
        "kommentare/{id}/bearbeiten",
        "others",
        lambda target: {"body": "Überschrieben."},
        NOBODY,
        None,
    ),
    (
        "edit own",
        "kommentare/{id}/bearbeiten",
        "own",
        lambda target: {"body": "Neu gefasst."},
        PARTICIPANTS,
        lambda before, after, target: (
            after.comments[target][1] == "Neu gefasst." and (target, "Ein Kommentar.") in after.revisions
        ),
    ),
    ("delete others", "kommentare/{id}/loeschen", "others", lambda target: {"confirmed": "1"}, NOBODY, None),
    (
        "delete own",
        "kommentare/{id}/loeschen",
        "own",
        lambda target: {"confirmed": "1"},
        PARTICIPANTS,
        lambda before, after, target: after.comments[target][0] == "deleted",
    ),
    (
        "hide",
        "kommentare/{id}/ausblenden",
        "others",
        lambda target: {"reason_code": "spam", "reason": "Werbung."},
        MODERATORS,
        lambda before, after, target: after.comments[target][0] == "hidden",
    ),
    (
        "restore",
        "kommentare/{id}/wiederherstellen",
        "hidden",
        lambda target: {"reason": "War ein Irrtum."},
        MODERATORS,
        lambda before, after, target: after.comments[target][0] == "published",
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_discussion_post_routes_by_role_change_only_what_is_allowed(
    app, client, project, make_user, add_comment, role
):
    other = make_user(name="Olga Andere")
    me = None
    if role != "anonymous":
        me = make_user(ROLE_SETS.get(role, frozenset()), verified=role != "unverified")
        login(client, me)
    problems = []
    for name, suffix, which, data, allowed, effect in CASES:
        # Fresh comments per case, so one case's change never hides another's.
        ids = {
            "others": add_comment(project, other.id),
            "own": add_comment(project, me.id) if me else None,
            "hidden": add_comment(project, other.id, status="hidden"),
        }
        target = ids["others"] if which == "own" and me is None else ids[which]
        path = f"{project.url}/" + suffix.format(id=target)
        before = snapshot(app)
        response = post(client, path, data(target), token_from=project.url)
        after = snapshot(app)
        location = urlsplit(response.headers.get("Location", "")).path
        if role == "anonymous":
            ok = response.status_code == 302 and location == "/konto/anmelden" and after == before
        elif role in allowed:
            ok = (
                response.status_code == 302
                and location != "/konto/anmelden"
                and effect(before, after, target)
            )
        else:
            ok = response.status_code in (403, 404) and after == before
        if not ok:
            problems.append(f"{name}: POST {path} -> {response.status_code} {location}")
    assert problems == []
