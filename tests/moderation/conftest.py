"""Fixtures for moderation tests: projects, comments, reports, queue helpers and parallel requests."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.moderation.models import ModerationItem
from tests.conftest import ROLE_SETS, is_postgres, login, post
from tests.discussions.conftest import add_comment, make_project, project  # noqa: F401  (fixtures)

needs_postgres = pytest.mark.skipif(
    not is_postgres(), reason="real parallel transactions need PostgreSQL (SQLite serialises writers)"
)


@pytest.fixture
def people(make_user):
    """An author, three reporters, two moderators and an admin."""
    return {
        "author": make_user(ROLE_SETS["citizen"], name="Autorin"),
        "r1": make_user(ROLE_SETS["citizen"]),
        "r2": make_user(ROLE_SETS["citizen"]),
        "r3": make_user(ROLE_SETS["citizen"]),
        "mod": make_user(ROLE_SETS["moderator"], name="Moderator Eins"),
        "mod2": make_user(ROLE_SETS["moderator"], name="Moderatorin Zwei"),
        "admin": make_user(ROLE_SETS["admin"]),
    }


def client_for(app, user):
    """A fresh test client logged in as the user (one browser per person)."""
    client = app.test_client()
    login(client, user)
    return client


def report_as(app, user, on_project, comment_id: int, reason: str = "abuse", text: str = "") -> None:
    """A citizen reports through the real form."""
    client = client_for(app, user)
    path = on_project.comment_url(comment_id, "melden")
    response = post(client, path, {"reason": reason, "text": text}, token_from=path)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def item_for(app, target_type: str, target_id: int) -> ModerationItem | None:
    with app.app_context():
        db.session.expire_all()
        item = db.session.scalar(
            select(ModerationItem).where(
                ModerationItem.target_type == target_type, ModerationItem.target_id == target_id
            )
        )
        if item is not None:
            db.session.expunge(item)
        return item


def audit_count(app, action: str) -> int:
    """How many audit entries carry exactly this action."""
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditLogEntry).where(AuditLogEntry.action == action)
        )


def decide(client, item_id: int, action: str, version: int, code: str = "", text: str = ""):
    path = f"/moderation/eintrag/{item_id}"
    return post(
        client,
        f"{path}/entscheiden",
        # confirmed=1: the second step of a reject (core/confirm.py); the other actions ignore it.
        {"action": action, "reason_code": code, "text": text, "version": str(version), "confirmed": "1"},
        token_from=path,
    )


def race(jobs):
    """Run every job in its own thread, released together; return their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list = []

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # surfaced below: a crashed thread must fail the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert all(not thread.is_alive() for thread in threads)
    return results
