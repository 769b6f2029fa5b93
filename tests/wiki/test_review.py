"""Review on the moderation desk's one screen: approve, reject with a reason, outdated changes, races.

/wiki/pruefung and /wiki/pruefung/<id> lead to the desk; a decision writes one log entry, one
statement of reasons (rejections) and one notification, never the wiki's own entries as well.
"""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.moderation.models import Decision, ModerationItem
from participation.notifications.models import Notification
from participation.wiki.models import WikiRevision
from tests.conftest import CSRF_RE, ROLE_SETS, is_postgres, login
from tests.wiki.conftest import approved_id, decide, propose, revisions


@pytest.fixture
def proposal(app, make_page, make_user):
    """A published page and a verified citizen's pending change to it."""
    page = make_page(title="Bürgerbüro", body="Montags geöffnet.")
    author = make_user(ROLE_SETS["citizen"], name="Anna Beispiel")
    citizen = app.test_client()
    login(citizen, author)
    assert (
        propose(citizen, page.slug, "Montags und samstags geöffnet.", summary="Samstag ergänzt").status_code
        == 302
    )
    return page, author, revisions(app, page.id)[-1][0]


def _state(app, revision_id: int) -> WikiRevision:
    with app.app_context():
        revision = db.session.get(WikiRevision, revision_id)
        db.session.expunge(revision)
        db.session.remove()
    return revision


def _audit(app, *actions: str) -> list[AuditLogEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditLogEntry).where(AuditLogEntry.action.in_(actions))).all()
        db.session.remove()
    return list(rows)


def _count(app, model) -> int:
    with app.app_context():
        number = db.session.scalar(select(func.count()).select_from(model)) or 0
        db.session.remove()
    return number


def _screen(client, revision_id: int) -> tuple[str, str, str]:
    """The decision screen's path, its CSRF token and the item version it shows."""
    response = client.get(f"/wiki/pruefung/{revision_id}", follow_redirects=True)
    html = response.get_data(as_text=True)
    token = CSRF_RE.search(html)
    version = re.search(r'name="version" value="(\d+)"', html)
    assert token and version, html[:500]
    return response.request.path, token.group(1) or token.group(2), version.group(1)


def test_the_review_addresses_lead_to_the_moderation_desk(app, client, proposal, logged_in):
    _page, _author, pending_id = proposal
    logged_in("moderator")
    assert client.get("/wiki/pruefung").headers["Location"].endswith("/moderation?typ=wiki")
    response = client.get(f"/wiki/pruefung/{pending_id}", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path.startswith("/moderation/eintrag/")
    # The word diff, the proposer's note and the same decision form as for a comment.
    assert "<ins>" in html and "samstags" in html and "Samstag ergänzt" in html
    assert 'name="reason_code"' in html and 'name="text"' in html
    assert 'value="publish"' in html and 'value="reject"' in html
    assert client.get("/wiki/pruefung/999999").status_code == 404


def test_approve_publishes_and_tells_the_author_once(app, client, proposal, logged_in, mailbox):
    page, author, pending_id = proposal
    moderator = logged_in("moderator")
    response = decide(client, pending_id, "freigeben")
    assert response.status_code == 302 and response.headers["Location"].endswith("/moderation")
    assert approved_id(app, page.id) == pending_id
    assert _state(app, pending_id).decided_by_id == moderator.id
    assert "samstags" in app.test_client().get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert "veröffentlicht" in mailbox.body(mailbox.last_to(author.email))
    assert len(mailbox.to(author.email)) == 1
    # One decision: one log entry (not the wiki's own as well), one decision row, one notice.
    assert [row.action for row in _audit(app, "wiki.approve", "moderation.publish")] == ["moderation.publish"]
    assert _count(app, Decision) == 1
    with app.app_context():
        kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == author.id)).all()
    assert kinds == ["wiki_approved"]


def test_reject_needs_a_reason(app, client, proposal, logged_in, mailbox):
    page, author, pending_id = proposal
    logged_in("moderator")
    response = decide(client, pending_id, "ablehnen", reason="   ")
    assert response.status_code == 400
    assert "Bitte begründen Sie die Entscheidung" in response.get_data(as_text=True)
    assert _state(app, pending_id).state == "pending"
    assert not mailbox.to(author.email)


def test_reject_reason_is_shown_and_mailed_once(app, client, proposal, logged_in, mailbox):
    page, author, pending_id = proposal
    logged_in("moderator")
    reason = "Samstags ist das Bürgerbüro laut Amtsblatt geschlossen."
    response = decide(client, pending_id, "ablehnen", reason=reason)
    assert response.status_code == 302
    revision = _state(app, pending_id)
    assert (revision.state, revision.decision_reason) == ("rejected", reason)
    assert approved_id(app, page.id) == page.revision_id
    body = mailbox.body(mailbox.last_to(author.email))
    assert reason in body and "Regel 3" in body
    assert len(mailbox.to(author.email)) == 1  # the statement of reasons, not a second notice
    author_client = app.test_client()
    login(author_client, author)
    assert reason in author_client.get(f"/wiki/{page.slug}/versionen/{pending_id}").get_data(as_text=True)
    assert [row.reason for row in _audit(app, "wiki.reject", "moderation.reject")] == [reason]


def test_approving_outdates_other_pending_changes(app, client, proposal, make_user, logged_in, mailbox):
    page, first_author, first_id = proposal
    second_author = make_user(ROLE_SETS["citizen"])
    other = app.test_client()
    login(other, second_author)
    assert propose(other, page.slug, "Dienstags geschlossen.").status_code == 302
    second_id = revisions(app, page.id)[-1][0]
    logged_in("moderator")
    assert decide(client, first_id).status_code == 302
    assert _state(app, second_id).state == "outdated"
    body = mailbox.body(mailbox.last_to(second_author.email))
    assert "erneut bearbeiten" in body
    with app.app_context():
        kinds = db.session.scalars(
            select(Notification.kind).where(Notification.user_id == second_author.id)
        ).all()
        open_items = db.session.scalar(
            select(func.count()).select_from(ModerationItem).where(ModerationItem.status == "open")
        )
        db.session.remove()
    assert kinds == ["wiki_outdated"] and open_items == 0  # the outdated change left the queue
    # The outdated change cannot be approved any more; the second author may edit again.
    response = decide(client, second_id)
    assert "nichts geändert" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _state(app, second_id).state == "outdated"
    assert propose(other, page.slug, "Dienstags geschlossen, samstags offen.").status_code == 302


def test_waiting_changes_are_listed_oldest_first(app, client, make_page, make_user, logged_in):
    titles = []
    for title in ("Ortsteile", "Bürgerbüro", "Häufige Fragen"):
        page = make_page(title=title, body=f"Text über {title}.")
        citizen = app.test_client()
        login(citizen, make_user(ROLE_SETS["citizen"]))
        propose(citizen, page.slug, f"Neuer Text über {title}.")
        titles.append(title)
    logged_in("moderator")
    html = client.get("/wiki/pruefung", follow_redirects=True).get_data(as_text=True)
    positions = [html.index(f"Wiki-Änderung: {title}") for title in titles]
    assert positions == sorted(positions)


def test_second_decision_on_the_same_change_changes_nothing(app, proposal, make_user, mailbox):
    """Two moderators opened the decision screen; the one who submits second gets a clear message."""
    page, author, pending_id = proposal
    first, second = app.test_client(), app.test_client()
    login(first, make_user(ROLE_SETS["moderator"]))
    login(second, make_user(ROLE_SETS["admin"]))
    screens = {c: _screen(c, pending_id) for c in (first, second)}
    path, token, version = screens[first]
    assert (
        first.post(
            f"{path}/entscheiden", data={"csrf_token": token, "version": version, "action": "publish"}
        ).status_code
        == 302
    )
    mails_before = len(mailbox.messages)
    path, token, version = screens[second]
    data = {"csrf_token": token, "version": version, "action": "reject", "reason_code": "thema"}
    response = second.post(f"{path}/entscheiden", data={**data, "text": "Doppelt", "confirmed": "1"})
    assert response.status_code == 302
    assert "nichts geändert" in second.get(response.headers["Location"]).get_data(as_text=True)
    revision = _state(app, pending_id)
    assert (revision.state, revision.decision_reason, revision.version) == ("approved", None, 2)
    assert approved_id(app, page.id) == pending_id
    assert len(mailbox.messages) == mails_before
    assert [row.action for row in _audit(app, "moderation.reject", "moderation.publish")] == [
        "moderation.publish"
    ]


needs_postgres = pytest.mark.skipif(
    not is_postgres(), reason="a real race needs PostgreSQL's row locks (SQLite serialises writers)"
)


def _race(clients: list[tuple], payloads: list[dict]) -> list[str]:
    """Post every client's decision at the same moment; the answers' Location headers."""
    barrier = threading.Barrier(len(clients))
    answers: list[str] = [""] * len(clients)

    def run(index: int) -> None:
        client, path, token = clients[index]
        barrier.wait()
        answers[index] = client.post(
            f"{path}/entscheiden", data={"csrf_token": token, **payloads[index]}
        ).headers["Location"]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


@needs_postgres
@pytest.mark.parametrize("actions", [("publish", "reject"), ("publish", "publish"), ("reject", "reject")])
def test_concurrent_decisions_in_parallel_requests(app, proposal, make_user, actions):
    page, _author, pending_id = proposal
    clients = []
    for role in ("moderator", "admin"):
        c = app.test_client()
        login(c, make_user(ROLE_SETS[role]))
        path, token, version = _screen(c, pending_id)
        clients.append((c, path, token))
    payloads = [
        {"version": version, "action": action, "reason_code": "thema", "text": f"Grund {i}", "confirmed": "1"}
        for i, action in enumerate(actions)
    ]
    answers = _race(clients, payloads)
    winners = [a for a in answers if a.endswith("/moderation")]
    assert len(winners) == 1, answers
    revision = _state(app, pending_id)
    assert revision.version == 2
    assert len(_audit(app, "moderation.publish", "moderation.reject")) == 1
    assert (approved_id(app, page.id) == pending_id) == (revision.state == "approved")


@needs_postgres
def test_parallel_approvals_of_two_changes_to_one_page_publish_only_one(app, proposal, make_user):
    """Both changes are based on the same text: the page pointer moves once, the other change is refused."""
    page, _author, first_id = proposal
    other = app.test_client()
    login(other, make_user(ROLE_SETS["citizen"]))
    assert propose(other, page.slug, "Ein ganz anderer Vorschlag.").status_code == 302
    second_id = revisions(app, page.id)[-1][0]
    clients, payloads = [], []
    for revision_id in (first_id, second_id):
        c = app.test_client()
        login(c, make_user(ROLE_SETS["moderator"]))
        path, token, version = _screen(c, revision_id)
        clients.append((c, path, token))
        payloads.append({"version": version, "action": "publish"})
    answers = _race(clients, payloads)
    winners = [
        rid
        for rid, location in zip((first_id, second_id), answers, strict=True)
        if location.endswith("/moderation")
    ]
    assert len(winners) == 1, answers
    loser = ({first_id, second_id} - set(winners)).pop()
    assert approved_id(app, page.id) == winners[0]
    assert _state(app, winners[0]).state == "approved"
    assert _state(app, loser).state == "outdated"
    assert len(_audit(app, "moderation.publish", "wiki.approve")) == 1
