"""Login and logout: identical errors, safe redirects, blocking, throttling, remember cookie, sessions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from participation.accounts import services
from participation.accounts.activity import ACTIVE_KEY
from participation.accounts.models import UserSession
from participation.core.types import utcnow
from participation.extensions import db
from tests.conftest import TEST_PASSWORD, csrf_token, get_user, login, post

WRONG = "E-Mail-Adresse oder Passwort ist falsch."
BLOCKED = "Dieses Konto ist gesperrt. Bitte wenden Sie sich an die Verwaltung."
THROTTLED = "Zu viele Anmeldeversuche"
LOGIN_PATH = "/konto/anmelden"

CSRF_VALUE_RE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+"')


# --- helpers ------------------------------------------------------------------------------------


def attempt(client, email: str, password: str, *, query: dict | None = None, **data):
    """POST the login form once, like a browser."""
    return post(
        client,
        LOGIN_PATH,
        {"email": email, "password": password, **data},
        token_from=LOGIN_PATH,
        query_string=query or {},
    )


def error_part(response) -> str:
    """The error summary and the field error paragraphs: what the page says went wrong."""
    page = response.get_data(as_text=True)
    parts = re.findall(r'<div class="error-summary".*?</div>|<p class="error" id="[^"]+">.*?</p>', page, re.S)
    assert parts, page[:2000]
    return "\n".join(parts)


def from_address(app, address: str):
    """A client that appears to come from another IP address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def is_logged_in(client) -> bool:
    response = client.get("/konto/")
    if response.status_code == 302:
        assert LOGIN_PATH in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def block(app, user_id: int) -> None:
    with app.app_context():
        services.block(None, get_user(app, user_id), "Grund")
        db.session.commit()


# --- credentials --------------------------------------------------------------------------------


def test_wrong_password_and_unknown_email_give_identical_errors(client, make_user):
    user = make_user()
    wrong_password = attempt(client, user.email, "Falsches-Passwort-1")
    unknown_email = attempt(client, "niemand@example.org", "Falsches-Passwort-1")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert WRONG in error_part(wrong_password)
    assert error_part(wrong_password).encode() == error_part(unknown_email).encode()
    assert not is_logged_in(client)


def test_correct_login_redirects_home_and_logs_in(client, make_user):
    user = make_user()
    response = attempt(client, user.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Sie sind angemeldet." in client.get("/").get_data(as_text=True)
    assert is_logged_in(client)


def test_login_accepts_address_in_other_case(client, make_user):
    user = make_user(email="gross@example.org")
    assert attempt(client, "  GROSS@Example.org", user.password).status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "///evil.example",
        "/\tevil.example",
        "http:evil.example",
    ],
)
def test_next_parameter_never_leaves_the_site(client, make_user, target):
    user = make_user()
    response = attempt(client, user.email, TEST_PASSWORD, query={"next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    if parts.scheme:
        # Browsers read "http:///evil.example" as http://evil.example: only our own host is acceptable.
        assert (parts.scheme, parts.netloc) in {("http", "localhost"), ("https", "localhost")}
    else:
        assert location.startswith("/")
        assert not location.startswith(("//", "/\\"))
        assert parts.netloc == ""
    assert "evil.example" not in parts.netloc
    assert "javascript" not in location.lower()


def test_next_parameter_with_local_path_is_followed(client, make_user):
    user = make_user()
    response = attempt(client, user.email, TEST_PASSWORD, query={"next": "/konto/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/konto/"


def test_blocked_account_cannot_log_in_and_learns_it_only_with_the_right_password(app, client, make_user):
    user = make_user()
    block(app, user.id)

    wrong = attempt(client, user.email, "Falsches-Passwort-1")
    assert wrong.status_code == 200
    assert BLOCKED not in wrong.get_data(as_text=True)
    assert WRONG in error_part(wrong)

    right = attempt(client, user.email, TEST_PASSWORD)
    assert right.status_code == 200
    assert BLOCKED in error_part(right)
    assert not is_logged_in(client)


def test_blocking_ends_a_running_session(app, client, make_user):
    user = make_user()
    login(client, user)
    block(app, user.id)
    assert not is_logged_in(client)


# --- throttling ---------------------------------------------------------------------------------


def test_five_failures_for_one_account_block_the_sixth_attempt_from_anywhere(app, make_user):
    user = make_user()
    for number in range(5):
        response = attempt(from_address(app, f"10.0.0.{number + 1}"), user.email, "Falsch-Falsch-1")
        assert response.status_code == 200
    response = attempt(from_address(app, "10.0.1.1"), user.email, TEST_PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert THROTTLED in page
    assert "15 Minuten" in page
    # Another account from the same new address is unaffected: the limit is per account.
    other = make_user()
    assert attempt(from_address(app, "10.0.1.1"), other.email, TEST_PASSWORD).status_code == 302


def test_five_unknown_addresses_from_one_client_block_that_client(app, make_user):
    user = make_user()
    client = from_address(app, "10.0.2.1")
    for number in range(5):
        response = attempt(client, f"unbekannt{number}@example.org", "Falsch-Falsch-1")
        assert response.status_code == 200
    throttled = attempt(client, user.email, TEST_PASSWORD)
    assert throttled.status_code == 429
    assert THROTTLED in throttled.get_data(as_text=True)
    assert not is_logged_in(client)
    # The same account from another client still works: the limit is per client.
    assert attempt(from_address(app, "10.0.2.2"), user.email, TEST_PASSWORD).status_code == 302


def test_successful_logins_do_not_count(app, make_user):
    user = make_user()
    for _ in range(8):
        assert attempt(from_address(app, "10.0.3.1"), user.email, TEST_PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt(from_address(app, "10.0.3.1"), user.email, "Falsch-Falsch-1").status_code == 200
    assert attempt(from_address(app, "10.0.3.1"), user.email, TEST_PASSWORD).status_code == 302
    # The fifth failure is still answered normally; only the sixth attempt is throttled.
    assert attempt(from_address(app, "10.0.3.1"), user.email, "Falsch-Falsch-1").status_code == 200
    assert attempt(from_address(app, "10.0.3.1"), user.email, TEST_PASSWORD).status_code == 429


def test_throttle_answer_is_the_same_for_known_and_unknown_addresses(app, make_user):
    user = make_user()
    unknown = "niemand@example.org"
    for number in range(5):
        attempt(from_address(app, f"10.0.4.{number + 1}"), user.email, "Falsch-Falsch-1")
        attempt(from_address(app, f"10.0.5.{number + 1}"), unknown, "Falsch-Falsch-1")
    known_response = attempt(from_address(app, "10.0.6.1"), user.email, "Falsch-Falsch-1")
    unknown_response = attempt(from_address(app, "10.0.6.2"), unknown, "Falsch-Falsch-1")
    assert known_response.status_code == unknown_response.status_code == 429

    def normalized(response, email):
        text = CSRF_VALUE_RE.sub(r'\1TOKEN"', response.get_data(as_text=True))
        return text.replace(email, "ADDRESS")

    assert normalized(known_response, user.email) == normalized(unknown_response, unknown)


# --- "Angemeldet bleiben" -----------------------------------------------------------------------


def remember_cookie_header(response) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    return headers[0]


def test_remember_me_sets_a_protected_cookie_that_logs_in_a_new_client(app, client, make_user):
    user = make_user()
    response = login(client, user, remember=True)
    header = remember_cookie_header(response)
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    value = client.get_cookie("remember_token").value

    fresh = app.test_client()
    fresh.set_cookie("remember_token", value)
    assert fresh.get_cookie("session") is None
    assert is_logged_in(fresh)


def test_without_remember_me_there_is_no_remember_cookie(client, make_user):
    response = login(client, make_user())
    assert not [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert client.get_cookie("remember_token") is None


def test_remember_cookie_is_dead_after_logout(app, client, make_user):
    user = make_user()
    login(client, user, remember=True)
    value = client.get_cookie("remember_token").value
    assert post(client, "/konto/abmelden").status_code == 302
    assert not is_logged_in(client)

    fresh = app.test_client()
    fresh.set_cookie("remember_token", value)
    assert not is_logged_in(fresh)


def copied_remember_cookie(app, client, user) -> str:
    """Log in with "angemeldet bleiben"; prove that a copy of the cookie alone logs in; return it."""
    login(client, user, remember=True)
    value = client.get_cookie("remember_token").value
    copy = app.test_client()
    copy.set_cookie("remember_token", value)
    assert is_logged_in(copy)
    return value


def only_remember_cookie(app, value: str):
    fresh = app.test_client()
    fresh.set_cookie("remember_token", value)
    return fresh


def test_remember_cookie_is_dead_after_a_password_change(app, client, make_user):
    user = make_user()
    value = copied_remember_cookie(app, client, user)
    new_password = "Stadtbibliothek-Morgen-42"
    response = post(
        client,
        "/konto/passwort",
        {"current_password": TEST_PASSWORD, "password": new_password, "password_confirm": new_password},
        token_from="/konto/passwort",
    )
    assert response.status_code == 302
    assert is_logged_in(client)  # the device that changed the password stays logged in
    assert not is_logged_in(only_remember_cookie(app, value))


def test_remember_cookie_is_dead_after_a_block(app, client, make_user):
    user = make_user()
    value = copied_remember_cookie(app, client, user)
    block(app, user.id)
    assert not is_logged_in(only_remember_cookie(app, value))
    assert not is_logged_in(client)


def test_remember_cookie_stays_dead_after_the_block_is_lifted(app, client, make_user):
    """Unblocking does not revive old sessions: the person logs in again."""
    user = make_user()
    value = copied_remember_cookie(app, client, user)
    block(app, user.id)
    with app.app_context():
        services.unblock(None, get_user(app, user.id))
        db.session.commit()
    assert not is_logged_in(only_remember_cookie(app, value))


# --- logout -------------------------------------------------------------------------------------


def test_logout_is_post_only(client, logged_in):
    logged_in()
    assert client.get("/konto/abmelden").status_code == 405
    assert is_logged_in(client)


def test_logout_without_csrf_token_is_refused(client, logged_in):
    logged_in()
    response = client.post("/konto/abmelden")
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen" in response.get_data(as_text=True)
    assert is_logged_in(client)


def test_logout_with_token_logs_out(client, logged_in):
    logged_in()
    response = post(client, "/konto/abmelden")
    assert response.status_code == 302
    assert "Sie sind abgemeldet." in client.get("/").get_data(as_text=True)
    assert not is_logged_in(client)


def test_copied_session_cookie_is_dead_after_logout(app, client, logged_in):
    logged_in()
    old_value = client.get_cookie("session").value

    copy_before = app.test_client()
    copy_before.set_cookie("session", old_value)
    assert is_logged_in(copy_before)  # the copy really is a working login before logout

    post(client, "/konto/abmelden")
    copy_after = app.test_client()
    copy_after.set_cookie("session", old_value)
    response = copy_after.get("/konto/")
    assert response.status_code == 302
    assert LOGIN_PATH in response.headers["Location"]


# --- session fixation ---------------------------------------------------------------------------


def test_session_is_renewed_on_login(client, make_user):
    user = make_user()
    csrf_token(client, LOGIN_PATH)
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    before = client.get_cookie("session").value

    login(client, user)
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session


def test_language_choice_survives_the_session_renewal(client, make_user):
    user = make_user()
    post(client, "/sprache", {"language": "en", "next": "/"})
    login(client, user)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def _idle_for(client, minutes: int) -> None:
    """Pretend the browser's last request was `minutes` ago (the signed cookie holds that time)."""
    with client.session_transaction() as session:
        session[ACTIVE_KEY] = int((utcnow() - timedelta(minutes=minutes)).timestamp())


def _active_at(client) -> datetime:
    with client.session_transaction() as session:
        return datetime.fromtimestamp(session[ACTIVE_KEY], UTC)


def test_activity_slides_the_idle_timeout_in_the_cookie(app, client, make_user):
    """A request after five idle minutes renews the last-active time in the cookie, not in the database."""
    user = make_user()
    login(client, user)
    assert (utcnow() - _active_at(client)).total_seconds() < 60
    _idle_for(client, 11 * 60)
    assert client.get("/konto/").status_code == 200
    assert (utcnow() - _active_at(client)).total_seconds() < 60
    _idle_for(client, 11 * 60)  # 22 hours of use in all, never 12 idle: still logged in
    assert client.get("/konto/").status_code == 200


def test_an_idle_session_is_logged_out(app, client, make_user):
    """Twelve hours without a request end an unremembered login, even though its row still lives."""
    user = make_user()
    login(client, user)
    _idle_for(client, 12 * 60 + 1)
    response = client.get("/konto/")
    assert response.status_code == 302 and "/konto/anmelden" in response.location


def test_a_session_past_its_server_side_end_is_logged_out(app, client, make_user):
    """However active: an unremembered login ends at its row's expiry (24 hours after logging in)."""
    user = make_user()
    login(client, user)
    with app.app_context():
        row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        assert timedelta(hours=23) < row.expires_at - utcnow() <= timedelta(hours=24)
        row.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.get("/konto/")
    assert response.status_code == 302 and "/konto/anmelden" in response.location


def test_an_idle_remembered_session_stays(app, client, make_user):
    """ "Angemeldet bleiben" has no idle timeout: a day without requests does not log out."""
    user = make_user()
    login(client, user, remember=True)
    _idle_for(client, 24 * 60)
    assert client.get("/konto/").status_code == 200
