"""Hiding and restoring on the discussion page is a moderation decision like one from the queue."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.core.models import AuditLogEntry
from participation.core.settings import set_setting
from participation.discussions import services as discussions
from participation.discussions.models import Comment, CommentReport
from participation.extensions import db
from participation.moderation import queue
from participation.moderation.errors import DecisionConflict, ReasonRequired, UnknownReason
from participation.moderation.models import Appeal, Decision, ModerationItem, TargetType
from participation.moderation.queue import open_item
from participation.notifications.models import Notification
from tests.conftest import post
from tests.moderation.conftest import client_for, item_for, report_as


def hide_in_place(client, project, comment_id: int, code: str, text: str):
    path = project.comment_url(comment_id, "ausblenden")
    return post(client, path, {"reason_code": code, "reason": text}, token_from=path)


def restore_in_place(client, project, comment_id: int, text: str):
    path = project.comment_url(comment_id, "wiederherstellen")
    return post(client, path, {"reason": text}, token_from=path)


def _status(app, comment_id: int) -> str:
    with app.app_context():
        return db.session.get(Comment, comment_id).status


def _decisions(app, item_id: int) -> list[tuple]:
    with app.app_context():
        return [
            (d.action, d.reason_code, d.reason_text, d.moderator_id, d.subject_id, d.seconds_to_decision)
            for d in db.session.scalars(
                select(Decision).where(Decision.item_id == item_id).order_by(Decision.id)
            )
        ]


def _kinds(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Notification.kind).where(Notification.user_id == user_id).order_by(Notification.id)
            )
        )


def test_hide_in_place_closes_the_queue_item_with_statement_and_appeal(
    app, people, project, add_comment, mailbox
):
    comment_id = add_comment(project, people["author"].id, "Ihr seid doch alle Idioten.")
    report_as(app, people["r1"], project, comment_id)
    waiting = item_for(app, "comment", comment_id)
    assert waiting.is_open
    moderator = client_for(app, people["mod"])
    response = hide_in_place(
        moderator, project, comment_id, "beleidigung", "Herabwürdigend gegenüber anderen."
    )
    assert response.status_code == 302
    assert _status(app, comment_id) == "hidden"
    item = item_for(app, "comment", comment_id)
    assert item.id == waiting.id and not item.is_open and item.version == waiting.version + 1
    assert item.decided_by_id == people["mod"].id
    [decision] = _decisions(app, item.id)
    assert decision[:5] == (
        "hide",
        "beleidigung",
        "Herabwürdigend gegenüber anderen.",
        people["mod"].id,
        people["author"].id,
    )
    assert decision[5] is not None  # it waited in the queue: counts for the median
    assert f'/moderation/eintrag/{item.id}"' not in moderator.get("/moderation").get_data(as_text=True)
    # The statement of reasons, in the app and by mail, like a queue decision.
    assert _kinds(app, people["author"].id) == ["moderation.statement"]
    body = mailbox.body(mailbox.last_to(people["author"].email))
    for expected in (
        "ausgeblendet",
        "Beleidigung oder Hassrede",
        "Herabwürdigend gegenüber anderen.",
        "Regel 2",
        "Person aus der Moderation",
        "Einspruch",
    ):
        assert expected in body
    # The reporter learns the outcome; the report is closed.
    assert _kinds(app, people["r1"].id) == ["moderation.report_outcome"]
    with app.app_context():
        report = db.session.scalar(select(CommentReport).where(CommentReport.comment_id == comment_id))
        assert report.resolution == "hide" and report.resolved_by_id == people["mod"].id
        entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "moderation.hide"))
        assert entry.actor_id == people["mod"].id and entry.target_id == comment_id
        assert entry.details["in_place"] is True and entry.details["reason_code"] == "beleidigung"
        decision_id = db.session.scalar(select(Decision.id).where(Decision.item_id == item.id))
    # The author appeals through the link in the mail; another moderator overturns.
    author = client_for(app, people["author"])
    link = mailbox.link_in_last(people["author"].email)
    assert link == f"/moderation/entscheidung/{decision_id}"
    assert (
        post(
            author, link, {"text": "Das war überspitzt, aber keine Beleidigung."}, token_from=link
        ).status_code
        == 302
    )
    with app.app_context():
        appeal = db.session.scalar(select(Appeal))
    review = f"/moderation/einspruch/{appeal.id}"
    data = {"outcome": "aufheben", "answer": "Grenzwertig, aber zulässig.", "version": str(appeal.version)}
    assert post(moderator, review + "/entscheiden", data, token_from=review).status_code == 403  # same person
    other = client_for(app, people["mod2"])
    assert post(other, review + "/entscheiden", data, token_from=review).status_code == 302
    assert _status(app, comment_id) == "published"


def test_hide_in_place_without_reports_writes_a_decided_item(app, people, project, add_comment, mailbox):
    comment_id = add_comment(project, people["author"].id)
    moderator = client_for(app, people["mod"])
    assert hide_in_place(moderator, project, comment_id, "spam", "Werbung für einen Shop.").status_code == 302
    item = item_for(app, "comment", comment_id)
    assert item is not None and not item.is_open and item.author_id == people["author"].id
    [decision] = _decisions(app, item.id)
    assert decision[:3] == ("hide", "spam", "Werbung für einen Shop.")
    assert decision[5] is None  # never waited in the queue: no time to decision
    assert "Regel 6" in mailbox.body(mailbox.last_to(people["author"].email))
    # Restoring in place is recorded on the same item as a second decision.
    assert restore_in_place(moderator, project, comment_id, "Doch kein Spam.").status_code == 302
    assert _status(app, comment_id) == "published"
    assert [row[0] for row in _decisions(app, item.id)] == ["hide", "restore"]
    again = item_for(app, "comment", comment_id)
    assert again.id == item.id and not again.is_open and again.version == item.version + 1
    assert len(mailbox.to(people["author"].email)) == 1  # a restore restricts nothing: no statement


def test_restore_in_place_decides_an_auto_hidden_item_and_tells_reporters(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id)
    for key in ("r1", "r2", "r3"):
        report_as(app, people[key], project, comment_id)
    assert _status(app, comment_id) == "hidden"
    item = item_for(app, "comment", comment_id)
    assert item.is_open and item.auto_hidden
    response = restore_in_place(client_for(app, people["mod"]), project, comment_id, "Sachliche Kritik.")
    assert response.status_code == 302
    assert _status(app, comment_id) == "published"
    assert not item_for(app, "comment", comment_id).is_open
    [decision] = _decisions(app, item.id)
    assert decision[:3] == ("restore", None, "Sachliche Kritik.")
    for key in ("r1", "r2", "r3"):
        assert _kinds(app, people[key].id) == ["moderation.report_outcome"]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(CommentReport).where(CommentReport.resolved_at.is_(None))
            )
            == 0
        )


def test_hiding_a_held_comment_in_place_closes_its_item(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id, status="pending")
    with app.app_context():
        open_item(TargetType.COMMENT, comment_id, project.id, people["author"].id)
        db.session.commit()
    item = item_for(app, "comment", comment_id)
    moderator = client_for(app, people["mod"])
    link = f'/moderation/eintrag/{item.id}"'
    assert link in moderator.get("/moderation?grund=vorab").get_data(as_text=True)
    assert hide_in_place(moderator, project, comment_id, "thema", "Gehört nicht hierher.").status_code == 302
    assert _status(app, comment_id) == "hidden"
    assert not item_for(app, "comment", comment_id).is_open
    assert link not in moderator.get("/moderation").get_data(as_text=True)
    assert [row[0] for row in _decisions(app, item.id)] == ["hide"]
    assert _kinds(app, people["author"].id) == ["moderation.statement"]


def test_categories_come_from_the_admin_setting(app, people, project, add_comment):
    with app.app_context():
        set_setting(None, "moderation.reason_categories", "laerm | Lärmbelästigung | Regel 9: Leise sein")
        db.session.commit()
    comment_id = add_comment(project, people["author"].id)
    moderator = client_for(app, people["mod"])
    form = moderator.get(project.comment_url(comment_id, "ausblenden")).get_data(as_text=True)
    assert "Lärmbelästigung (Regel 9: Leise sein)" in form and "Beleidigung oder Hassrede" not in form
    refused = hide_in_place(moderator, project, comment_id, "beleidigung", "Text")
    assert refused.status_code == 400 and "Diesen Grund gibt es nicht" in refused.get_data(as_text=True)
    assert _status(app, comment_id) == "published"
    assert hide_in_place(moderator, project, comment_id, "laerm", "Zu laut.").status_code == 302
    assert _decisions(app, item_for(app, "comment", comment_id).id)[0][1] == "laerm"


def test_the_moderation_desk_refuses_a_hide_without_category_at_the_service(
    app, people, project, add_comment
):
    """The rule holds below the form too: the receiver refuses, the transaction leaves nothing behind."""

    comment_id = add_comment(project, people["author"].id)
    with app.test_request_context():
        moderator = db.session.get(User, people["mod"].id)
        comment = db.session.get(Comment, comment_id)
        for code, refusal in ((None, ReasonRequired), ("erfunden", UnknownReason)):
            with pytest.raises(refusal):
                discussions.hide_comment(moderator, comment, "Begründung", code)
            db.session.rollback()
        with pytest.raises(ReasonRequired):
            discussions.hide_comment(moderator, db.session.get(Comment, comment_id), "  ", "spam")
        db.session.rollback()
    assert _status(app, comment_id) == "published"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModerationItem)) == 0
        assert db.session.scalar(select(func.count()).select_from(Decision)) == 0


def test_in_place_decision_after_a_queue_decision_changes_nothing(
    app, people, project, add_comment, monkeypatch
):
    """If a queue decision wins the race, the in-place one is rolled back with a clear message."""

    comment_id = add_comment(project, people["author"].id)
    report_as(app, people["r1"], project, comment_id)

    def someone_else_was_first(item, expected_version, moderator):
        raise DecisionConflict()

    monkeypatch.setattr(queue, "claim", someone_else_was_first)
    moderator = client_for(app, people["mod"])
    response = hide_in_place(moderator, project, comment_id, "spam", "Werbung.")
    assert response.status_code == 302
    page = moderator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Es hat sich nichts geändert." in page
    assert _status(app, comment_id) == "published"
    assert item_for(app, "comment", comment_id).is_open
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
