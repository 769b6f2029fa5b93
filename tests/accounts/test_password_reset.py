"""Password reset: single-use mailed link, no enumeration, policy, sessions end, expiry, rate limit."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request
from email.header import decode_header, make_header

import pytest
from flask import has_request_context
from werkzeug.serving import make_server

from participation.accounts import services
from participation.core import mail as core_mail
from participation.extensions import db
from tests.conftest import TEST_PASSWORD, get_user, login, post

FORGOT_PATH = "/konto/passwort-vergessen"
RESET_PATH = "/konto/passwort-neu/"
NEW_PASSWORD = "Rathausplatz-Glocke-42"
RESET_SUBJECT_DE = "Neues Passwort festlegen"
LINK_INVALID = "Dieser Link ist ungültig oder abgelaufen"
COMMON = "Dieses Passwort ist zu verbreitet und leicht zu erraten. Bitte wählen Sie ein anderes."
WRONG = "E-Mail-Adresse oder Passwort ist falsch."

CSRF_VALUE_RE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+"')


# --- helpers ------------------------------------------------------------------------------------


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def request_reset(client, email: str, *, close: bool = True):
    """POST the reset form. The reset mail leaves only when the response is closed (as a WSGI server
    does after the last byte), so closing it here is what makes the mail arrive: no waiting needed."""
    response = post(client, FORGOT_PATH, {"email": email}, token_from=FORGOT_PATH)
    if close:
        response.get_data()
        response.close()
    return response


def reset_link(client, mailbox, email: str) -> str:
    assert request_reset(client, email).status_code == 200
    link = mailbox.link_in_last(email)
    assert link.startswith(RESET_PATH)
    return link


def set_password(client, link: str, password: str, confirm: str | None = None):
    data = {"password": password, "password_confirm": password if confirm is None else confirm}
    return post(client, link, data, token_from=link)


def login_attempt(app, email: str, password: str):
    """A login from a fresh client (status 302 on success, 200 with an error otherwise)."""
    return post(
        app.test_client(),
        "/konto/anmelden",
        {"email": email, "password": password},
        token_from="/konto/anmelden",
    )


def normalized_page(response, email: str) -> str:
    text = CSRF_VALUE_RE.sub(r'\1TOKEN"', response.get_data(as_text=True))
    return text.replace(email, "ADDRESS")


# --- requesting a link --------------------------------------------------------------------------


def test_request_for_known_address_mails_a_german_link(client, make_user, mailbox):
    user = make_user(name="Rita Rathaus")
    response = request_reset(client, user.email)
    assert response.status_code == 200
    assert "Bitte sehen Sie in Ihr Postfach" in response.get_data(as_text=True)
    mail = mailbox.last_to(user.email)
    assert subject(mail) == RESET_SUBJECT_DE
    assert "Hallo Rita Rathaus," in mailbox.body(mail)
    assert mailbox.link_in_last(user.email).startswith(RESET_PATH)


def test_request_for_user_with_english_profile_mails_in_english(client, make_user, mailbox):
    user = make_user(locale="en")
    request_reset(client, user.email)
    assert subject(mailbox.last_to(user.email)) == "Set a new password"


def test_request_for_unknown_address_shows_the_same_page_and_sends_nothing(app, make_user, mailbox):
    user = make_user()
    known = request_reset(app.test_client(), user.email)
    mailbox.clear()
    unknown = request_reset(app.test_client(), "niemand@example.org")
    assert known.status_code == unknown.status_code == 200
    assert normalized_page(known, user.email) == normalized_page(unknown, "niemand@example.org")
    assert mailbox.messages == []


def test_request_for_blocked_account_sends_nothing(app, client, make_user, mailbox):
    user = make_user()
    with app.app_context():
        services.block(None, get_user(app, user.id), "Grund")
        db.session.commit()
    assert request_reset(client, user.email).status_code == 200
    assert mailbox.messages == []


def test_reset_mail_leaves_only_after_the_response_has_gone_out(client, make_user, mailbox):
    user = make_user()
    response = request_reset(client, user.email, close=False)
    assert response.status_code == 200
    assert "Bitte sehen Sie in Ihr Postfach" in response.get_data(as_text=True)
    assert mailbox.messages == []  # the whole answer is there, the mail is not yet sent
    response.close()
    assert subject(mailbox.last_to(user.email)) == RESET_SUBJECT_DE


def test_no_smtp_work_inside_the_request_for_known_or_unknown_addresses(app, make_user, mailbox, monkeypatch):
    """The answer's timing does not depend on the address: no mail is handed over while the request runs."""
    calls = []
    original = core_mail.deliver

    def recording_deliver(message):
        calls.append((message.to, has_request_context()))
        original(message)

    monkeypatch.setattr(core_mail, "deliver", recording_deliver)
    user = make_user()
    during_request = []
    for address in (user.email, "niemand@example.org"):
        response = request_reset(app.test_client(), address, close=False)
        assert response.status_code == 200
        during_request.append(list(calls))
        response.close()
    assert during_request == [[], [(user.email, False)]]  # nothing while either request ran
    assert calls == [(user.email, False)]  # afterwards, outside the request: only the known address
    assert len(mailbox.messages) == 1


def test_real_server_answers_before_the_mail_server_is_reached(app, make_user, mailbox, monkeypatch):
    """Through a real WSGI server: the whole response arrives while the SMTP delivery is still held."""
    release, delivered = threading.Event(), threading.Event()
    original = core_mail.deliver

    def held_deliver(message):
        assert release.wait(10), "the test never released the delivery"
        original(message)
        delivered.set()

    monkeypatch.setattr(core_mail, "deliver", held_deliver)
    user = make_user()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(base + FORGOT_PATH, timeout=10) as form:
            token = CSRF_VALUE_RE.search(form.read().decode()).group(0).split('value="')[1].rstrip('"')
        data = urllib.parse.urlencode({"csrf_token": token, "email": user.email}).encode()
        with opener.open(base + FORGOT_PATH, data=data, timeout=5) as answer:
            assert answer.status == 200
            assert "Bitte sehen Sie in Ihr Postfach" in answer.read().decode()
        assert mailbox.messages == [] and not delivered.is_set()
        release.set()
        assert delivered.wait(10)
        assert subject(mailbox.last_to(user.email)) == RESET_SUBJECT_DE
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_request_with_invalid_address_is_answered_with_a_field_error(client, mailbox):
    response = request_reset(client, "keine-adresse")
    assert response.status_code == 200
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in response.get_data(as_text=True)
    assert mailbox.messages == []


# --- using the link -----------------------------------------------------------------------------


def test_link_sets_new_password_and_only_the_new_one_works(app, client, make_user, mailbox):
    user = make_user()
    link = reset_link(client, mailbox, user.email)
    form = client.get(link)
    assert form.status_code == 200
    assert "Neues Passwort festlegen" in form.get_data(as_text=True)

    response = set_password(client, link, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/konto/anmelden")
    assert "Ihr Passwort wurde geändert." in client.get("/konto/anmelden").get_data(as_text=True)

    old = login_attempt(app, user.email, TEST_PASSWORD)
    assert old.status_code == 200
    assert WRONG in old.get_data(as_text=True)
    assert login_attempt(app, user.email, NEW_PASSWORD).status_code == 302


def test_link_is_single_use(app, client, make_user, mailbox):
    user = make_user()
    link = reset_link(client, mailbox, user.email)
    assert set_password(client, link, NEW_PASSWORD).status_code == 302
    again = client.get(link)
    assert again.status_code == 400
    assert LINK_INVALID in again.get_data(as_text=True)
    other = "Noch-ein-Passwort-9"
    reused = post(client, link, {"password": other, "password_confirm": other})
    assert reused.status_code == 400
    assert LINK_INVALID in reused.get_data(as_text=True)
    assert login_attempt(app, user.email, NEW_PASSWORD).status_code == 302


def test_older_link_dies_when_a_newer_one_is_used(client, make_user, mailbox):
    user = make_user()
    first = reset_link(client, mailbox, user.email)
    second = reset_link(client, mailbox, user.email)
    assert set_password(client, second, NEW_PASSWORD).status_code == 302
    assert client.get(first).status_code == 400


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("passwort123", None, COMMON),
        ("Linden-7x", None, "Das Passwort muss mindestens 10 Zeichen lang sein."),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "Die Passwörter stimmen nicht überein."),
    ],
    ids=["common", "short", "mismatch"],
)
def test_policy_applies_to_the_new_password(app, client, make_user, mailbox, password, confirm, message):
    user = make_user()
    link = reset_link(client, mailbox, user.email)
    response = set_password(client, link, password, confirm)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    # Nothing changed: the old password still works and the link is still usable.
    assert login_attempt(app, user.email, TEST_PASSWORD).status_code == 302
    assert client.get(link).status_code == 200


def test_password_containing_the_address_is_refused(app, client, make_user, mailbox):
    user = make_user(email="lindenbaum@example.org")
    link = reset_link(client, mailbox, user.email)
    response = set_password(client, link, "Lindenbaum-Sommer-42")
    assert response.status_code == 200
    assert "Das Passwort darf nicht Ihre E-Mail-Adresse oder Ihren Namen enthalten." in response.get_data(
        as_text=True
    )


def test_reset_ends_existing_sessions(app, client, make_user, mailbox):
    user = make_user()
    other_device = app.test_client()
    login(other_device, user)
    remembered_device = app.test_client()
    login(remembered_device, user, remember=True)
    assert other_device.get("/konto/").status_code == 200

    link = reset_link(client, mailbox, user.email)
    assert set_password(client, link, NEW_PASSWORD).status_code == 302

    for device in (other_device, remembered_device):
        response = device.get("/konto/")
        assert response.status_code == 302
        assert "/konto/anmelden" in response.headers["Location"]


def test_reset_verifies_an_unverified_address(app, client, make_user, mailbox):
    user = make_user(verified=False)
    link = reset_link(client, mailbox, user.email)
    assert set_password(client, link, NEW_PASSWORD).status_code == 302
    with app.app_context():
        assert get_user(app, user.id).email_verified_at is not None


def test_expired_link_is_refused(app, client, make_user, mailbox, monkeypatch):
    user = make_user()
    link = reset_link(client, mailbox, user.email)
    monkeypatch.setitem(app.config, "RESET_TOKEN_MAX_AGE", -1)
    assert client.get(link).status_code == 400
    response = post(client, link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert LINK_INVALID in response.get_data(as_text=True)
    monkeypatch.undo()
    assert login_attempt(app, user.email, TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize("token", ["kein-token", "eyJ1Ijo1fQ.AAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBB"])
def test_forged_link_is_refused(client, token):
    response = client.get(RESET_PATH + token)
    assert response.status_code == 400
    assert LINK_INVALID in response.get_data(as_text=True)


def test_verification_token_is_not_a_reset_token(app, client, mailbox):
    """Tokens are salted per purpose: a verification link cannot be replayed as a reset link."""
    post(
        client,
        "/konto/registrieren",
        {
            "email": "salz@example.org",
            "display_name": "Salz Probe",
            "password": TEST_PASSWORD,
            "password_confirm": TEST_PASSWORD,
        },
        token_from="/konto/registrieren",
    )
    verify_token = mailbox.link_in_last("salz@example.org").rsplit("/", 1)[1]
    assert client.get(RESET_PATH + verify_token).status_code == 400


# --- rate limit ---------------------------------------------------------------------------------


def test_reset_requests_are_rate_limited_per_client(app, make_user, mailbox):
    user = make_user()
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.0.1"
    for number in range(5):
        assert request_reset(client, f"person{number}@example.org").status_code == 200
    limited = request_reset(client, user.email)
    assert limited.status_code == 429
    page = limited.get_data(as_text=True)
    assert "Zu viele Versuche" in page
    assert "Bitte warten Sie einige Minuten." in page
    assert mailbox.messages == []
    # Another client is not affected.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.0.2"
    assert request_reset(other, user.email).status_code == 200
    assert mailbox.to(user.email)
