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
from tests.conftest import ROLE_SETS, count_queries, get_user, post


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
    """The entries of the log page, one string each."""
    if '<ol class="audit-lines">' not in html:
        return []
    body = html.split('<ol class="audit-lines">', 1)[1].split("</ol>", 1)[0]
    return body.split('<li class="audit-line">')[1:]


def test_admin_sees_entry_with_actor_action_target_and_reason(client, logged_in, make_user):
    admin = logged_in("admin")
    target = make_user(name="Bert Blockiert")
    post(
        client,
        f"/admin/benutzer/{target.id}/sperren",
        {
            "block-days": "7",
            "block-reason_code": "beleidigung",
            "block-text": "Beleidigungen im Forum",
            "confirmed": "1",
        },
        token_from="/admin/",
    )
    html = client.get("/admin/protokoll").get_data(as_text=True)
    # One block, one entry (the decision with category and end).
    [row] = [row for row in rows_of(html) if "gesperrt" in row]
    assert f"{admin.name}</a> hat das Konto von" in row
    assert "Beleidigung oder Hassrede, Regel 2 (bis " in row
    assert f'<a href="/admin/benutzer/{target.id}">Bert Blockiert</a>' in row
    assert "Beleidigungen im Forum" in row
    assert "user.blocked" not in row  # no codes on the page


def test_entries_without_actor_show_system(client, logged_in, app):
    logged_in("admin")
    record(app, None, "settings.legal_page_saved", label="impressum")
    [row] = [
        row for row in rows_of(client.get("/admin/protokoll").get_data(as_text=True)) if "impressum" in row
    ]
    assert "Die Plattform hat den Text der Seite „impressum“ gespeichert" in row


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


def test_filter_by_action_type(client, logged_in, app):
    admin = logged_in("admin")
    record(app, admin.id, "user.roles_changed", label="Ziel")
    record(app, admin.id, "settings.legal_page_saved", label="datenschutz")
    html = client.get("/admin/protokoll", query_string={"action": "settings.legal_page_saved"}).get_data(
        as_text=True
    )
    assert [row for row in rows_of(html) if "datenschutz" in row]
    assert not [row for row in rows_of(html) if "Rollen" in row]
    # The select offers the types by name, not by code.
    assert '<option selected value="settings.legal_page_saved">Rechtstext gespeichert</option>' in html


@pytest.mark.parametrize("person", ["Ada", "ada lov", "ADA.ADMIN@"])
def test_filter_by_person_name_or_email(client, logged_in, app, make_user, person):
    logged_in("admin")
    ada = make_user(name="Ada Lovelace", email="ada.admin@example.org")
    bert = make_user(name="Bert Brecht")
    record(app, ada.id, "settings.legal_page_saved", label="von-ada")
    record(app, bert.id, "settings.legal_page_saved", label="von-bert")
    html = client.get("/admin/protokoll", query_string={"person": person}).get_data(as_text=True)
    assert "von-ada" in html
    assert "von-bert" not in html


def test_filter_by_acting_staff_account_and_period(client, logged_in, app, make_user):
    admin = logged_in("admin")
    other = make_user(ROLE_SETS["admin"], name="Olga Andere")
    record(app, admin.id, "settings.legal_page_saved", label="von-mir")
    record(app, other.id, "settings.legal_page_saved", label="von-olga")
    html = client.get("/admin/protokoll", query_string={"actor": str(other.id), "period": "7"}).get_data(
        as_text=True
    )
    assert "von-olga" in html and "von-mir" not in html
    assert f'<option selected value="{other.id}">Olga Andere</option>' in html


def test_bad_filter_input_is_no_server_error(client, logged_in, app):
    admin = logged_in("admin")
    record(app, admin.id, "user.roles_changed", label="Ziel")
    for params in (
        {"person": "\x00"},
        {"action": "y" * 10_000},
        {"actor": "abc"},
        {"period": "-1"},
        {"since": "gestern"},
        {"seite": "abc"},
        {"seite": "0"},
    ):
        response = client.get("/admin/protokoll", query_string=params)
        assert response.status_code == 200, params
        assert rows_of(response.get_data(as_text=True)), params


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
            AuditLogEntry(
                actor_id=admin.id, action="project.deleted", target_label=f"entry{n:02d}", details={}
            )
            for n in range(60)
        )
        db.session.commit()
    first = client.get("/admin/protokoll").get_data(as_text=True)
    assert len(rows_of(first)) == 50 and "Seite 1 von 2" in first
    assert "entry59" in first and "entry05" not in first
    second = client.get("/admin/protokoll", query_string={"seite": 2}).get_data(as_text=True)
    assert "entry05" in second and "entry59" not in second


# --- append-only --------------------------------------------------------------------------------


def test_no_route_under_protokoll_changes_anything(app, client, logged_in):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/protokoll")]
    assert rules, "the audit log route is missing"
    for rule in rules:
        # The CSV download is a POST only because it is itself recorded (a new row, none changed).
        allowed = {"POST", "OPTIONS"} if rule.rule == "/admin/protokoll.csv" else {"GET", "HEAD", "OPTIONS"}
        assert rule.methods <= allowed, rule
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
            AuditLogEntry(
                actor_id=user.id, action="project.deleted", target_label=f"Ziel {n}", details={"n": n}
            )
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
    assert len(few) == len(many), "\n".join(q[:160] for q in many)
