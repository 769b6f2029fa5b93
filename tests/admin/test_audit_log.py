"""The audit log page: entries, filters, deleted actors, append-only guarantees and constant query count."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.accounts.models import User
from participation.core import audit
from participation.core.models import AppendOnlyError, AuditLogEntry
from participation.core.privacy import erase_user_data
from participation.core.types import utcnow
from participation.extensions import db
from tests.conftest import count_queries, get_user, post


def record(
    app, actor_id: int | None, action: str, *, label: str | None = None, reason: str | None = None, **details
):
    """Write one committed audit row, as a service would."""
    with app.app_context():
        actor = get_user(app, actor_id) if actor_id else None
        entry = audit.record(actor, action, None, label=label, reason=reason, **details)
        db.session.commit()
        return entry.id


def rows_of(html: str) -> list[str]:
    """The table rows of the log page's body."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr>")[1:]]


def test_admin_sees_entry_with_actor_action_target_and_reason(client, logged_in, make_user):
    admin = logged_in("admin")
    target = make_user(name="Bert Blockiert")
    post(
        client,
        f"/admin/benutzer/{target.id}/sperren",
        {"reason": "Beleidigungen im Forum", "confirmed": "1"},
        token_from="/admin/",
    )
    html = client.get("/admin/protokoll").get_data(as_text=True)
    [row] = [row for row in rows_of(html) if "user.blocked" in row]
    assert admin.name in row
    assert "Bert Blockiert" in row
    assert "Beleidigungen im Forum" in row


def test_entries_without_actor_show_system(client, logged_in, app):
    logged_in("admin")
    record(app, None, "system.maintenance", label="Nachtlauf")
    [row] = [
        row
        for row in rows_of(client.get("/admin/protokoll").get_data(as_text=True))
        if "system.maintenance" in row
    ]
    assert "System" in row and "Nachtlauf" in row


def test_text_in_entries_is_escaped(client, logged_in, app):
    admin = logged_in("admin")
    record(
        app,
        admin.id,
        "user.blocked",
        label="<b>Ziel</b>",
        reason="<script>alert(1)</script>",
        note="<i>x</i>",
    )
    html = client.get("/admin/protokoll").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<b>Ziel" not in html and "<i>x" not in html
    assert "&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize(
    ("action", "shown", "hidden"),
    [
        ("user.blocked", {"user.blocked"}, {"user.roles_changed", "settings.legal_page_saved"}),
        ("settings.", {"settings.legal_page_saved"}, {"user.blocked", "user.roles_changed"}),
        ("USER.ROLES", {"user.roles_changed"}, {"user.blocked", "settings.legal_page_saved"}),
        ("user_blocked", set(), {"user.blocked", "user.roles_changed"}),  # "_" is no wildcard
    ],
)
def test_filter_by_action(client, logged_in, app, action, shown, hidden):
    admin = logged_in("admin")
    for name in ("user.blocked", "user.roles_changed", "settings.legal_page_saved"):
        record(app, admin.id, name, label="Ziel")
    html = client.get("/admin/protokoll", query_string={"action": action}).get_data(as_text=True)
    for name in shown:
        assert f"<code>{name}</code>" in html
    for name in hidden:
        assert f"<code>{name}</code>" not in html


@pytest.mark.parametrize("actor", ["Ada", "ada lov", "ADA.ADMIN@"])
def test_filter_by_actor_name_or_email(client, logged_in, app, make_user, actor):
    logged_in("admin")
    ada = make_user(name="Ada Lovelace", email="ada.admin@example.org")
    bert = make_user(name="Bert Brecht")
    record(app, ada.id, "settings.legal_page_saved", label="von-ada")
    record(app, bert.id, "settings.legal_page_saved", label="von-bert")
    html = client.get("/admin/protokoll", query_string={"actor": actor}).get_data(as_text=True)
    assert "von-ada" in html
    assert "von-bert" not in html


def test_bad_filter_input_is_no_server_error(client, logged_in, app):
    admin = logged_in("admin")
    record(app, admin.id, "user.blocked", label="Ziel")
    for params in ({"actor": "\x00"}, {"action": "y" * 10_000}, {"seite": "abc"}, {"seite": "0"}):
        response = client.get("/admin/protokoll", query_string=params)
        assert response.status_code == 200, params
        assert "<code>user.blocked</code>" in response.get_data(as_text=True)


def test_deleted_actor_shows_as_deleted_account(client, logged_in, app, make_user):
    logged_in("admin")
    gone = make_user(name="Gustav Gegangen", email="gustav@example.org")
    record(app, gone.id, "settings.legal_page_saved", label="von-gustav")
    with app.app_context():
        erase_user_data(get_user(app, gone.id))
        db.session.commit()
    html = client.get("/admin/protokoll").get_data(as_text=True)
    [row] = [row for row in rows_of(html) if "von-gustav" in row]
    assert "Gelöschtes Konto" in row
    assert "Gustav Gegangen" not in row and "gustav@example.org" not in row


def test_log_pages(client, logged_in, app):
    admin = logged_in("admin")
    with app.app_context():
        db.session.add_all(
            AuditLogEntry(actor_id=admin.id, action=f"test.entry{n:02d}", details={}) for n in range(60)
        )
        db.session.commit()
    first = client.get("/admin/protokoll").get_data(as_text=True)
    assert len(rows_of(first)) == 50 and "Seite 1 von 2" in first
    assert "test.entry59" in first and "test.entry05" not in first
    second = client.get("/admin/protokoll", query_string={"seite": 2}).get_data(as_text=True)
    assert "test.entry05" in second and "test.entry59" not in second


# --- append-only --------------------------------------------------------------------------------


def test_no_route_under_protokoll_changes_anything(app, client, logged_in):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/protokoll")]
    assert rules, "the audit log route is missing"
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    logged_in("admin")
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/admin/protokoll").status_code in (400, 405)


def test_orm_update_is_refused(app, make_user):
    actor = make_user()
    entry_id = record(app, actor.id, "user.blocked", label="Ziel", reason="Original")
    with app.app_context():
        entry = db.session.get(AuditLogEntry, entry_id)
        entry.reason = "Geschönt"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        entry = db.session.get(AuditLogEntry, entry_id)
        entry.details = {"forged": True}
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
    with app.app_context():
        entry = db.session.get(AuditLogEntry, entry_id)
        assert (entry.reason, entry.details, entry.actor_id) == ("Original", {}, actor.id)


def test_orm_delete_is_refused(app, make_user):
    actor = make_user()
    entry_id = record(app, actor.id, "user.blocked", label="Ziel")
    with app.app_context():
        db.session.delete(db.session.get(AuditLogEntry, entry_id))
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
    with app.app_context():
        assert db.session.get(AuditLogEntry, entry_id).action == "user.blocked"


def test_new_entries_can_still_be_added_next_to_old_ones(app, make_user):
    actor = make_user()
    first = record(app, actor.id, "user.blocked", label="A")
    second = record(app, actor.id, "user.unblocked", label="A")
    with app.app_context():
        actions = db.session.scalars(
            select(AuditLogEntry.action).where(AuditLogEntry.id.in_([first, second]))
        )
        assert sorted(actions) == ["user.blocked", "user.unblocked"]


# --- query count --------------------------------------------------------------------------------


def add_actors_with_entries(app, start: int, stop: int) -> None:
    """Accounts numbered start..stop-1, each with one audit entry of its own."""
    with app.app_context():
        users = [
            User(email=f"actor{n}@example.org", display_name=f"Akteur {n:02d}", email_verified_at=utcnow())
            for n in range(start, stop)
        ]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(
            AuditLogEntry(actor_id=user.id, action="test.action", target_label=f"Ziel {n}", details={"n": n})
            for n, user in zip(range(start, stop), users, strict=True)
        )
        db.session.commit()


def test_query_count_does_not_grow_with_entries(app, client, logged_in):
    logged_in("admin")
    with app.app_context():
        engine = db.engine
    add_actors_with_entries(app, 0, 5)
    client.get("/admin/protokoll")  # warm-up: first-request work must not skew the comparison
    with count_queries(engine) as few:
        small = client.get("/admin/protokoll").get_data(as_text=True)
    add_actors_with_entries(app, 5, 50)
    with count_queries(engine) as many:
        large = client.get("/admin/protokoll").get_data(as_text=True)
    assert all(f"Akteur {n:02d}" in small for n in range(5))
    assert all(f"Akteur {n:02d}" in large for n in range(50))
    assert len(few) == len(many), (few, many)
