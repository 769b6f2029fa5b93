"""A block with an end stops applying by itself: login and writing work again without any cron job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from participation.accounts import services as accounts
from participation.accounts.models import User
from participation.core.models import AuditLogEntry
from participation.core.types import utcnow
from participation.discussions.models import Comment
from participation.extensions import db
from tests.conftest import ROLE_SETS, login, post
from tests.moderation.conftest import client_for


def _block(app, people, days: int = 7) -> None:
    admin = client_for(app, people["admin"])
    path = f"/moderation/konto/{people['author'].id}"
    data = {
        "block-days": str(days),
        "block-reason_code": "spam",
        "block-text": "Werbung in Serie.",
        "confirmed": "1",
    }
    assert post(admin, f"{path}/sperren", data, token_from=path).status_code == 302


def _let_time_pass(app, user_id: int, **delta) -> None:
    """Move the block's start and end into the past, as if the days had gone by."""
    with app.app_context():
        user = db.session.get(User, user_id)
        user.blocked_at -= timedelta(**delta)
        user.blocked_until -= timedelta(**delta)
        db.session.commit()


def _try_login(app, person):
    client = app.test_client()
    data = {"email": person.email, "password": person.password}
    return client, post(client, "/konto/anmelden", data, token_from="/konto/anmelden")


def _account(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_an_ended_block_lets_the_person_log_in_and_post_without_the_command(app, people, project):
    _block(app, people, days=7)
    blocked = _account(app, people["author"].id)
    assert blocked.is_blocked and blocked.blocked_until is not None
    assert (blocked.blocked_until - utcnow()) > timedelta(days=6, hours=23)
    _client, refused = _try_login(app, people["author"])
    assert refused.status_code == 200 and "gesperrt" in refused.get_data(as_text=True)

    _let_time_pass(app, people["author"].id, days=7, minutes=1)
    ended = _account(app, people["author"].id)
    assert not ended.is_blocked and ended.is_active  # no longer applies, before anyone tidies up
    author, response = _try_login(app, people["author"])
    assert response.status_code == 302 and "/konto/anmelden" not in response.headers["Location"]
    written = post(author, f"{project.url}/kommentieren", {"body": "Wieder dabei."}, token_from=project.url)
    assert written.status_code == 302
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.author_id == people["author"].id))
        assert comment.body == "Wieder dabei." and comment.status == "published"
        # The login tidied the account up, logged like any unblocking.
        user = db.session.get(User, people["author"].id)
        assert user.blocked_at is None and user.blocked_until is None
        entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "user.unblocked"))
        assert entry.actor_id is None and entry.target_id == people["author"].id and "ended" in entry.details


def test_a_running_block_still_applies_until_its_end(app, people, project):
    _block(app, people, days=7)
    _let_time_pass(app, people["author"].id, days=6, hours=23)  # an hour left
    assert _account(app, people["author"].id).is_blocked
    _client, refused = _try_login(app, people["author"])
    assert refused.status_code == 200 and "gesperrt" in refused.get_data(as_text=True)


def test_an_admin_block_without_end_never_ends_by_itself(app, people, make_user):
    # The forms always set an end now; a block without one comes from older data or the service.
    with app.app_context():
        accounts.block(
            db.session.get(User, people["admin"].id), db.session.get(User, people["author"].id), "Alt."
        )
        db.session.commit()
    with app.app_context():
        user = db.session.get(User, people["author"].id)
        assert user.blocked_until is None
        user.blocked_at -= timedelta(days=3650)
        db.session.commit()
    assert _account(app, people["author"].id).is_blocked
    _client, refused = _try_login(app, people["author"])
    assert refused.status_code == 200


def test_the_command_still_tidies_ended_blocks(app, people, make_user):
    _block(app, people, days=3)
    _let_time_pass(app, people["author"].id, days=4)
    result = app.test_cli_runner().invoke(args=["moderation", "lift-blocks"])
    assert result.exit_code == 0 and "1 Sperre(n) aufgehoben." in result.output
    assert _account(app, people["author"].id).blocked_at is None
    again = app.test_cli_runner().invoke(args=["moderation", "lift-blocks"])
    assert "0 Sperre(n) aufgehoben." in again.output


def test_an_ended_block_can_be_followed_by_a_new_one(app, people):
    _block(app, people, days=1)
    _let_time_pass(app, people["author"].id, days=2)
    _block(app, people, days=5)  # the old block ended; nobody had to lift it first
    user = _account(app, people["author"].id)
    assert user.is_blocked and (user.blocked_until - utcnow()) > timedelta(days=4)


def test_an_admin_whose_block_ended_counts_as_active_admin(app, people, make_user):
    other_admin = make_user(ROLE_SETS["admin"])
    with app.app_context():
        target = db.session.get(User, other_admin.id)
        accounts.block(None, target, "Kurz gesperrt.", until=utcnow() - timedelta(minutes=1))
        db.session.commit()
        assert accounts.admin_count() == 2
    login(app.test_client(), other_admin)
