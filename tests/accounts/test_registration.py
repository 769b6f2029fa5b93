"""Registration: verification mail over real SMTP, no enumeration, verification links, input checks."""

from __future__ import annotations

import html
import re
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select

from participation.accounts import policy, services
from participation.accounts.models import User
from participation.core import mail as core_mail
from participation.extensions import db
from tests.conftest import TEST_PASSWORD, UserInfo, get_user, login, post

VERIFY_SUBJECT_DE = "Bitte bestätigen Sie Ihre E-Mail-Adresse"
VERIFY_SUBJECT_EN = "Please confirm your email address"
ALREADY_SUBJECT_DE = "Registrierung mit Ihrer E-Mail-Adresse"
BANNER = "Bitte bestätigen Sie Ihre E-Mail-Adresse über den Link in unserer E-Mail."
VERIFIED_FLASH = "Vielen Dank, Ihre E-Mail-Adresse ist bestätigt."
LINK_INVALID = "Dieser Link ist ungültig oder abgelaufen"
VERIFY_PATH = "/konto/bestaetigen/"

CONTROL = "Der Text enthält unzulässige Steuerzeichen."
INVISIBLE = "Der Text enthält keine sichtbaren Zeichen."
NAME_LENGTH = "Der Anzeigename muss 2 bis 80 Zeichen lang sein."
BAD_EMAIL = "Bitte geben Sie eine gültige E-Mail-Adresse ein."
TOO_SHORT = "Das Passwort muss mindestens 10 Zeichen lang sein."
COMMON = "Dieses Passwort ist zu verbreitet und leicht zu erraten. Bitte wählen Sie ein anderes."
MISMATCH = "Die Passwörter stimmen nicht überein."
PERSONAL = "Das Passwort darf nicht Ihre E-Mail-Adresse oder Ihren Namen enthalten."

CSRF_VALUE_RE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+"')


# --- helpers ------------------------------------------------------------------------------------


def subject(message) -> str:
    """The decoded Subject header (umlauts arrive RFC 2047-encoded)."""
    return str(make_header(decode_header(message["Subject"])))


def form_data(email: str, name: str = "Anna Beispiel", password: str = TEST_PASSWORD, confirm=None) -> dict:
    return {
        "email": email,
        "display_name": name,
        "password": password,
        "password_confirm": password if confirm is None else confirm,
    }


def register(client, email: str, name: str = "Anna Beispiel", **kwargs):
    """POST the registration form with a real CSRF token."""
    path = "/konto/registrieren"
    return post(client, path, form_data(email, name), token_from=path, **kwargs)


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def user_by_email(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None, email
        db.session.expunge(user)
        return user


def normalized_page(response, email: str) -> str:
    """The page with the per-request CSRF tokens and the typed address blanked out."""
    text = CSRF_VALUE_RE.sub(r'\1TOKEN"', response.get_data(as_text=True))
    return text.replace(html.escape(email), "ADDRESS").replace(email, "ADDRESS")


def field_error(page: str, field: str) -> str:
    """The text of the error paragraph tied to one field (empty when the field has no error)."""
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


# --- the happy path -----------------------------------------------------------------------------


def test_registration_mails_german_link_that_verifies_and_login_works(app, client, mailbox):
    response = register(client, "neu@example.org", "Anna Beispiel")
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in response.get_data(as_text=True)

    mail = mailbox.last_to("neu@example.org")
    assert subject(mail) == VERIFY_SUBJECT_DE
    assert "Hallo Anna Beispiel," in mailbox.body(mail)
    link = mailbox.link_in_last("neu@example.org")
    assert link.startswith(VERIFY_PATH)
    assert user_by_email(app, "neu@example.org").email_verified_at is None

    verified = client.get(link)
    assert verified.status_code == 302
    assert verified.headers["Location"].endswith("/konto/anmelden")
    assert user_by_email(app, "neu@example.org").email_verified_at is not None

    page = client.get("/konto/anmelden").get_data(as_text=True)
    assert VERIFIED_FLASH in page
    logged = post(
        client,
        "/konto/anmelden",
        {"email": "neu@example.org", "password": TEST_PASSWORD},
        token_from="/konto/anmelden",
    )
    assert logged.status_code == 302
    assert client.get("/konto/").status_code == 200


def test_registration_address_is_normalised(app, client, mailbox):
    assert register(client, "  Gross.Schreibung@Example.ORG ").status_code == 200
    assert user_by_email(app, "gross.schreibung@example.org").display_name == "Anna Beispiel"
    assert mailbox.to("gross.schreibung@example.org")


def test_registration_with_english_accept_language_mails_in_english(app, client, mailbox):
    response = register(client, "english@example.org", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert subject(mailbox.last_to("english@example.org")) == VERIFY_SUBJECT_EN
    assert user_by_email(app, "english@example.org").locale == "en"


def test_registration_after_language_switch_mails_in_english(app, client, mailbox):
    switched = post(client, "/sprache", {"language": "en", "next": "/konto/registrieren"})
    assert switched.status_code == 302
    assert register(client, "switch@example.org").status_code == 200
    assert subject(mailbox.last_to("switch@example.org")) == VERIFY_SUBJECT_EN


# --- no account enumeration ---------------------------------------------------------------------


def test_known_address_gets_identical_page_and_an_already_registered_mail(app, make_user, mailbox):
    owner = make_user(name="Bestehende Person")
    fresh = register(app.test_client(), "ganz-neu@example.org")
    known = register(app.test_client(), owner.email, "Jemand Anderes")

    assert known.status_code == fresh.status_code == 200
    assert normalized_page(known, owner.email) == normalized_page(fresh, "ganz-neu@example.org")
    assert user_count(app) == 2  # the owner and the really new address, no second account for the owner

    mail = mailbox.last_to(owner.email)
    assert subject(mail) == ALREADY_SUBJECT_DE
    body = mailbox.body(mail)
    assert VERIFY_PATH not in body
    assert "/konto/anmelden" in body
    assert len(mailbox.to(owner.email)) == 1
    # The owner's account is untouched: same name, old password still works.
    assert user_by_email(app, owner.email).display_name == "Bestehende Person"
    login(app.test_client(), owner)


def test_known_and_new_address_cost_the_same_work(app, make_user, mailbox, monkeypatch):
    """No timing difference: both ways hash the password once and send one mail inside the request."""
    hashed, sent = [], []
    original_hash, original_deliver = services.hash_password, core_mail.deliver
    monkeypatch.setattr(services, "hash_password", lambda pw: hashed.append(pw) or original_hash(pw))
    monkeypatch.setattr(core_mail, "deliver", lambda mail: sent.append(mail.to) or original_deliver(mail))
    owner = make_user()
    work = []
    for address in ("ganz-neu@example.org", owner.email):
        hashed.clear()
        sent.clear()
        assert register(app.test_client(), address).status_code == 200
        work.append((len(hashed), len(sent)))
    assert work == [(1, 1), (1, 1)]


def test_known_address_in_other_case_is_recognised(app, make_user, mailbox):
    make_user(email="owner@example.org")
    assert register(app.test_client(), "OWNER@Example.org").status_code == 200
    assert user_count(app) == 1
    assert subject(mailbox.last_to("owner@example.org")) == ALREADY_SUBJECT_DE


# --- verification links -------------------------------------------------------------------------


def registered_link(client, mailbox, email: str = "link@example.org") -> str:
    assert register(client, email).status_code == 200
    return mailbox.link_in_last(email)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: token.split(".")[0],
        lambda token: "kein-token",
    ],
    ids=["signature", "prefix", "truncated", "garbage"],
)
def test_tampered_verification_token_is_refused(app, client, mailbox, tamper):
    link = registered_link(client, mailbox)
    token = link.removeprefix(VERIFY_PATH)
    response = client.get(VERIFY_PATH + tamper(token))
    assert response.status_code == 400
    assert "ungültig" in response.get_data(as_text=True)
    assert user_by_email(app, "link@example.org").email_verified_at is None


def test_expired_verification_token_is_refused(app, client, mailbox, monkeypatch):
    link = registered_link(client, mailbox)
    monkeypatch.setitem(app.config, "VERIFY_TOKEN_MAX_AGE", -1)
    response = client.get(link)
    assert response.status_code == 400
    assert LINK_INVALID in response.get_data(as_text=True)
    assert user_by_email(app, "link@example.org").email_verified_at is None


def test_verification_token_for_a_changed_address_is_dead(app, client, mailbox):
    old_link = registered_link(client, mailbox, "alt@example.org")
    user = user_by_email(app, "alt@example.org")
    with app.app_context():
        get_user(app, user.id).email = "geaendert@example.org"
        db.session.commit()
    response = client.get(old_link)
    assert response.status_code == 400
    assert "ungültig" in response.get_data(as_text=True)
    with app.app_context():
        assert get_user(app, user.id).email_verified_at is None


def test_verification_link_dead_after_email_change_through_profile(app, client, mailbox):
    old_link = registered_link(client, mailbox, "vorher@example.org")
    user = user_by_email(app, "vorher@example.org")
    login(client, UserInfo(user.id, "vorher@example.org", TEST_PASSWORD, "Anna Beispiel"))
    data = {"email": "nachher@example.org", "current_password": TEST_PASSWORD}
    changed = post(client, "/konto/e-mail", data, token_from="/konto/e-mail")
    assert changed.status_code == 302
    changed.close()  # the confirmation mail leaves once the response is closed
    assert client.get(mailbox.link_in_last("nachher@example.org")).status_code == 302
    with app.app_context():
        assert get_user(app, user.id).email == "nachher@example.org"
    assert client.get(old_link).status_code == 400


# --- unverified accounts ------------------------------------------------------------------------


def test_unverified_account_reads_sees_banner_resends_and_verifies(app, client, make_user, mailbox):
    user = make_user(verified=False)
    login(client, user)
    with app.app_context():
        assert policy.can_participate(get_user(app, user.id)) is False

    home = client.get("/")
    assert home.status_code == 200
    assert BANNER in home.get_data(as_text=True)
    assert client.get("/konto/").status_code == 200

    resent = post(client, "/konto/bestaetigung-erneut", {"next": "/konto/"})
    assert resent.status_code == 302
    assert resent.headers["Location"] == "/konto/"
    mail = mailbox.last_to(user.email)
    assert subject(mail) == VERIFY_SUBJECT_DE
    link = mailbox.link_in_last(user.email)
    assert link.startswith(VERIFY_PATH)

    assert client.get(link).status_code == 302
    with app.app_context():
        verified = get_user(app, user.id)
        assert verified.email_verified_at is not None
        assert policy.can_participate(verified) is True
    assert BANNER not in client.get("/").get_data(as_text=True)


def test_resend_needs_login(client, mailbox):
    response = post(client, "/konto/bestaetigung-erneut")
    assert response.status_code == 302
    assert "/konto/anmelden" in response.headers["Location"]
    assert mailbox.messages == []


# --- bad input on the form ----------------------------------------------------------------------

BAD_INPUT = [
    ("long-name", {"display_name": "A" * 10_000}, "display_name", NAME_LENGTH),
    ("nul-name", {"display_name": "Anna\x00Beispiel"}, "display_name", CONTROL),
    ("bell-name", {"display_name": "Anna\x07Beispiel"}, "display_name", CONTROL),
    ("bidi-name", {"display_name": "Anna\u202eexe.gnp"}, "display_name", CONTROL),
    ("zero-width-name", {"display_name": "\u200b\u200b"}, "display_name", INVISIBLE),
    ("invalid-email", {"email": "keine-adresse"}, "email", BAD_EMAIL),
    ("nul-email", {"email": "anna\x00@example.org"}, "email", CONTROL),
    ("short-password", {"password": "Linden-7x", "password_confirm": "Linden-7x"}, "password", TOO_SHORT),
    ("common-password", {"password": "passwort123", "password_confirm": "passwort123"}, "password", COMMON),
    ("mismatch", {"password_confirm": TEST_PASSWORD + "x"}, "password_confirm", MISMATCH),
    (
        "personal-password",
        {"password": "lindenbaum-Sommer-42", "password_confirm": "lindenbaum-Sommer-42"},
        "password",
        PERSONAL,
    ),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"), [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT]
)
def test_bad_registration_input_is_refused_next_to_the_field(app, client, mailbox, overrides, field, message):
    data = {**form_data("lindenbaum@example.org", "Anna Beispiel"), **overrides}
    response = post(client, "/konto/registrieren", data, token_from="/konto/registrieren")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert message in field_error(page, field)
    assert "Bitte prüfen Sie Ihre Eingaben" in page
    # Valid typed values are kept; passwords are never sent back.
    if field != "email":
        assert 'value="lindenbaum@example.org"' in page
    if field != "display_name":
        assert 'value="Anna Beispiel"' in page
    for secret in {data["password"], data["password_confirm"]}:
        assert html.escape(secret) not in page
    assert user_count(app) == 0
    assert mailbox.messages == []


@pytest.mark.parametrize("name", ["Zoë Łukasiewicz-Müller", "李小龍", "Anna 🌻"])
def test_unusual_but_valid_names_are_accepted(app, client, mailbox, name):
    response = register(client, "unicode@example.org", name)
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in response.get_data(as_text=True)
    assert user_by_email(app, "unicode@example.org").display_name == name
    assert f"Hallo {name}," in mailbox.body(mailbox.last_to("unicode@example.org"))


def test_logged_in_user_is_sent_away_from_registration(client, logged_in):
    logged_in()
    assert client.get("/konto/registrieren").status_code == 302
