"""Own account pages: profile and language, password change with session ending, e-mail change by link."""

from __future__ import annotations

import html
import re
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select

from participation.accounts import tokens
from participation.accounts.models import UserSession
from participation.extensions import db
from tests.conftest import TEST_PASSWORD, UserInfo, get_user, login, post

NEW_PASSWORD = "Kastanienallee-Laterne-42"
CONTROL = "Der Text enthält unzulässige Steuerzeichen."
INVISIBLE = "Der Text enthält keine sichtbaren Zeichen."
NAME_LENGTH = "Der Anzeigename muss 2 bis 80 Zeichen lang sein."
NAME_MISSING = "Bitte geben Sie einen Anzeigenamen ein."
WRONG_CURRENT = "Das aktuelle Passwort ist falsch."
LOGIN_WRONG = "E-Mail-Adresse oder Passwort ist falsch."
PASSWORD_CHANGED_SUBJECT = "Ihr Passwort wurde geändert"
CONFIRM_SUBJECT = "Bitte bestätigen Sie Ihre neue E-Mail-Adresse"
CHANGED_SUBJECT = "Ihre E-Mail-Adresse wurde geändert"
EMAIL_FLASH = "Bitte bestätigen Sie die neue Adresse über den Link, den wir dorthin geschickt haben."
LINK_INVALID = "Dieser Link ist ungültig oder abgelaufen"


# --- helpers ------------------------------------------------------------------------------------


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def field_error(page: str, field: str) -> str:
    """The text of the error paragraph tied to one field (empty when the field has no error)."""
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def is_logged_in(client) -> bool:
    response = client.get("/konto/")
    if response.status_code == 302:
        assert "/konto/anmelden" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def can_log_in(app, email: str, password: str) -> bool:
    """Try the real login form on a fresh client."""
    fresh = app.test_client()
    response = post(
        fresh, "/konto/anmelden", {"email": email, "password": password}, token_from="/konto/anmelden"
    )
    if response.status_code == 302:
        return True
    assert LOGIN_WRONG in response.get_data(as_text=True)
    return False


def profile_state(app, user_id: int) -> tuple:
    with app.app_context():
        user = get_user(app, user_id)
        return user.display_name, user.locale, user.notify_by_email, user.email, user.pending_email


def save_profile(client, name: str, locale: str = "de", notify: bool = True):
    data = {"display_name": name, "locale": locale}
    if notify:
        data["notify_by_email"] = "y"
    return post(client, "/konto/", data, token_from="/konto/")


# --- profile ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/konto/", "/konto/passwort", "/konto/e-mail"])
def test_own_pages_send_anonymous_visitors_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/anmelden")


def test_profile_page_shows_current_values_in_german(client, logged_in):
    user = logged_in("citizen", name="Erika Muster")
    page = client.get("/konto/").get_data(as_text=True)
    assert "<h1>Mein Konto</h1>" in page
    assert user.email in page
    assert 'value="Erika Muster"' in page
    assert re.search(r'<input[^>]*checked[^>]*value="de"|<input[^>]*value="de"[^>]*checked', page)
    assert re.search(
        r'<input[^>]*id="notify_by_email"[^>]*checked|<input[^>]*checked[^>]*id="notify_by_email"', page
    )


def test_profile_saves_name_and_notification_opt_out_and_opt_in(app, client, logged_in):
    user = logged_in()
    response = save_profile(client, "  Neuer Name  ", notify=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "/konto/"
    assert "Ihr Profil wurde gespeichert." in client.get("/konto/").get_data(as_text=True)
    assert profile_state(app, user.id)[:3] == ("Neuer Name", "de", False)

    assert save_profile(client, "Neuer Name", notify=True).status_code == 302
    assert profile_state(app, user.id)[:3] == ("Neuer Name", "de", True)


def test_saved_language_drives_the_next_page_and_later_logins(app, client, logged_in):
    user = logged_in()
    german = client.get("/konto/").get_data(as_text=True)
    assert '<html lang="de">' in german and "Mein Konto" in german

    assert save_profile(client, user.name, locale="en").status_code == 302
    assert profile_state(app, user.id)[1] == "en"
    english = client.get("/konto/").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "My account" in english
    assert "Mein Konto" not in english

    # The choice belongs to the account, not to the browser: another device gets English too.
    other = app.test_client()
    login(other, user)
    assert "My account" in other.get("/konto/").get_data(as_text=True)

    assert save_profile(client, user.name, locale="de").status_code == 302
    assert "Mein Konto" in client.get("/konto/").get_data(as_text=True)


BAD_NAMES = {
    "10000-chars": ("x" * 10_000, NAME_LENGTH),
    "one-char": ("A", NAME_LENGTH),
    "empty": ("", NAME_MISSING),
    "nul": ("Anna\x00Berg", CONTROL),
    "bell": ("Anna\x07Berg", CONTROL),
    "escape": ("Anna\x1bBerg", CONTROL),
    "bidi-override": ("Anna\u202eBerg", CONTROL),
    "zero-width": ("\u200b\u200b\u200b", INVISIBLE),
    "invisible-mix": ("\u200b \u200d\u2060", INVISIBLE),
}


@pytest.mark.parametrize(("name", "message"), list(BAD_NAMES.values()), ids=list(BAD_NAMES))
def test_bad_display_name_gives_german_field_error_and_changes_nothing(app, client, logged_in, name, message):
    user = logged_in()
    before = profile_state(app, user.id)
    response = save_profile(client, name, locale="en", notify=False)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in field_error(page, "display_name")
    assert "Bitte prüfen Sie Ihre Eingaben" in page
    assert profile_state(app, user.id) == before == (user.name, None, True, user.email, None)


def test_unknown_language_is_refused_with_german_error(app, client, logged_in):
    user = logged_in()
    response = save_profile(client, "Anderer Name", locale="fr", notify=False)
    assert response.status_code == 200
    error = field_error(response.get_data(as_text=True), "locale")
    assert "Keine gültige Auswahl." in error
    assert profile_state(app, user.id)[:3] == (user.name, None, True)


# --- change password ----------------------------------------------------------------------------


def change_password(client, current: str, new: str = NEW_PASSWORD, confirm: str | None = None):
    data = {
        "current_password": current,
        "password": new,
        "password_confirm": new if confirm is None else confirm,
    }
    return post(client, "/konto/passwort", data, token_from="/konto/passwort")


def password_hash(app, user_id: int) -> str:
    with app.app_context():
        return get_user(app, user_id).password_hash


def test_wrong_current_password_is_a_field_error_and_changes_nothing(app, client, logged_in, mailbox):
    user = logged_in()
    before = password_hash(app, user.id)
    response = change_password(client, "Falsches-Passwort-9")
    assert response.status_code == 200
    assert WRONG_CURRENT in field_error(response.get_data(as_text=True), "current_password")
    assert password_hash(app, user.id) == before
    assert not mailbox.to(user.email)
    assert is_logged_in(client)
    assert can_log_in(app, user.email, TEST_PASSWORD)


@pytest.mark.parametrize(
    ("new", "confirm", "field", "message"),
    [
        (
            "passwort12345",
            None,
            "password",
            "Dieses Passwort ist zu verbreitet und leicht zu erraten. Bitte wählen Sie ein anderes.",
        ),
        ("kurz-1", None, "password", "Das Passwort muss mindestens 10 Zeichen lang sein."),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "password_confirm", "Die Passwörter stimmen nicht überein."),
        (
            "Profilname-Person",
            None,
            "password",
            "Das Passwort darf nicht Ihre E-Mail-Adresse oder Ihren Namen enthalten.",
        ),
    ],
    ids=["common", "too-short", "mismatch", "own-name"],
)
def test_new_password_must_meet_the_policy(app, client, logged_in, mailbox, new, confirm, field, message):
    user = logged_in(name="Profilname-Person")
    before = password_hash(app, user.id)
    response = change_password(client, TEST_PASSWORD, new, confirm)
    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), field)
    assert password_hash(app, user.id) == before
    assert not mailbox.to(user.email)


def test_password_change_mails_ends_other_sessions_and_keeps_this_one(app, client, make_user, mailbox):
    user = make_user()
    login(client, user)
    other_device = app.test_client()
    login(other_device, user)
    assert is_logged_in(other_device)
    old_cookie = client.get_cookie("session").value

    response = change_password(client, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/konto/"

    mail = mailbox.last_to(user.email)
    assert subject(mail) == PASSWORD_CHANGED_SUBJECT
    assert f"Hallo {user.name}," in mailbox.body(mail)

    assert not is_logged_in(other_device)
    copy = app.test_client()
    copy.set_cookie("session", old_cookie)
    assert not is_logged_in(copy)
    this_device = client.get("/konto/")
    assert this_device.status_code == 200
    assert "Ihr Passwort wurde geändert. Andere Anmeldungen wurden beendet." in this_device.get_data(
        as_text=True
    )
    with app.app_context():
        sessions = db.session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
        )
    assert sessions == 1

    assert can_log_in(app, user.email, NEW_PASSWORD)
    assert not can_log_in(app, user.email, TEST_PASSWORD)


# --- change e-mail ------------------------------------------------------------------------------


def request_change(client, email: str, password: str = TEST_PASSWORD, *, close: bool = True):
    """POST the change form; closing the response (as a WSGI server does) sends the confirmation mail."""
    response = post(
        client, "/konto/e-mail", {"email": email, "current_password": password}, token_from="/konto/e-mail"
    )
    if close:
        response.get_data()
        response.close()
    return response


def test_email_change_with_wrong_password_is_refused(app, client, logged_in, mailbox):
    user = logged_in()
    response = request_change(client, "neu@example.org", "Falsches-Passwort-9")
    assert response.status_code == 200
    assert WRONG_CURRENT in field_error(response.get_data(as_text=True), "current_password")
    assert profile_state(app, user.id)[3:] == (user.email, None)
    assert not mailbox.messages


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("kein-at-zeichen", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ("SAME", "Das ist bereits Ihre E-Mail-Adresse."),
    ],
    ids=["invalid", "same"],
)
def test_email_change_to_invalid_or_same_address_is_a_field_error(
    app, client, logged_in, mailbox, address, message
):
    user = logged_in()
    response = request_change(client, user.email.upper() if address == "SAME" else address)
    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), "email")
    assert profile_state(app, user.id)[3:] == (user.email, None)
    assert not mailbox.messages


def test_email_change_takes_effect_only_after_the_link(app, client, make_user, mailbox):
    user = make_user(verified=False, name="Uwe Umzug")
    login(client, user)
    response = request_change(client, " Neue.Adresse@Example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/konto/"
    assert EMAIL_FLASH in client.get("/konto/").get_data(as_text=True)

    mail = mailbox.last_to("neue.adresse@example.org")
    assert subject(mail) == CONFIRM_SUBJECT
    assert "Hallo Uwe Umzug," in mailbox.body(mail)
    assert not mailbox.to(user.email)
    assert profile_state(app, user.id)[3:] == (user.email, "neue.adresse@example.org")
    assert "wartet auf Bestätigung" in client.get("/konto/").get_data(as_text=True)
    assert can_log_in(app, user.email, TEST_PASSWORD)
    assert not can_log_in(app, "neue.adresse@example.org", TEST_PASSWORD)

    link = mailbox.link_in_last("neue.adresse@example.org")
    assert link.startswith("/konto/e-mail/bestaetigen/")
    confirmed = client.get(link)
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/konto/"
    assert "Ihre neue E-Mail-Adresse ist bestätigt." in client.get("/konto/").get_data(as_text=True)
    with app.app_context():
        fresh = get_user(app, user.id)
        assert (fresh.email, fresh.pending_email) == ("neue.adresse@example.org", None)
        assert fresh.email_verified_at is not None

    notice = mailbox.last_to(user.email)
    assert subject(notice) == CHANGED_SUBJECT
    assert "bestaetigen" not in mailbox.body(notice)  # the old mailbox never sees the confirmation link
    assert can_log_in(app, "neue.adresse@example.org", TEST_PASSWORD)
    assert not can_log_in(app, user.email, TEST_PASSWORD)

    # Single use: the pending address is gone, so the same link now fails.
    again = client.get(link)
    assert again.status_code == 400
    assert LINK_INVALID in again.get_data(as_text=True)


def test_link_for_a_replaced_pending_address_does_not_work(app, client, logged_in, mailbox):
    user = logged_in()
    assert request_change(client, "erste@example.org").status_code == 302
    first_link = mailbox.link_in_last("erste@example.org")
    assert request_change(client, "zweite@example.org").status_code == 302
    second_link = mailbox.link_in_last("zweite@example.org")

    refused = client.get(first_link)
    assert refused.status_code == 400
    assert LINK_INVALID in refused.get_data(as_text=True)
    assert profile_state(app, user.id)[3:] == (user.email, "zweite@example.org")

    assert client.get(second_link).status_code == 302
    assert profile_state(app, user.id)[3:] == ("zweite@example.org", None)


def test_address_of_another_account_reveals_nothing_and_gets_no_mail(app, make_user, mailbox):
    owner = make_user(name="Inhaberin")
    asker, control = make_user(), make_user()
    asking_client, control_client = app.test_client(), app.test_client()
    login(asking_client, asker)
    login(control_client, control)

    taken = request_change(asking_client, owner.email.upper())
    free = request_change(control_client, "frei@example.org")
    assert taken.status_code == free.status_code == 302
    assert taken.headers["Location"] == free.headers["Location"] == "/konto/"
    taken_page = asking_client.get("/konto/").get_data(as_text=True)
    free_page = control_client.get("/konto/").get_data(as_text=True)
    assert EMAIL_FLASH in taken_page and EMAIL_FLASH in free_page
    assert "wartet auf Bestätigung" in taken_page and "wartet auf Bestätigung" in free_page

    # What the service does: the address is kept pending, but no link is sent anywhere.
    assert mailbox.to("frei@example.org")
    assert not mailbox.to(owner.email)
    assert not mailbox.to(asker.email)
    assert profile_state(app, asker.id)[3:] == (asker.email, owner.email)
    assert profile_state(app, owner.id) == (owner.name, None, True, owner.email, None)

    # Even a correctly signed link for that pending address cannot take the address over.
    with app.app_context():
        forged = tokens.make_change_email_token(get_user(app, asker.id))
    refused = asking_client.get(f"/konto/e-mail/bestaetigen/{forged}")
    assert refused.status_code == 400
    assert profile_state(app, asker.id)[3] == asker.email
    assert profile_state(app, owner.id)[3] == owner.email
    assert can_log_in(app, owner.email, TEST_PASSWORD)


def test_no_mail_is_sent_while_the_change_request_runs(app, make_user, mailbox):
    """Free address (a mail) and taken address (none) answer alike: the mail leaves after the response."""
    owner = make_user()
    answers = []
    for address in ("frei@example.org", owner.email):
        asking = app.test_client()
        login(asking, make_user())
        response = request_change(asking, address, close=False)
        answers.append((response.status_code, len(mailbox.messages)))
        response.close()
    assert answers == [(302, 0), (302, 1)]  # the second count: the first request's mail, sent on close
    assert [message["To"] for message in mailbox.messages] == ["frei@example.org"]


def test_address_registered_by_someone_else_meanwhile_makes_the_link_fail(
    app, client, logged_in, make_user, mailbox
):
    user = logged_in()
    assert request_change(client, "umkaempft@example.org").status_code == 302
    link = mailbox.link_in_last("umkaempft@example.org")
    newcomer: UserInfo = make_user(email="umkaempft@example.org")

    response = client.get(link)
    assert response.status_code == 400
    assert profile_state(app, user.id)[3] == user.email
    assert profile_state(app, newcomer.id)[3] == "umkaempft@example.org"
    assert not mailbox.to(user.email)
