"""Reply notifications (in-app and real SMTP mail), "Meine Daten" and account deletion."""

from __future__ import annotations

import json

from sqlalchemy import select

from participation.accounts.models import User
from participation.discussions.models import Comment
from participation.extensions import db
from participation.notifications.models import Notification
from tests.conftest import TEST_PASSWORD, login, post


def reply(client, project, parent_id, body="Eine Antwort"):
    return post(client, f"{project.url}/kommentieren", {"body": body, "parent_id": str(parent_id)})


def notifications(app, user_id):
    with app.app_context():
        return db.session.scalars(select(Notification).where(Notification.user_id == user_id)).all()


def test_reply_notifies_in_app_and_by_mail_over_smtp(app, client, project, make_user, add_comment, mailbox):
    author = make_user(name="Greta Gefragt", email="greta@example.org")
    parent = add_comment(project, author.id, "Meine Frage")
    login(client, make_user(name="Anton Antwort"))
    assert reply(client, project, parent, "Geheime Antwort 42").status_code == 302
    [note] = notifications(app, author.id)
    with app.app_context():
        reply_id = db.session.scalar(select(Comment.id).where(Comment.parent_id == parent))
    assert note.kind == "discussions.reply"
    assert note.url == f"{project.url}/kommentare/{reply_id}#kommentar-{reply_id}"
    message = mailbox.last_to("greta@example.org")
    body = mailbox.body(message)
    assert f"Neue Antwort auf Ihren Kommentar zum Vorhaben „{project.title}“." in body
    # The mail neither quotes the reply nor names who wrote it.
    assert "Geheime Antwort 42" not in body and "Anton Antwort" not in body
    assert mailbox.link_in_last("greta@example.org") == note.url
    # The author sees the counter and the entry, and the link opens the thread.
    reader = app.test_client()
    login(reader, author)
    assert '<span class="badge">1' in reader.get("/").get_data(as_text=True)
    listing = reader.get("/benachrichtigungen/").get_data(as_text=True)
    assert "Neue Antwort auf Ihren Kommentar" in listing
    opened = post(reader, f"/benachrichtigungen/{note.id}/gelesen")
    assert opened.headers["Location"] == note.url
    assert notifications(app, author.id)[0].read_at is not None


def test_opted_out_authors_get_no_mail_but_the_in_app_notification(
    app, client, project, make_user, add_comment, mailbox
):
    author = make_user(email="still@example.org")
    with app.app_context():
        db.session.get(User, author.id).notify_by_email = False
        db.session.commit()
    parent = add_comment(project, author.id)
    login(client, make_user())
    reply(client, project, parent)
    assert len(notifications(app, author.id)) == 1
    assert mailbox.to("still@example.org") == []


def test_replying_to_yourself_notifies_nobody(app, client, project, make_user, add_comment, mailbox):
    me = make_user()
    parent = add_comment(project, me.id)
    login(client, me)
    reply(client, project, parent)
    assert notifications(app, me.id) == []
    assert mailbox.messages == []


def test_my_data_holds_comments_revisions_votes_and_reports(app, client, project, make_user, add_comment):
    other = make_user()
    others_comment = add_comment(project, other.id, "Fremder Text")
    me = make_user()
    login(client, me)
    post(client, f"{project.url}/kommentieren", {"body": "Erst so"})
    with app.app_context():
        mine = db.session.scalar(select(Comment.id).where(Comment.author_id == me.id))
    post(client, project.comment_url(mine, "bearbeiten"), {"body": "Dann so"})
    post(client, project.comment_url(others_comment, "bewerten"), {"value": "-1"})
    post(client, project.comment_url(others_comment, "melden"), {"reason": "off_topic"})
    data = json.loads(client.get("/konto/daten/meine-daten.json").get_data(as_text=True))["discussions"]
    [comment] = data["comments"]
    assert (comment["id"], comment["project"], comment["body"]) == (mine, project.slug, "Dann so")
    assert [v["body"] for v in comment["earlier_versions"]] == ["Erst so"]
    assert [(v["comment_id"], v["value"]) for v in data["votes"]] == [(others_comment, -1)]
    assert [(r["comment_id"], r["reason"]) for r in data["reports"]] == [(others_comment, "off_topic")]
    assert "Fremder Text" not in json.dumps(data)


def test_deleted_account_keeps_comments_as_geloeschtes_konto_and_replies_stay(
    app, client, project, make_user, add_comment
):
    leaver = make_user(name="Lea Leaving")
    stayer = make_user(name="Sam Stays")
    mine = add_comment(project, leaver.id, "Mein Beitrag bleibt")
    theirs = add_comment(project, stayer.id, "Antwort von Sam", parent_id=mine)
    login(client, leaver)
    response = post(
        client,
        "/konto/loeschen",
        {"current_password": TEST_PASSWORD, "confirm": "y"},
        token_from="/konto/loeschen",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, leaver.id).is_deleted
        assert {c.id for c in db.session.scalars(select(Comment))} == {mine, theirs}
    html = app.test_client().get(project.url).get_data(as_text=True)
    assert "Mein Beitrag bleibt" in html and "Antwort von Sam" in html
    assert "Gelöschtes Konto" in html and "Lea Leaving" not in html
    assert "Antwort an Gelöschtes Konto" in html
