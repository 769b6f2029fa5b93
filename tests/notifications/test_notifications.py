"""Notifications: stored in-app, mailed unless opted out, listed and marked read by their owner only."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.accounts.services import erase_account_row
from participation.extensions import db
from participation.notifications import services
from participation.notifications.models import Notification
from tests.conftest import login, post

KIND = "test_reply"


@pytest.fixture(autouse=True)
def _test_kind():
    services.register_kind(KIND, _l("%(name)s hat auf Ihren Kommentar geantwortet."))
    yield
    services._kinds.pop(KIND, None)


def _notify(app, user_id: int, *, url: str | None = "/konto/", name: str = "Bea") -> int:
    with app.test_request_context():
        user = db.session.get(User, user_id)
        notification = services.notify(user, KIND, {"name": name}, url)
        db.session.commit()
        notification_id = notification.id
        db.session.remove()
    return notification_id


def test_notify_stores_and_mails(app, make_user, mailbox):
    person = make_user()
    _notify(app, person.id)
    message = mailbox.last_to(person.email)
    assert message["Subject"] == "Bea hat auf Ihren Kommentar geantwortet."
    assert "/konto/" in mailbox.body(message)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_opted_out_person_gets_no_mail_but_the_notification(app, make_user, mailbox):
    person = make_user()
    with app.app_context():
        db.session.get(User, person.id).notify_by_email = False
        db.session.commit()
    _notify(app, person.id)
    assert mailbox.to(person.email) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_mail_follows_the_recipients_language(app, make_user, mailbox):
    # A kind whose text the catalogues already translate.
    services.register_kind("test_greeting", _l("Hallo %(name)s,"))
    try:
        person = make_user(locale="en")
        with app.test_request_context():
            services.notify(db.session.get(User, person.id), "test_greeting", {"name": "Bea"}, "/")
            db.session.commit()
        assert mailbox.last_to(person.email)["Subject"] == "Hello Bea,"
    finally:
        services._kinds.pop("test_greeting", None)


def test_urls_must_stay_on_this_site(app, make_user):
    person = make_user()
    with pytest.raises(ValueError):
        _notify(app, person.id, url="https://evil.example/")


def test_counter_list_and_mark_read(app, client, make_user):
    person = make_user()
    first = _notify(app, person.id, url="/impressum")
    _notify(app, person.id, name="Carl")
    login(client, person)
    html = client.get("/").get_data(as_text=True)
    assert '<span class="badge">2<span class="visually-hidden"> ungelesen</span>' in html
    listing = client.get("/benachrichtigungen/").get_data(as_text=True)
    assert "Bea hat auf Ihren Kommentar geantwortet." in listing and "Carl hat" in listing
    response = post(client, f"/benachrichtigungen/{first}/gelesen")
    assert response.status_code == 302 and response.location.endswith("/impressum")
    assert '<span class="badge">1<span' in client.get("/").get_data(as_text=True)
    assert post(client, "/benachrichtigungen/alle-gelesen").status_code == 302
    assert 'visually-hidden"> ungelesen' not in client.get("/").get_data(as_text=True)


def test_someone_elses_notification_cannot_be_marked(app, client, make_user):
    owner = make_user()
    other = make_user()
    notification_id = _notify(app, owner.id)
    login(client, other)
    assert post(client, f"/benachrichtigungen/{notification_id}/gelesen").status_code == 404
    assert post(client, "/benachrichtigungen/999999/gelesen").status_code == 404
    with app.app_context():
        assert db.session.get(Notification, notification_id).read_at is None
    assert "hat auf Ihren Kommentar" not in client.get("/benachrichtigungen/").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/benachrichtigungen/1/gelesen", "/benachrichtigungen/alle-gelesen"])
def test_marking_needs_csrf(app, client, make_user, path):
    person = make_user()
    notification_id = _notify(app, person.id)
    login(client, person)
    assert client.post(path.replace("/1/", f"/{notification_id}/")).status_code == 400
    with app.app_context():
        assert db.session.get(Notification, notification_id).read_at is None


def test_anonymous_is_sent_to_login(client):
    response = client.get("/benachrichtigungen/")
    assert response.status_code == 302 and "/konto/anmelden" in response.location


def test_export_and_erase(app, make_user):
    person = make_user()
    _notify(app, person.id)
    with app.test_request_context():
        user = db.session.get(User, person.id)
        exported = services.export_notifications(user)
        assert exported[0]["text"] == "Bea hat auf Ihren Kommentar geantwortet."
        services.erase_notifications(user)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_deleted_accounts_get_no_notifications(app, make_user):
    person = make_user()
    with app.test_request_context():
        user = db.session.get(User, person.id)
        erase_account_row(user)
        assert services.notify(user, KIND, {"name": "Bea"}, "/") is None
