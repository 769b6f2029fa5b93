"""An overturned wiki rejection republishes the change, or tells the author to edit again."""

from __future__ import annotations

from sqlalchemy import select

from participation.accounts.models import User
from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.moderation import appeals
from participation.moderation.models import Appeal, Decision
from participation.notifications.models import Notification
from participation.wiki import services as wiki_services
from participation.wiki.models import WikiPage, WikiRevision
from tests.conftest import ROLE_SETS, post
from tests.moderation.conftest import client_for, decide, item_for

NEW_TEXT = "Das Bürgerbüro ist auch samstags von 9 bis 12 Uhr geöffnet."


def _page_with_proposal(app, planner, author) -> tuple[str, int, int]:
    """A published page (planner) and a citizen's pending change based on its current text."""
    with app.test_request_context():
        first = wiki_services.create_page(
            db.session.get(User, planner.id), title="Bürgerbüro", body="Montags geöffnet.", summary="neu"
        )
        proposal = wiki_services.propose_edit(
            db.session.get(User, author.id),
            first.page,
            title="Bürgerbüro",
            body=NEW_TEXT,
            summary="Samstag ergänzt",
            base_revision_id=first.id,
        )
        db.session.commit()
        return first.page.slug, first.id, proposal.id


def _reject_and_appeal(app, people, revision_id: int) -> Appeal:
    item = item_for(app, "wiki_revision", revision_id)  # queued when it was proposed
    assert item is not None
    response = decide(
        client_for(app, people["mod"]), item.id, "reject", item.version, "quellen", "Bitte mit Quelle."
    )
    assert response.status_code == 302
    with app.app_context():
        decision_id = db.session.scalar(select(Decision.id).where(Decision.item_id == item.id))
        assert db.session.get(WikiRevision, revision_id).state == "rejected"
    page = f"/moderation/entscheidung/{decision_id}"
    author = client_for(app, people["author"])
    assert post(author, page, {"text": "Steht im Amtsblatt."}, token_from=page).status_code == 302
    with app.app_context():
        appeal = db.session.scalar(select(Appeal).where(Appeal.decision_id == decision_id))
        db.session.expunge(appeal)
        return appeal


def _decide_appeal(app, people, appeal: Appeal, outcome: str):
    review = f"/moderation/einspruch/{appeal.id}"
    data = {"outcome": outcome, "answer": "Quelle liegt vor.", "version": str(appeal.version)}
    return post(client_for(app, people["mod2"]), review + "/entscheiden", data, token_from=review)


def _outcome_note(app, user_id: int) -> Notification:
    with app.app_context():
        note = db.session.scalar(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.kind.like("moderation.appeal_outcome%"))
            .order_by(Notification.id.desc())
        )
        db.session.expunge(note)
        return note


def test_overturned_rejection_publishes_the_change_when_the_page_has_not_moved_on(
    app, people, make_user, mailbox
):
    planner = make_user(ROLE_SETS["planner"])
    slug, _first_id, revision_id = _page_with_proposal(app, planner, people["author"])
    appeal = _reject_and_appeal(app, people, revision_id)
    assert NEW_TEXT not in app.test_client().get(f"/wiki/{slug}").get_data(as_text=True)
    assert _decide_appeal(app, people, appeal, "aufheben").status_code == 302
    with app.app_context():
        revision = db.session.get(WikiRevision, revision_id)
        assert revision.state == "approved" and revision.decision_reason is None
        assert db.session.scalar(select(WikiPage.approved_revision_id)) == revision_id
        entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "wiki.reinstate"))
        assert entry.actor_id == people["mod2"].id and entry.details["published"] is True
    assert NEW_TEXT in app.test_client().get(f"/wiki/{slug}").get_data(as_text=True)
    note = _outcome_note(app, people["author"].id)
    assert note.kind == appeals.WIKI_PUBLISHED_KIND and note.url == f"/wiki/{slug}"
    body = mailbox.body(mailbox.last_to(people["author"].email))
    assert "ist jetzt veröffentlicht" in body and "Quelle liegt vor." in body


def test_overturned_rejection_after_the_page_moved_on_tells_the_author_to_edit_again(
    app, people, make_user, mailbox
):
    planner = make_user(ROLE_SETS["planner"])
    slug, first_id, revision_id = _page_with_proposal(app, planner, people["author"])
    appeal = _reject_and_appeal(app, people, revision_id)
    with app.test_request_context():
        page = db.session.scalar(select(WikiPage))
        newer = wiki_services.propose_edit(
            db.session.get(User, planner.id),
            page,
            title="Bürgerbüro",
            body="Montags und dienstags geöffnet.",
            summary="Dienstag",
            base_revision_id=first_id,
        )
        db.session.commit()
        newer_id = newer.id
    assert _decide_appeal(app, people, appeal, "aufheben").status_code == 302
    with app.app_context():
        assert db.session.get(WikiRevision, revision_id).state == "outdated"
        assert db.session.scalar(select(WikiPage.approved_revision_id)) == newer_id
        assert db.session.get(Appeal, appeal.id).status == "overturned"
    assert NEW_TEXT not in app.test_client().get(f"/wiki/{slug}").get_data(as_text=True)
    note = _outcome_note(app, people["author"].id)
    assert note.kind == appeals.WIKI_OUTDATED_KIND and note.url == f"/wiki/{slug}/bearbeiten"
    body = mailbox.body(mailbox.last_to(people["author"].email))
    assert "inzwischen geändert" in body and "erneut bearbeiten" in body
    assert f"/wiki/{slug}/bearbeiten" in body
    # The link works: the author can edit the current text.
    assert client_for(app, people["author"]).get(f"/wiki/{slug}/bearbeiten").status_code == 200


def test_overturned_rejection_of_a_new_page_publishes_it(app, people):
    with app.test_request_context():
        proposal = wiki_services.create_page(
            db.session.get(User, people["author"].id), title="Stadtbücherei", body="Am Markt.", summary="neu"
        )
        db.session.commit()
        revision_id, slug = proposal.id, proposal.page.slug
    appeal = _reject_and_appeal(app, people, revision_id)
    assert app.test_client().get(f"/wiki/{slug}").status_code == 404
    assert _decide_appeal(app, people, appeal, "aufheben").status_code == 302
    html = app.test_client().get(f"/wiki/{slug}").get_data(as_text=True)
    assert "Stadtbücherei" in html and "Am Markt." in html


def test_upheld_rejection_keeps_the_change_refused(app, people, make_user):
    planner = make_user(ROLE_SETS["planner"])
    _slug, first_id, revision_id = _page_with_proposal(app, planner, people["author"])
    appeal = _reject_and_appeal(app, people, revision_id)
    assert _decide_appeal(app, people, appeal, "aufrecht").status_code == 302
    with app.app_context():
        assert db.session.get(WikiRevision, revision_id).state == "rejected"
        assert db.session.scalar(select(WikiPage.approved_revision_id)) == first_id
    assert _outcome_note(app, people["author"].id).kind == appeals.APPEAL_OUTCOME_KIND
