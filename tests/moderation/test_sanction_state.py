"""Sanctions that know their state: one mute or block however often it is posted; extend, lift, one form."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.moderation.models import Decision
from participation.notifications.models import Notification
from tests.conftest import csrf_token, post
from tests.moderation.conftest import audit_count, client_for, needs_postgres, race


def _data(kind: str, days: int = 7, text: str = "Werbung in Serie.", seen_end: str = "") -> dict[str, str]:
    return {
        f"{kind}-days": str(days),
        f"{kind}-reason_code": "spam",
        f"{kind}-text": text,
        f"{kind}-seen_end": seen_end,
        "confirmed": "1",
    }


def _counts(app, user_id: int, action: str) -> tuple[int, int]:
    """Decisions of this kind about the account, and notifications the account got."""
    with app.app_context():
        decisions = db.session.scalar(
            select(func.count())
            .select_from(Decision)
            .where(Decision.subject_id == user_id, Decision.action == action)
        )
        notices = db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.user_id == user_id)
        )
    return decisions, notices


def _account(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


PATHS = {
    "mute": ("mod", "/moderation/konto/{id}", "/stummschalten"),
    "block": ("admin", "/moderation/konto/{id}", "/sperren"),
    "admin-block": ("admin", "/admin/benutzer/{id}", "/sperren"),
}


@pytest.mark.parametrize("way", PATHS)
def test_a_repeated_post_leaves_one_sanction_and_one_notification_and_says_so(app, people, way):
    who, page, suffix = PATHS[way]
    kind = "mute" if way == "mute" else "block"
    client = client_for(app, people[who])
    target = people["author"].id
    path = page.format(id=target)
    first = post(client, path + suffix, _data(kind), token_from=path)
    assert first.status_code == 302
    until = getattr(_account(app, target), "muted_until" if kind == "mute" else "blocked_until")
    before = _counts(app, target, kind)
    assert before[0] == 1 and before[1] == 1
    second = post(client, path + suffix, _data(kind, days=30, text="Noch einmal."), token_from=path)
    assert second.status_code == 302
    assert _counts(app, target, kind) == before
    assert getattr(_account(app, target), "muted_until" if kind == "mute" else "blocked_until") == until
    page_html = client.get(second.location).get_data(as_text=True)
    assert "Es wurde nichts geändert." in page_html


def test_a_running_mute_shows_its_end_and_offers_extend_and_lift_instead_of_a_second_mute(app, people):
    client = client_for(app, people["mod"])
    path = f"/moderation/konto/{people['author'].id}"
    post(client, path + "/stummschalten", _data("mute"), token_from=path)
    html = client.get(path).get_data(as_text=True)
    assert "Stummgeschaltet bis" in html
    assert ">Verlängern</button>" in html and "Stummschaltung aufheben" in html
    assert ">Stummschalten</button>" not in html
    assert 'name="mute-seen_end" type="hidden" value="' in html


def _seen_end(html: str, kind: str) -> str:
    match = re.search(rf'id="{kind}-seen_end" name="{kind}-seen_end" type="hidden" value="([^"]+)"', html)
    assert match, html[:3000]
    return match.group(1)


@pytest.mark.parametrize(
    ("kind", "who", "attribute"), [("mute", "mod", "muted_until"), ("block", "admin", "blocked_until")]
)
def test_extending_counts_from_the_end_and_a_repeated_extension_changes_nothing(
    app, people, kind, who, attribute
):
    client = client_for(app, people[who])
    target = people["author"].id
    path = f"/moderation/konto/{target}"
    suffix = "/stummschalten" if kind == "mute" else "/sperren"
    post(client, path + suffix, _data(kind, days=7), token_from=path)
    end = getattr(_account(app, target), attribute)
    seen = _seen_end(client.get(path).get_data(as_text=True), kind)
    assert datetime.fromisoformat(seen) == end
    extend = _data(kind, days=3, text="Wieder Werbung.", seen_end=seen)
    assert post(client, path + suffix, extend, token_from=path).status_code == 302
    assert getattr(_account(app, target), attribute) == end + timedelta(days=3)
    assert _counts(app, target, kind) == (2, 2)  # the extension is a decision with its own statement
    # The same extension posted again (double click, back button): nothing more.
    again = post(client, path + suffix, extend, token_from=path)
    assert getattr(_account(app, target), attribute) == end + timedelta(days=3)
    assert _counts(app, target, kind) == (2, 2)
    assert "Es wurde nichts geändert" in client.get(again.location).get_data(as_text=True)
    with app.app_context():
        codes = db.session.scalars(
            select(AuditLogEntry.action).where(
                AuditLogEntry.target_type == "users", AuditLogEntry.target_id == target
            )
        ).all()
    assert f"moderation.{kind}_extended" in codes


def test_lifting_twice_changes_nothing_the_second_time(app, people):
    client = client_for(app, people["mod"])
    path = f"/moderation/konto/{people['author'].id}"
    post(client, path + "/stummschalten", _data("mute"), token_from=path)
    assert post(client, path + "/stummschaltung-aufheben", {}, token_from=path).status_code == 302
    again = post(client, path + "/stummschaltung-aufheben", {}, token_from=path)
    assert "nicht stummgeschaltet. Es wurde nichts geändert." in client.get(again.location).get_data(
        as_text=True
    )
    assert audit_count(app, "moderation.unmute") == 1


def test_admin_and_moderation_desk_use_the_same_sanction_form(app, people):
    admin = client_for(app, people["admin"])
    for page in (f"/admin/benutzer/{people['author'].id}", f"/moderation/konto/{people['author'].id}"):
        html = admin.get(page).get_data(as_text=True)
        for name in ("block-days", "block-reason_code", "block-text"):
            assert f'name="{name}"' in html, (page, name)
        assert "Regel 6" in html  # the category select names the Netiquette rule


def test_a_sanction_can_be_appealed_like_a_decision(app, people):
    post(
        client_for(app, people["mod"]),
        f"/moderation/konto/{people['author'].id}/stummschalten",
        _data("mute"),
        token_from="/",
    )
    with app.app_context():
        decision_id = db.session.scalar(select(Decision.id).where(Decision.subject_id == people["author"].id))
    author = client_for(app, people["author"])
    path = f"/moderation/entscheidung/{decision_id}"
    page = author.get(path)
    assert page.status_code == 200 and "Werbung in Serie." in page.get_data(as_text=True)
    assert post(author, path, {"text": "Das war keine Werbung."}, token_from=path).status_code == 302
    assert post(client_for(app, people["mod2"]), "/moderation/protokoll.csv").status_code == 200
    assert audit_count(app, "moderation.appeal_filed") == 1


@needs_postgres
@pytest.mark.parametrize(
    ("kind", "who", "suffix"),
    [("mute", ("mod", "mod2", "admin"), "/stummschalten"), ("block", ("admin", "admin"), "/sperren")],
)
def test_parallel_posts_leave_one_sanction_and_one_notification(app, people, kind, who, suffix):
    target = people["author"].id
    path = f"/moderation/konto/{target}"
    jobs = []
    for name in who:
        client = client_for(app, people[name])
        payload = {"csrf_token": csrf_token(client, path), **_data(kind)}
        jobs.append(lambda client=client, payload=payload: client.post(path + suffix, data=payload))
    responses = race(jobs)
    assert all(response.status_code == 302 for response in responses)
    assert _counts(app, target, kind) == (1, 1)
