"""DSGVO: "Meine Daten" download, account deletion with erasers, no IP address or user agent stored."""

from __future__ import annotations

import html
import json
import logging
import re
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select

from participation.accounts import services
from participation.accounts.models import Role, User, UserRole, UserSession
from participation.core import privacy
from participation.core.models import AuditLogEntry
from participation.extensions import db
from tests.conftest import TEST_PASSWORD, get_user, login, post

DOWNLOAD = "/konto/daten/meine-daten.json"
WRONG_PASSWORD = "Das Passwort ist falsch."
NOT_CONFIRMED = "Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten."
LAST_ADMIN = "Sie sind die letzte Administratorin bzw. der letzte Administrator."
IP_MARKER = "203.0.113.77"
UA_MARKER = "UA-MARKER-4711"


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def temporary_privacy_parts():
    """Lets a test register exporters and erasers; removes exactly what it added afterwards."""
    before_exporters, before_erasers = dict(privacy._exporters), dict(privacy._erasers)
    yield privacy
    for name in set(privacy._exporters) - set(before_exporters):
        del privacy._exporters[name]
    for name in set(privacy._erasers) - set(before_erasers):
        del privacy._erasers[name]
    assert privacy._exporters == before_exporters and privacy._erasers == before_erasers


def field_error(page: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def is_logged_in(client) -> bool:
    response = client.get("/konto/")
    if response.status_code == 302:
        assert "/konto/anmelden" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def delete_account(client, password: str = TEST_PASSWORD, confirm: bool = True):
    data = {"current_password": password}
    if confirm:
        data["confirm"] = "y"
    return post(client, "/konto/loeschen", data, token_from="/konto/loeschen")


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- data export --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/konto/daten", DOWNLOAD, "/konto/loeschen"])
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/anmelden")


def test_my_data_page_offers_the_download(client, logged_in):
    logged_in()
    page = client.get("/konto/daten").get_data(as_text=True)
    assert f'href="{DOWNLOAD}"' in page
    assert "Wir speichern keine IP-Adressen" in page


def test_download_is_a_json_attachment_with_own_data_only(app, client, make_user):
    user = make_user({Role.MODERATOR, Role.PLANNER}, name="Dora Datenschutz")
    stranger = make_user({Role.ADMIN}, name="Fremde Fritzi")
    login(client, user)
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        r"attachment; filename=\"meine-daten-\d{4}-\d{2}-\d{2}\.json\"; "
        r"filename\*=UTF-8''meine-daten-\d{4}-\d{2}-\d{2}\.json",
        disposition,
    ), disposition

    body = response.get_data(as_text=True)
    data = json.loads(body)
    assert set(data) == {"generated_at", *privacy.registered_sections()}
    account = data["account"]
    with app.app_context():
        stored = get_user(app, user.id)
        assert account["email"] == user.email
        assert account["display_name"] == "Dora Datenschutz"
        assert account["roles"] == ["moderator", "planner"]
        assert account["created_at"] == stored.created_at.isoformat()
        assert account["active_sessions"] == 1
        secret = stored.password_hash
    assert secret and secret not in body
    assert "password" not in body and "scrypt" not in body
    assert stranger.email not in body and "Fremde Fritzi" not in body


def test_registered_exporter_adds_a_section(app, client, logged_in, temporary_privacy_parts):
    user = logged_in()
    temporary_privacy_parts.register_exporter(
        "test_section", lambda person: {"user_id": person.id, "note": "Abschnitt aus dem Test ä"}
    )
    data = json.loads(client.get(DOWNLOAD).get_data(as_text=True))
    assert data["test_section"] == {"user_id": user.id, "note": "Abschnitt aus dem Test ä"}
    assert data["account"]["email"] == user.email


# --- account deletion ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "confirm", "field", "message"),
    [
        ("Falsches-Passwort-9", True, "current_password", WRONG_PASSWORD),
        (TEST_PASSWORD, False, "confirm", NOT_CONFIRMED),
        ("", True, "current_password", "Bitte geben Sie Ihr Passwort ein."),
    ],
    ids=["wrong-password", "not-confirmed", "no-password"],
)
def test_deletion_needs_password_and_confirmation(app, client, logged_in, password, confirm, field, message):
    user = logged_in("moderator")
    response = delete_account(client, password, confirm)
    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), field)
    with app.app_context():
        stored = get_user(app, user.id)
        assert (stored.email, stored.display_name, stored.deleted_at) == (user.email, user.name, None)
        assert stored.password_hash and stored.roles == {Role.MODERATOR}
    assert is_logged_in(client)


def test_deletion_erases_personal_data_ends_sessions_and_runs_erasers(
    app, client, make_user, temporary_privacy_parts
):
    user = make_user({Role.MODERATOR, Role.PLANNER}, name="Lotte Löschen")
    login(client, user)
    other_device = app.test_client()
    login(other_device, user)
    old_cookie = client.get_cookie("session").value
    seen = []
    # "test_eraser" sorts before "zz_account": it still sees the personal data it must detach.
    temporary_privacy_parts.register_eraser(
        "test_eraser", lambda person: seen.append((person.id, person.email))
    )

    response = delete_account(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Ihr Konto wurde gelöscht." in client.get("/").get_data(as_text=True)
    assert seen == [(user.id, user.email)]

    with app.app_context():
        stored = get_user(app, user.id)
        assert stored is not None
        assert (stored.email, stored.display_name, stored.password_hash) == (None, None, None)
        assert stored.pending_email is None and stored.locale is None
        assert stored.deleted_at is not None
        assert stored.roles == frozenset()
        assert count(UserRole, UserRole.user_id == user.id) == 0
        assert count(UserSession, UserSession.user_id == user.id) == 0
        assert stored.public_name == "Gelöschtes Konto"

    assert not is_logged_in(client)
    assert not is_logged_in(other_device)
    copy = app.test_client()
    copy.set_cookie("session", old_cookie)
    assert not is_logged_in(copy)
    failed = post(
        app.test_client(),
        "/konto/anmelden",
        {"email": user.email, "password": TEST_PASSWORD},
        token_from="/konto/anmelden",
    )
    assert failed.status_code == 200
    assert "E-Mail-Adresse oder Passwort ist falsch." in failed.get_data(as_text=True)


def test_address_can_register_again_after_deletion(app, client, make_user, mailbox):
    user = make_user(email="wieder@example.org")
    login(client, user)
    assert delete_account(client).status_code == 302
    response = post(
        client,
        "/konto/registrieren",
        {
            "email": "wieder@example.org",
            "display_name": "Neue Person",
            "password": TEST_PASSWORD,
            "password_confirm": TEST_PASSWORD,
        },
        token_from="/konto/registrieren",
    )
    assert response.status_code == 200
    mail = mailbox.last_to("wieder@example.org")
    assert str(make_header(decode_header(mail["Subject"]))) == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    with app.app_context():
        fresh = db.session.scalar(select(User).where(User.email == "wieder@example.org"))
        assert fresh is not None and fresh.id != user.id
        assert fresh.display_name == "Neue Person" and not fresh.is_deleted


@pytest.mark.parametrize("blocked_colleague", [False, True], ids=["only-admin", "other-admin-blocked"])
def test_last_active_admin_cannot_delete_the_account(app, client, make_user, blocked_colleague):
    admin = make_user({Role.ADMIN})
    if blocked_colleague:
        colleague = make_user({Role.ADMIN})
        with app.app_context():
            services.block(None, get_user(app, colleague.id), "Urlaub")
            db.session.commit()
    login(client, admin)
    response = delete_account(client)
    assert response.status_code == 200
    assert LAST_ADMIN in field_error(response.get_data(as_text=True), "confirm")
    with app.app_context():
        stored = get_user(app, admin.id)
        assert stored.email == admin.email and stored.deleted_at is None
        assert stored.roles == {Role.ADMIN}
    assert is_logged_in(client)


def test_admin_can_delete_when_another_admin_exists_and_audit_rows_remain(app, client, make_user):
    admin, colleague, citizen = make_user({Role.ADMIN}), make_user({Role.ADMIN}), make_user()
    login(client, admin)
    changed = post(
        client,
        f"/admin/benutzer/{citizen.id}/rollen",
        {"roles": "planner"},
        token_from=f"/admin/benutzer/{citizen.id}",
    )
    assert changed.status_code == 302
    with app.app_context():
        written = db.session.scalars(select(AuditLogEntry.id).where(AuditLogEntry.actor_id == admin.id)).all()
    assert len(written) == 1

    assert delete_account(client).status_code == 302
    with app.app_context():
        assert get_user(app, admin.id).is_deleted
        entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.id == written[0]))
        assert entry is not None and entry.actor_id == admin.id
        assert (entry.action, entry.target_id) == ("user.roles_changed", citizen.id)
        assert get_user(app, citizen.id).roles == {Role.PLANNER}
        assert get_user(app, colleague.id).roles == {Role.ADMIN}


# --- no IP addresses, no user agents ------------------------------------------------------------


def dump_database(app) -> str:
    """Every value of every row of every table, as text."""
    values = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                values.extend(str(value) for value in row)
    return "\n".join(values)


def test_no_ip_address_or_user_agent_is_stored_or_logged(app, mailbox, caplog):
    client = app.test_client()
    marks = {"environ_base": {"REMOTE_ADDR": IP_MARKER}, "headers": {"User-Agent": UA_MARKER}}
    # Every request of this client, the GETs for CSRF tokens included, carries both markers.
    client.environ_base.update(REMOTE_ADDR=IP_MARKER, HTTP_USER_AGENT=UA_MARKER)
    with caplog.at_level(logging.DEBUG):
        registered = post(
            client,
            "/konto/registrieren",
            {
                "email": "spur@example.org",
                "display_name": "Spurlos",
                "password": TEST_PASSWORD,
                "password_confirm": TEST_PASSWORD,
            },
            token_from="/konto/registrieren",
            **marks,
        )
        assert registered.status_code == 200
        assert client.get(mailbox.link_in_last("spur@example.org"), **marks).status_code == 302
        failed = post(
            client,
            "/konto/anmelden",
            {"email": "spur@example.org", "password": "Falsch-Falsch-1"},
            token_from="/konto/anmelden",
            **marks,
        )
        assert failed.status_code == 200
        logged = post(
            client,
            "/konto/anmelden",
            {"email": "spur@example.org", "password": TEST_PASSWORD},
            token_from="/konto/anmelden",
            **marks,
        )
        assert logged.status_code == 302
        saved = post(
            client, "/konto/", {"display_name": "Spurlos Zwei", "locale": "de"}, token_from="/konto/", **marks
        )
        assert saved.status_code == 302
        assert client.get(DOWNLOAD, **marks).status_code == 200
    log_text = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    dump = dump_database(app)
    assert "spur@example.org" in dump and "Spurlos Zwei" in dump  # the dump really holds the data
    for marker in (IP_MARKER, UA_MARKER):
        assert marker not in dump
        assert marker not in log_text
        assert all(marker not in message.as_string() for message in mailbox.messages)
