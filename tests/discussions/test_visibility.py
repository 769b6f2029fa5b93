"""The one visibility helper on every read path: hidden/pending text appears nowhere for other citizens."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from participation.accounts.models import Role, User
from participation.discussions.models import Comment
from participation.discussions.visibility import visible_body, visible_filter
from participation.extensions import db
from tests.conftest import ROLE_SETS, login

SECRET = "Geheimtext-7f3a"
HIDDEN_STATES = ["pending", "hidden", "removed"]


@pytest.fixture
def scene(project, make_user, add_comment):
    """An author with a non-public comment, a public reply to it, and a thread around it."""

    def build(status: str):
        author = make_user(name="Autorin Anders")
        root = add_comment(project, make_user().id, "Öffentlicher Anfang")
        secret = add_comment(project, author.id, f"{SECRET} **fett**", parent_id=root, status=status)
        reply = add_comment(project, make_user().id, "Öffentliche Antwort", parent_id=secret)
        return author, root, secret, reply

    return build


def get_paths(app, project, comment_ids) -> list[str]:
    """Every GET route of the app that takes at most a project slug and a comment id."""
    paths = ["/", "/projekte/", project.url, "/benachrichtigungen/", "/konto/daten/meine-daten.json"]
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not set(rule.arguments) <= {"project_slug", "comment_id"}:
            continue
        if "comment_id" in rule.arguments:
            paths += [
                rule.rule.replace("<project_slug>", project.slug).replace("<int:comment_id>", str(i))
                for i in comment_ids
            ]
        elif rule.arguments:
            paths.append(rule.rule.replace("<project_slug>", project.slug))
    return sorted(set(paths))


@pytest.mark.parametrize("status", HIDDEN_STATES)
@pytest.mark.parametrize("viewer", ["anonymous", "citizen", "planner"])
def test_text_appears_on_no_page_for_others(app, client, project, make_user, scene, status, viewer):
    _author, root, secret, reply = scene(status)
    if viewer != "anonymous":
        login(client, make_user(ROLE_SETS[viewer]))
    leaks = []
    for path in get_paths(app, project, [root, secret, reply]):
        body = client.get(path).get_data(as_text=True)
        if SECRET in body:
            leaks.append(path)
    assert leaks == []
    page = client.get(project.url).get_data(as_text=True)
    assert "Öffentliche Antwort" in page and "Öffentlicher Anfang" in page
    assert {"pending": "noch geprüft", "hidden": "ausgeblendet", "removed": "entfernt"}[status] in page
    # The placeholder does not name the author either.
    assert "Autorin Anders" not in page


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_author_sees_own_text_with_a_banner(client, project, scene, status):
    author, _root, secret, _reply = scene(status)
    login(client, author)
    for path in (project.url, project.comment_url(secret)):
        html = client.get(path).get_data(as_text=True)
        assert SECRET in html and 'class="banner-pending"' in html


def test_author_sees_pending_banner_text(client, project, scene):
    author, *_ = scene("pending")
    login(client, author)
    assert "wartet auf Freigabe durch die Moderation" in client.get(project.url).get_data(as_text=True)


@pytest.mark.parametrize("role", ["moderator", "admin"])
@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_moderators_see_everything_with_a_status_banner(client, project, make_user, scene, role, status):
    _author, _root, secret, _reply = scene(status)
    login(client, make_user(ROLE_SETS[role]))
    html = client.get(project.comment_url(secret)).get_data(as_text=True)
    assert SECRET in html and "nur für Autorin/Autor und Moderation sichtbar" in html


def test_deleted_text_is_gone_for_everyone_even_moderators(app, client, project, make_user, add_comment):
    author = make_user()
    comment_id = add_comment(project, author.id, SECRET)
    with app.app_context():
        db.session.get(Comment, comment_id).delete_by_author()
        db.session.commit()
    for user in (author, make_user({Role.MODERATOR})):
        viewer = app.test_client()
        login(viewer, user)
        html = viewer.get(project.url).get_data(as_text=True)
        assert SECRET not in html and "Kommentar gelöscht" in html


def test_own_data_export_holds_own_hidden_text_but_never_others(client, project, make_user, scene):
    author, _root, secret, _reply = scene("hidden")
    login(client, author)
    exported = json.loads(client.get("/konto/daten/meine-daten.json").get_data(as_text=True))
    assert [(c["id"], c["status"], c["body"]) for c in exported["discussions"]["comments"]] == [
        (secret, "hidden", f"{SECRET} **fett**")
    ]


def test_sql_filter_and_per_comment_helper_agree(app, project, make_user, add_comment):
    author, other = make_user(), make_user()
    moderator = make_user({Role.MODERATOR})
    ids = {
        status: add_comment(project, author.id, status, status=status)
        for status in ("published", "pending", "hidden", "removed", "deleted")
    }
    with app.app_context():
        viewers = {
            "anonymous": None,
            "author": db.session.get(User, author.id),
            "other": db.session.get(User, other.id),
            "moderator": db.session.get(User, moderator.id),
        }
        expected = {
            "anonymous": {"published"},
            "other": {"published"},
            "author": {"published", "pending", "hidden", "removed"},
            "moderator": {"published", "pending", "hidden", "removed"},
        }
        comments = db.session.scalars(select(Comment)).all()
        for name, viewer in viewers.items():
            readable_sql = set(db.session.scalars(select(Comment.status).where(visible_filter(viewer))))
            readable_helper = {c.status for c in comments if visible_body(c, viewer).readable}
            assert readable_sql == readable_helper == expected[name], name
    assert len(ids) == 5
