"""Review: approve, reject with a reason, outdated changes, and two moderators deciding at once."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.notifications.models import Notification
from participation.wiki.models import WikiRevision
from tests.conftest import ROLE_SETS, is_postgres, login, post
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


def _audit(app, action: str) -> list[AuditLogEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditLogEntry).where(AuditLogEntry.action == action)).all()
        db.session.remove()
    return list(rows)


def test_approve_publishes_and_tells_the_author(app, client, proposal, logged_in, mailbox):
    page, author, pending_id = proposal
    moderator = logged_in("moderator")
    response = decide(client, pending_id, "freigeben")
    assert response.status_code == 302 and response.headers["Location"].endswith("/wiki/pruefung")
    assert approved_id(app, page.id) == pending_id
    assert _state(app, pending_id).decided_by_id == moderator.id
    assert "samstags" in app.test_client().get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert "veröffentlicht" in mailbox.body(mailbox.last_to(author.email))
    assert [row.target_id for row in _audit(app, "wiki.approve")] == [page.id]


def test_reject_needs_a_reason(app, client, proposal, logged_in, mailbox):
    page, author, pending_id = proposal
    logged_in("moderator")
    response = decide(client, pending_id, "ablehnen", reason="   ")
    assert response.status_code == 400
    assert "Bitte begründen Sie die Ablehnung." in response.get_data(as_text=True)
    assert _state(app, pending_id).state == "pending"
    assert not mailbox.to(author.email)


def test_reject_reason_is_shown_and_mailed(app, client, proposal, logged_in, mailbox):
    page, author, pending_id = proposal
    logged_in("moderator")
    reason = "Samstags ist das Bürgerbüro laut Amtsblatt geschlossen."
    response = decide(client, pending_id, "ablehnen", reason=reason)
    assert response.status_code == 302
    revision = _state(app, pending_id)
    assert (revision.state, revision.decision_reason) == ("rejected", reason)
    assert approved_id(app, page.id) == page.revision_id
    assert reason in mailbox.body(mailbox.last_to(author.email))
    author_client = app.test_client()
    login(author_client, author)
    assert reason in author_client.get(f"/wiki/{page.slug}/versionen/{pending_id}").get_data(as_text=True)
    assert [row.reason for row in _audit(app, "wiki.reject")] == [reason]


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
        db.session.remove()
    assert kinds == ["wiki_outdated"]
    # The outdated change cannot be approved any more; the second author may edit again.
    response = decide(client, second_id)
    assert "bereits entschieden" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert propose(other, page.slug, "Dienstags geschlossen, samstags offen.").status_code == 302


def test_review_list_is_oldest_first(app, client, make_page, make_user, logged_in):
    titles = []
    for title in ("Ortsteile", "Bürgerbüro", "Häufige Fragen"):
        page = make_page(title=title, body=f"Text über {title}.")
        citizen = app.test_client()
        login(citizen, make_user(ROLE_SETS["citizen"]))
        propose(citizen, page.slug, f"Neuer Text über {title}.")
        titles.append(title)
    logged_in("moderator")
    html = client.get("/wiki/pruefung").get_data(as_text=True)
    positions = [html.index(f">{title}</a>") for title in titles]
    assert positions == sorted(positions)


def test_second_decision_on_the_same_change_changes_nothing(app, proposal, make_user, mailbox):
    """Two moderators opened the review page; the one who submits second gets a clear message."""
    page, author, pending_id = proposal
    first, second = app.test_client(), app.test_client()
    login(first, make_user(ROLE_SETS["moderator"]))
    login(second, make_user(ROLE_SETS["admin"]))
    pages = {c: c.get(f"/wiki/pruefung/{pending_id}").get_data(as_text=True) for c in (first, second)}
    versions = {c: re.search(r'name="version" value="(\d+)"', html).group(1) for c, html in pages.items()}
    assert (
        post(
            first, f"/wiki/pruefung/{pending_id}/freigeben", {"version": versions[first]}, token_from="/wiki/"
        ).status_code
        == 302
    )
    mails_before = len(mailbox.messages)
    response = post(
        second,
        f"/wiki/pruefung/{pending_id}/ablehnen",
        {"version": versions[second], "reason": "Doppelt"},
        token_from="/wiki/",
    )
    assert response.status_code == 302
    assert "bereits entschieden" in second.get(response.headers["Location"]).get_data(as_text=True)
    revision = _state(app, pending_id)
    assert (revision.state, revision.decision_reason, revision.version) == ("approved", None, 2)
    assert approved_id(app, page.id) == pending_id
    assert len(mailbox.messages) == mails_before
    assert _audit(app, "wiki.reject") == [] and len(_audit(app, "wiki.approve")) == 1


@pytest.mark.skipif(
    not is_postgres(), reason="a real race needs PostgreSQL's row locks (SQLite serialises writers)"
)
@pytest.mark.parametrize(
    "actions", [("freigeben", "ablehnen"), ("freigeben", "freigeben"), ("ablehnen", "ablehnen")]
)
def test_concurrent_decisions_in_parallel_requests(app, proposal, make_user, actions):
    page, _author, pending_id = proposal
    clients = []
    for role in ("moderator", "admin"):
        c = app.test_client()
        login(c, make_user(ROLE_SETS[role]))
        html = c.get(f"/wiki/pruefung/{pending_id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        clients.append((c, token))
    barrier = threading.Barrier(len(clients))
    answers: list[str] = [""] * len(clients)

    def decide_in_thread(index: int) -> None:
        c, token = clients[index]
        data = {"csrf_token": token, "version": "1", "reason": f"Grund {index}", "confirmed": "1"}
        barrier.wait()
        answers[index] = c.post(f"/wiki/pruefung/{pending_id}/{actions[index]}", data=data).headers[
            "Location"
        ]

    threads = [threading.Thread(target=decide_in_thread, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [a for a in answers if a.endswith("/wiki/pruefung")]
    losers = [a for a in answers if a.endswith(f"/wiki/pruefung/{pending_id}")]
    assert len(winners) == 1 and len(losers) == 1, answers
    revision = _state(app, pending_id)
    assert revision.version == 2
    decisions = _audit(app, "wiki.approve") + _audit(app, "wiki.reject")
    assert len(decisions) == 1
    assert (approved_id(app, page.id) == pending_id) == (revision.state == "approved")


@pytest.mark.skipif(
    not is_postgres(), reason="a real race needs PostgreSQL's row locks (SQLite serialises writers)"
)
def test_parallel_approvals_of_two_changes_to_one_page_publish_only_one(app, proposal, make_user):
    """Both changes are based on the same text: the page pointer moves once, the other change is refused."""
    page, _author, first_id = proposal
    other = app.test_client()
    login(other, make_user(ROLE_SETS["citizen"]))
    assert propose(other, page.slug, "Ein ganz anderer Vorschlag.").status_code == 302
    second_id = revisions(app, page.id)[-1][0]
    jobs = []
    for revision_id in (first_id, second_id):
        c = app.test_client()
        login(c, make_user(ROLE_SETS["moderator"]))
        html = c.get(f"/wiki/pruefung/{revision_id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        jobs.append((c, token, revision_id))
    barrier = threading.Barrier(len(jobs))
    answers: dict[int, str] = {}

    def approve(c, token, revision_id) -> None:
        barrier.wait()
        response = c.post(
            f"/wiki/pruefung/{revision_id}/freigeben", data={"csrf_token": token, "version": "1"}
        )
        answers[revision_id] = response.headers["Location"]

    threads = [threading.Thread(target=approve, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [rid for rid, location in answers.items() if location.endswith("/wiki/pruefung")]
    assert len(winners) == 1, answers
    loser = ({first_id, second_id} - set(winners)).pop()
    assert approved_id(app, page.id) == winners[0]
    assert _state(app, winners[0]).state == "approved"
    assert _state(app, loser).state == "outdated"
    assert len(_audit(app, "wiki.approve")) == 1
