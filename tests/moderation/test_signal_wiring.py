"""The moderation contract end to end: content domains send signals, the desk answers through their services.

Each test follows one path a reader can click through: the form, the content's service, its
signal (spied on here), the desk's receiver that opens the queue item, the decision, and the
content's own service that carries it out, with the people concerned notified.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from blinker import Signal
from sqlalchemy import event, select

from participation.accounts.models import User
from participation.discussions.models import Comment, CommentReport
from participation.discussions.signals import comment_held, comment_moderated, comment_reported
from participation.extensions import db
from participation.moderation import receivers
from participation.moderation.models import Decision
from participation.notifications.models import Notification
from participation.projects.models import Project
from participation.wiki import services as wiki_services
from participation.wiki.models import WikiRevision
from participation.wiki.signals import wiki_change_proposed, wiki_changes_settled
from tests.conftest import post
from tests.moderation.conftest import client_for, decide, item_for, report_as


@contextmanager
def sent(signal: Signal) -> Iterator[list[object]]:
    """The senders of every time the signal fires inside the block."""
    senders: list[object] = []

    def spy(sender: object, **_kwargs: object) -> None:
        senders.append(sender)

    with signal.connected_to(spy):
        yield senders


def _kinds(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Notification.kind).where(Notification.user_id == user_id).order_by(Notification.id)
            )
        )


def test_the_desk_is_subscribed_once_to_every_content_signal(app):
    """init_app ran for this app (and maybe others): each receiver is connected exactly once."""
    pairs = [
        (comment_held, receivers.on_comment_held),
        (comment_reported, receivers.on_comment_reported),
        (wiki_change_proposed, receivers.on_wiki_change_proposed),
        (wiki_changes_settled, receivers.on_wiki_changes_settled),
    ]
    for signal, receiver in pairs:
        connected = [r for r in signal.receivers_for(None) if r is receiver]
        assert connected == [receiver], signal.name
    assert len(list(comment_moderated.receivers_for(None))) == 1


def test_a_reported_comment_reaches_the_queue_and_the_decision_hides_it(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id)
    with sent(comment_reported) as senders:
        report_as(app, people["r1"], project, comment_id)
    assert [getattr(c, "id", None) for c in senders] == [comment_id]
    item = item_for(app, "comment", comment_id)
    assert item is not None and item.is_open
    response = decide(
        client_for(app, people["mod"]), item.id, "hide", item.version, "beleidigung", "Bitte sachlich."
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get_one(Comment, comment_id).status == "hidden"
        report = db.session.scalars(select(CommentReport)).one()
        assert report.resolved_at is not None and report.resolution == "hide"
    assert _kinds(app, people["author"].id) == ["moderation.statement"]
    assert _kinds(app, people["r1"].id) == ["moderation.report_outcome"]


def test_a_held_reply_reaches_the_queue_and_publishing_it_tells_the_parent(app, people, project, add_comment):
    parent_id = add_comment(project, people["r1"].id)
    with app.app_context():
        db.session.get_one(Project, project.id).premoderation = True
        db.session.commit()
    author = client_for(app, people["author"])
    with sent(comment_held) as senders:
        response = post(
            author,
            f"/projekte/{project.slug}/kommentieren",
            {"body": "Eine wartende Antwort.", "parent_id": str(parent_id)},
            token_from="/",
        )
    assert response.status_code == 302 and len(senders) == 1
    with app.app_context():
        reply_id = db.session.scalars(select(Comment.id).where(Comment.parent_id == parent_id)).one()
    item = item_for(app, "comment", reply_id)
    assert item is not None and item.is_open
    assert _kinds(app, people["r1"].id) == []  # nobody hears of a reply others cannot read yet
    assert decide(client_for(app, people["mod"]), item.id, "publish", item.version).status_code == 302
    with app.app_context():
        assert db.session.get_one(Comment, reply_id).status == "published"
    assert _kinds(app, people["r1"].id) == ["discussions.reply"]


def test_a_comment_hidden_in_place_becomes_a_decision_with_a_statement(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id)
    moderator = client_for(app, people["mod"])
    path = project.comment_url(comment_id, "ausblenden")
    with sent(comment_moderated) as senders:
        response = post(moderator, path, {"reason_code": "spam", "reason": "Werbung."}, token_from=path)
    assert response.status_code == 302 and len(senders) == 1
    item = item_for(app, "comment", comment_id)
    assert item is not None and not item.is_open
    with app.app_context():
        assert db.session.get_one(Comment, comment_id).status == "hidden"
        decision = db.session.scalars(select(Decision)).one()
        assert (decision.item_id, decision.action, decision.reason_code) == (item.id, "hide", "spam")
    assert _kinds(app, people["author"].id) == ["moderation.statement"]


def _propose(app, author_id: int, title: str) -> int:
    with app.test_request_context(), sent(wiki_change_proposed) as senders:
        revision = wiki_services.create_page(
            db.session.get_one(User, author_id), title=title, body="Text.", summary="neu"
        )
        db.session.commit()
        assert senders == [revision]
        return revision.id


def test_a_wiki_proposal_is_queued_when_proposed_and_the_decision_goes_back(app, people):
    refused, accepted = _propose(app, people["author"].id, "Freibad"), _propose(app, people["r1"].id, "Markt")
    # In the queue at once: nobody has opened the queue page.
    items = {rid: item_for(app, "wiki_revision", rid) for rid in (refused, accepted)}
    assert all(item is not None and item.is_open for item in items.values())
    moderator = client_for(app, people["mod"])
    refuse, accept = items[refused], items[accepted]
    assert refuse is not None and accept is not None
    assert (
        decide(moderator, refuse.id, "reject", refuse.version, "quellen", "Bitte Quelle.").status_code == 302
    )
    assert decide(moderator, accept.id, "publish", accept.version).status_code == 302
    with app.app_context():
        assert db.session.get_one(WikiRevision, refused).state == "rejected"
        assert db.session.get_one(WikiRevision, accepted).state == "approved"
    assert _kinds(app, people["author"].id) == ["moderation.statement"]
    assert _kinds(app, people["r1"].id) == ["wiki_approved"]


def test_a_withdrawn_wiki_proposal_leaves_the_queue(app, people):
    revision_id = _propose(app, people["author"].id, "Bürgerbüro")
    with app.test_request_context(), sent(wiki_changes_settled) as senders:
        revision = db.session.get_one(WikiRevision, revision_id)
        wiki_services.withdraw(db.session.get_one(User, people["author"].id), revision)
        db.session.commit()
    assert senders == [None]
    item = item_for(app, "wiki_revision", revision_id)
    assert item is not None and not item.is_open


def test_reading_the_queue_writes_nothing(app, people, project, add_comment):
    """GET /moderation and its filters, an item page: no INSERT, UPDATE or DELETE reaches the database."""
    comment_id = add_comment(project, people["author"].id)
    report_as(app, people["r1"], project, comment_id)
    _propose(app, people["author"].id, "Stadtpark")
    item = item_for(app, "comment", comment_id)
    assert item is not None
    moderator = client_for(app, people["mod"])
    moderator.get("/moderation")  # the session and login are settled before counting
    writes: list[str] = []

    def count(_conn, _cursor, statement: str, *_args: object) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for path in (
            "/moderation",
            "/moderation?typ=wiki",
            "/moderation?grund=vorab",
            f"/moderation/eintrag/{item.id}",
        ):
            assert moderator.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert writes == []
