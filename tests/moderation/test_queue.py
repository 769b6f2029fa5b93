"""The queue: reports and held content reach it, one row per item, reopening, filters, decisions, locking."""

from __future__ import annotations

from sqlalchemy import select

from participation.accounts.models import User
from participation.core.models import AuditLogEntry
from participation.discussions.models import Comment, CommentReport
from participation.extensions import db
from participation.moderation.models import TargetType
from participation.moderation.queue import open_item
from participation.notifications.models import Notification
from participation.wiki import services as wiki_services
from participation.wiki.models import WikiRevision
from tests.moderation.conftest import client_for, decide, item_for, report_as


def _comment(app, comment_id):
    with app.app_context():
        return db.session.get(Comment, comment_id).status


def test_report_reaches_queue_with_reason_count_author_and_project(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id, "Ihr seid alle doof.")
    report_as(app, people["r1"], project, comment_id, "abuse")
    report_as(app, people["r2"], project, comment_id, "spam")
    item = item_for(app, "comment", comment_id)
    assert item is not None and item.is_open
    html = client_for(app, people["mod"]).get("/moderation").get_data(as_text=True)
    assert html.count(f'/moderation/eintrag/{item.id}"') == 1  # one row for two reports
    assert "<li>Beleidigung oder Hassrede</li>" in html and "<li>Spam</li>" in html
    assert "2 Meldungen" in html
    assert "Ihr seid alle doof." in html
    assert "Autorin" in html and project.title in html


def test_hide_with_reason_tells_author_in_app_and_by_mail_and_reporters(
    app, people, project, add_comment, mailbox
):
    comment_id = add_comment(project, people["author"].id)
    report_as(app, people["r1"], project, comment_id)
    item = item_for(app, "comment", comment_id)
    moderator = client_for(app, people["mod"])
    response = decide(moderator, item.id, "hide", item.version, "beleidigung", "Herabwürdigende Wortwahl.")
    assert response.status_code == 302
    assert _comment(app, comment_id) == "hidden"
    assert not item_for(app, "comment", comment_id).is_open
    body = mailbox.body(mailbox.last_to(people["author"].email))
    for expected in (
        "ausgeblendet",
        "Beleidigung oder Hassrede",
        "Herabwürdigende Wortwahl.",
        "Regel 2",
        "Person aus der Moderation",
        "Einspruch",
    ):
        assert expected in body
    with app.app_context():
        kinds = {
            n.kind
            for n in db.session.scalars(
                select(Notification).where(Notification.user_id == people["author"].id)
            )
        }
        assert "moderation.statement" in kinds
        reporter_note = db.session.scalar(select(Notification).where(Notification.user_id == people["r1"].id))
        assert reporter_note.kind == "moderation.report_outcome"
        report = db.session.scalar(select(CommentReport).where(CommentReport.comment_id == comment_id))
        assert report.resolved_by_id == people["mod"].id and report.resolution == "hide"
        entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "moderation.hide"))
        assert entry.actor_id == people["mod"].id and entry.reason == "Herabwürdigende Wortwahl."
        assert entry.details["reason_code"] == "beleidigung"
    assert "Ergebnis" in mailbox.body(mailbox.last_to(people["r1"].email))


def test_new_report_on_decided_item_reopens_same_row(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id)
    report_as(app, people["r1"], project, comment_id)
    first = item_for(app, "comment", comment_id)
    assert decide(client_for(app, people["mod"]), first.id, "dismiss", first.version).status_code == 302
    assert _comment(app, comment_id) == "published"
    assert not item_for(app, "comment", comment_id).is_open
    report_as(app, people["r2"], project, comment_id)
    again = item_for(app, "comment", comment_id)
    assert again.id == first.id and again.is_open and again.version > first.version


def test_transitions_publish_remove_restore(app, people, project, add_comment):
    moderator = client_for(app, people["mod"])
    held = add_comment(project, people["author"].id, status="pending")
    with app.app_context():
        open_item(TargetType.COMMENT, held, project.id, people["author"].id)
        db.session.commit()
    item = item_for(app, "comment", held)
    assert decide(moderator, item.id, "publish", item.version).status_code == 302
    assert _comment(app, held) == "published"

    removed = add_comment(project, people["author"].id)
    report_as(app, people["r1"], project, removed, "unlawful", "Volksverhetzung")
    item = item_for(app, "comment", removed)
    decide(moderator, item.id, "remove", item.version, "rechtswidrig", "Strafbarer Inhalt.")
    assert _comment(app, removed) == "removed"

    auto = add_comment(project, people["author"].id)
    for key in ("r1", "r2", "r3"):
        report_as(app, people[key], project, auto)
    assert _comment(app, auto) == "hidden"
    item = item_for(app, "comment", auto)
    assert decide(moderator, item.id, "restore", item.version).status_code == 302
    assert _comment(app, auto) == "published"


def test_second_moderator_gets_message_and_nothing_changes(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id)
    report_as(app, people["r1"], project, comment_id)
    item = item_for(app, "comment", comment_id)
    first, second = client_for(app, people["mod"]), client_for(app, people["mod2"])
    assert decide(first, item.id, "dismiss", item.version).status_code == 302
    response = decide(second, item.id, "hide", item.version, "spam", "Werbung")
    assert response.status_code == 302
    page = second.get(response.headers["Location"]).get_data(as_text=True)
    assert "bereits entschieden" in page and "nichts geändert" in page
    assert _comment(app, comment_id) == "published"
    with app.app_context():
        assert (
            db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "moderation.hide")) is None
        )


def test_bad_input_is_answered_clearly(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id)
    report_as(app, people["r1"], project, comment_id)
    item = item_for(app, "comment", comment_id)
    moderator = client_for(app, people["mod"])
    unknown = decide(moderator, item.id, "hide", item.version, "erfunden", "Text")
    assert unknown.status_code == 400 and "Diesen Grund gibt es nicht" in unknown.get_data(as_text=True)
    missing = decide(moderator, item.id, "hide", item.version, "spam", "")
    assert missing.status_code == 400 and "Bitte begründen Sie" in missing.get_data(as_text=True)
    assert decide(moderator, item.id, "delete_everything", item.version).status_code == 400
    assert decide(moderator, item.id, "dismiss", "abc").status_code == 400  # tampered version
    assert decide(moderator, 999_999, "dismiss", 1).status_code == 404
    assert _comment(app, comment_id) == "published"
    decide(moderator, item.id, "dismiss", item.version)
    late = decide(moderator, item.id, "hide", item.version + 1, "spam", "Werbung")  # no longer waits
    assert "bereits entschieden" in moderator.get(late.headers["Location"]).get_data(as_text=True)
    assert _comment(app, comment_id) == "published"


def test_filters_by_type_reason_and_project(app, people, make_project, add_comment):
    first, second = make_project("erstes", "Erstes Vorhaben"), make_project("zweites", "Zweites Vorhaben")
    spam = add_comment(first, people["author"].id)
    abuse = add_comment(second, people["author"].id)
    report_as(app, people["r1"], first, spam, "spam")
    report_as(app, people["r1"], second, abuse, "abuse")
    spam_item, abuse_item = item_for(app, "comment", spam), item_for(app, "comment", abuse)
    moderator = client_for(app, people["mod"])

    def listed(query):
        html = moderator.get("/moderation" + query).get_data(as_text=True)
        return {i for i in (spam_item.id, abuse_item.id) if f'/moderation/eintrag/{i}"' in html}

    assert listed("") == {spam_item.id, abuse_item.id}
    assert listed("?grund=spam") == {spam_item.id}
    assert listed(f"?vorhaben={second.id}") == {abuse_item.id}
    assert listed("?typ=wiki") == set()
    assert listed("?grund=vorab") == set()
    html = moderator.get("/moderation").get_data(as_text=True)
    assert html.index(f'/moderation/eintrag/{spam_item.id}"') < html.index(
        f'/moderation/eintrag/{abuse_item.id}"'
    )


def test_pending_wiki_change_in_queue_rejected_with_statement(app, people, mailbox):

    with app.app_context():
        author = db.session.get(User, people["author"].id)
        revision = wiki_services.create_page(author, title="Spielplätze", body="Text", summary="neu")
        db.session.commit()
        revision_id = revision.id
    moderator = client_for(app, people["mod"])
    assert "Wiki-Änderung: Spielplätze" in moderator.get("/moderation?typ=wiki").get_data(as_text=True)
    item = item_for(app, "wiki_revision", revision_id)
    response = decide(moderator, item.id, "reject", item.version, "thema", "Gehört nicht ins Wiki.")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(WikiRevision, revision_id).state == "rejected"
    body = mailbox.body(mailbox.last_to(people["author"].email))
    assert "Gehört nicht ins Wiki." in body and "Regel 3" in body
    assert len(mailbox.to(people["author"].email)) == 1  # one statement, not two mails
