"""Optimistic locking under real parallel decisions (PostgreSQL) and moderation data in "Meine Daten"."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from participation.accounts.models import User
from participation.core.models import AuditLogEntry
from participation.discussions.models import Comment
from participation.extensions import db
from participation.moderation import appeals, services
from participation.moderation.models import Appeal, Decision, ModerationItem
from participation.notifications.models import Notification
from tests.conftest import csrf_token, post
from tests.moderation.conftest import client_for, decide, item_for, needs_postgres, race, report_as

CONFLICT_TEXT = "bereits entschieden"


def _prepared_post(client, path, token_from, data):
    """A POST whose CSRF token is fetched now, so the threads only send the decision itself."""
    payload = {"csrf_token": csrf_token(client, token_from), **data}
    return lambda: client.post(path, data=payload)


def _audit_count(app, like: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditLogEntry).where(AuditLogEntry.action.like(like))
        )


def _reported_comment(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id, "Streitbarer Text 0815")
    report_as(app, people["r1"], project, comment_id)
    return comment_id, item_for(app, "comment", comment_id)


@needs_postgres
def test_parallel_moderators_on_same_item_exactly_one_decision(app, people, project, add_comment):
    comment_id, item = _reported_comment(app, people, project, add_comment)
    page = f"/moderation/eintrag/{item.id}"
    choices = [
        ("mod", {"action": "hide", "reason_code": "umgangston", "text": "Zu scharf."}, "hidden"),
        ("mod2", {"action": "remove", "reason_code": "spam", "text": "Werbung."}, "removed"),
        ("admin", {"action": "dismiss", "reason_code": "", "text": ""}, "published"),
    ]
    clients = [client_for(app, people[who]) for who, _data, _status in choices]
    jobs = [
        _prepared_post(client, page + "/entscheiden", page, {**data, "version": str(item.version)})
        for client, (_who, data, _status) in zip(clients, choices, strict=True)
    ]
    responses = race(jobs)
    assert all(r.status_code == 302 for r in responses)
    winners = [i for i, r in enumerate(responses) if r.headers["Location"].endswith("/moderation")]
    assert len(winners) == 1, [r.headers["Location"] for r in responses]
    winner = winners[0]
    with app.app_context():
        decisions = db.session.scalars(select(Decision).where(Decision.item_id == item.id)).all()
        assert len(decisions) == 1
        assert decisions[0].action == choices[winner][1]["action"]
        row = db.session.get(ModerationItem, item.id)
        assert row.status == "decided" and row.version == item.version + 1
        assert db.session.get(Comment, comment_id).status == choices[winner][2]
    assert _audit_count(app, "moderation.%") - _audit_count(app, "moderation.appeal%") == 1
    for index, (client, response) in enumerate(zip(clients, responses, strict=True)):
        if index != winner:
            html = client.get(response.headers["Location"]).get_data(as_text=True)
            assert CONFLICT_TEXT in html and "nichts geändert" in html


@needs_postgres
def test_parallel_service_calls_one_wins_others_conflict(app, people, project, add_comment):
    """Each thread its own request context and session; the losers get DecisionConflict."""
    _comment_id, item = _reported_comment(app, people, project, add_comment)

    def job(who, action, code, text):
        def run():
            # A request context, not just an app context: the statement of reasons builds URLs.
            with app.test_request_context():
                moderator = db.session.get(User, people[who].id)
                row = db.session.get(ModerationItem, item.id)
                try:
                    services.decide(moderator, row, item.version, action, code, text)
                    db.session.commit()
                    return "won"
                except services.DecisionConflict:
                    db.session.rollback()
                    return "conflict"
                finally:
                    db.session.remove()

        return run

    outcomes = race(
        [
            job("mod", "hide", "umgangston", "Zu scharf."),
            job("mod2", "remove", "spam", "Werbung."),
            job("admin", "dismiss", None, None),
        ]
    )
    assert sorted(outcomes) == ["conflict", "conflict", "won"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Decision)) == 1
    assert _audit_count(app, "moderation.%") == 1


def _appealed(app, people, project, add_comment):
    comment_id, item = _reported_comment(app, people, project, add_comment)
    hidden = decide(client_for(app, people["mod"]), item.id, "hide", item.version, "umgangston", "Scharf.")
    assert hidden.status_code == 302 and hidden.headers["Location"].endswith("/moderation")
    with app.app_context():
        decision_id = db.session.scalar(select(Decision.id).where(Decision.item_id == item.id))
    page = f"/moderation/entscheidung/{decision_id}"
    author = client_for(app, people["author"])
    assert post(author, page, {"text": "Mein Einspruch 4711."}, token_from=page).status_code == 302
    with app.app_context():
        appeal = db.session.scalar(select(Appeal).where(Appeal.decision_id == decision_id))
        db.session.expunge(appeal)
    return comment_id, appeal


def _appeal_state(app, appeal_id):
    with app.app_context():
        row = db.session.get(Appeal, appeal_id)
        notes = db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.kind == appeals.APPEAL_OUTCOME_KIND)
        )
        return row.status, row.version, notes


@needs_postgres
def test_parallel_moderators_on_same_appeal_exactly_one_outcome(app, people, project, add_comment):
    comment_id, appeal = _appealed(app, people, project, add_comment)
    review = f"/moderation/einspruch/{appeal.id}"
    choices = [("mod2", "aufheben", "overturned"), ("admin", "aufrecht", "upheld")]
    clients = [client_for(app, people[who]) for who, _o, _s in choices]
    jobs = [
        _prepared_post(
            client,
            review + "/entscheiden",
            review,
            {"outcome": outcome, "answer": f"Antwort {who}", "version": str(appeal.version)},
        )
        for client, (who, outcome, _status) in zip(clients, choices, strict=True)
    ]
    responses = race(jobs)
    assert all(r.status_code == 302 for r in responses), [r.status_code for r in responses]
    winners = [i for i, r in enumerate(responses) if r.headers["Location"].endswith("/moderation")]
    assert len(winners) == 1
    winner = winners[0]
    status, version, notes = _appeal_state(app, appeal.id)
    assert status == choices[winner][2] and version == appeal.version + 1 and notes == 1
    assert _audit_count(app, "moderation.appeal\\_%") - _audit_count(app, "moderation.appeal_filed") == 1
    with app.app_context():
        expected = "published" if choices[winner][2] == "overturned" else "hidden"
        assert db.session.get(Comment, comment_id).status == expected
    loser = 1 - winner
    html = clients[loser].get(responses[loser].headers["Location"]).get_data(as_text=True)
    assert CONFLICT_TEXT in html and "nichts geändert" in html


def test_stale_appeal_decision_changes_nothing(app, people, project, add_comment):
    """Sequential double submit (every database): the second decision on an appeal is refused."""
    comment_id, appeal = _appealed(app, people, project, add_comment)
    review = f"/moderation/einspruch/{appeal.id}"
    data = {"outcome": "aufrecht", "answer": "Bleibt.", "version": str(appeal.version)}
    first = post(client_for(app, people["mod2"]), review + "/entscheiden", data, token_from=review)
    assert first.status_code == 302 and first.headers["Location"].endswith("/moderation")
    late_client = client_for(app, people["admin"])
    late_data = {"outcome": "aufheben", "answer": "Doch nicht.", "version": str(appeal.version)}
    late = post(late_client, review + "/entscheiden", late_data, token_from=review)
    assert late.status_code == 302
    assert CONFLICT_TEXT in late_client.get(late.headers["Location"]).get_data(as_text=True)
    assert _appeal_state(app, appeal.id) == ("upheld", appeal.version + 1, 1)
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == "hidden"


def test_export_has_decisions_and_appeals_and_deletion_works(app, people, project, add_comment):
    comment_id, appeal = _appealed(app, people, project, add_comment)
    author = client_for(app, people["author"])
    data = json.loads(author.get("/konto/daten/meine-daten.json").get_data(as_text=True))
    section = data["moderation"]
    assert [a["text"] for a in section["appeals"]] == ["Mein Einspruch 4711."]
    assert section["appeals"][0]["status"] == "open"
    assert [(d["action"], d["reason_code"], d["reason_text"]) for d in section["decisions"]] == [
        ("hide", "umgangston", "Scharf.")
    ]
    # Nobody else's moderation data leaks into someone's export.
    other = json.loads(
        client_for(app, people["r1"]).get("/konto/daten/meine-daten.json").get_data(as_text=True)
    )
    assert other["moderation"] == {"decisions": [], "appeals": []}
    response = post(
        author,
        "/konto/loeschen",
        {"current_password": people["author"].password, "confirm": "y"},
        token_from="/konto/loeschen",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    with app.app_context():
        user = db.session.get(User, people["author"].id)
        assert user.deleted_at is not None and user.email is None
        kept = db.session.get(Appeal, appeal.id)
        assert kept.text == "Mein Einspruch 4711." and kept.author_id == user.id
        assert db.session.scalar(select(func.count()).select_from(Decision)) == 1
    # The queue still shows the appeal, now without the deleted person's name.
    html = client_for(app, people["mod2"]).get(f"/moderation/einspruch/{appeal.id}").get_data(as_text=True)
    assert "Mein Einspruch 4711." in html and "Autorin" not in html
