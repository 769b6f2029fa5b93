"""Tests for the password policy and its shipped list of common passwords."""

from __future__ import annotations

from importlib import resources
from types import SimpleNamespace

import pytest
from flask import Flask
from flask_babel import Babel
from wtforms import Form, PasswordField, StringField

from participation.accounts import passwords
from participation.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    PasswordPolicy,
    common_passwords,
    password_problems,
)

STRONG = "Lindenpark-Brunnen-7"

TOO_SHORT = "Das Passwort muss mindestens 10 Zeichen lang sein."
TOO_LONG = "Das Passwort darf höchstens 256 Zeichen lang sein."
CONTROL = "Das Passwort enthält unzulässige Steuerzeichen."
COMMON = "Dieses Passwort ist zu verbreitet und leicht zu erraten. Bitte wählen Sie ein anderes."
PERSONAL = "Das Passwort darf nicht Ihre E-Mail-Adresse oder Ihren Namen enthalten."


def _list_lines() -> list[str]:
    """The data lines of the shipped file, header comments excluded."""
    text = resources.files("participation.accounts").joinpath("data/common_passwords.txt").read_text("utf-8")
    return [line for line in text.split("\n")[:-1] if not line.startswith("#")]


LIST_LINES = _list_lines()


@pytest.fixture(autouse=True)
def request_context():
    """Lazy strings need an app with Babel to become str."""
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def problems(password: str, **kwargs: str | None) -> list[str]:
    """password_problems() with the lazy strings resolved."""
    return [str(message) for message in password_problems(password, **kwargs)]


# --- the shipped list ---


def test_list_has_header_comment():
    text = resources.files("participation.accounts").joinpath("data/common_passwords.txt").read_text("utf-8")
    first = text.split("\n", 1)[0]
    assert first.startswith("#")
    assert "German and English" in first


def test_list_is_large_unique_sorted_lowercase_without_blank_lines():
    assert len(LIST_LINES) >= 2000
    assert len(set(LIST_LINES)) == len(LIST_LINES)
    assert LIST_LINES == sorted(LIST_LINES)
    assert all(line for line in LIST_LINES)
    assert all(line == line.strip() for line in LIST_LINES)
    assert all(line == line.lower() for line in LIST_LINES)
    assert all(len(line) >= MIN_LENGTH for line in LIST_LINES)


def test_loaded_set_skips_comments_and_is_cached():
    loaded = common_passwords()
    assert loaded is common_passwords()
    assert not any(entry.startswith("#") for entry in loaded)
    assert "passwort123" in loaded


# --- length ---


def test_constants():
    assert (MIN_LENGTH, MAX_LENGTH) == (10, 256)


def test_nine_characters_refused_ten_accepted():
    assert problems("Lindenp-7x") == []
    assert problems("Lindenp-7") == [TOO_SHORT]


def test_empty_refused():
    assert problems("") == [TOO_SHORT]


def test_max_length_accepted_one_more_refused():
    base = "Lindenpark-Brunnen-7-"
    long_ok = (base * 20)[:MAX_LENGTH]
    assert problems(long_ok) == []
    assert problems(long_ok + "x") == [TOO_LONG]


def test_huge_input_only_reports_length():
    assert problems("\x00" * 100_000) == [TOO_LONG]


# --- control characters ---


@pytest.mark.parametrize("char", ["\x00", "\n", "\r", "\t", "\x1b", "\x7f", "\x85", "\ud800"])
def test_control_characters_refused(char):
    assert problems(f"Lindenpark{char}Brunnen-7") == [CONTROL]


def test_unicode_letters_and_spaces_are_fine():
    assert problems("Grüße aus der Südstadt 7") == []
    assert problems("Straßenbahn-Haltestelle 🚋") == []


# --- common passwords ---


@pytest.mark.parametrize(
    "password",
    [
        "passwort123",
        "Qwertzuiop",
        "1234567890",
        "PASSWORD1234",
        "Fußball123",
        "FUSSBALL123",
        "fussball123",
        "Frühling2026",
        "Fru\u0308hling2026",  # decomposed umlaut as some keyboards/OSes send it
        "Musterstadt2026",
        "BürgerBüro",
        "hallo2026!",
        "schalke04!",
        "1qaz2wsx3edc",
        "sommer2015",
        "password2030",
    ],
)
def test_literal_common_passwords_refused(password):
    assert problems(password) == [COMMON]


@pytest.mark.parametrize("entry", LIST_LINES[:: max(1, len(LIST_LINES) // 60)])
def test_sample_of_list_entries_refused(entry):
    assert problems(entry) == [COMMON]
    assert problems(entry.upper()) == [COMMON]


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "ZZZZZZZZZZZZZZZZ", "!!!!!!!!!!", "ääääääääää"])
def test_single_repeated_character_is_common(password):
    assert problems(password) == [COMMON]


def test_short_repeated_character_reports_length_and_common():
    assert problems("aaaa") == [TOO_SHORT, COMMON]


def test_strong_password_accepted():
    assert problems(STRONG) == []
    assert problems(STRONG, email="anna.schmidt@example.de", display_name="Anna Schmidt") == []


# --- e-mail and display name ---


def test_password_equal_to_email_refused():
    email = "anna.schmidt@musterstadt.de"
    assert problems("Anna.Schmidt@Musterstadt.de", email=email) == [PERSONAL]


def test_password_equal_to_local_part_refused():
    assert problems("Anna.Schmidt", email="anna.schmidt@musterstadt.de") == [PERSONAL]


def test_password_containing_local_part_refused():
    assert problems("xx-anna.schmidt-2024", email="anna.schmidt@musterstadt.de") == [PERSONAL]
    assert problems("BorisBrunnen-7x", email="boris@example.de") == [PERSONAL]


def test_short_local_part_may_appear_inside():
    # "max" is three characters: a passphrase may contain it by chance.
    assert problems("Maximal-Lindenpark-7", email="max@example.de") == []


def test_short_local_part_as_whole_password_is_caught_by_length():
    assert problems("max", email="max@example.de") == [TOO_SHORT, PERSONAL]


def test_password_equal_to_display_name_refused():
    assert problems("Annabella Schmidt", display_name="  annabella schmidt ") == [PERSONAL]


def test_display_name_inside_password_is_allowed():
    assert problems("Annabella Schmidt am Lindenpark 7", display_name="Annabella Schmidt") == []


def test_blank_email_and_name_are_ignored():
    assert problems(STRONG, email="", display_name="   ") == []
    assert problems(STRONG, email=None, display_name=None) == []


def test_common_and_personal_both_reported():
    assert problems("passwort123", email="passwort123@example.de") == [COMMON, PERSONAL]


# --- WTForms validator ---


class SignupForm(Form):
    email = StringField()
    display_name = StringField()
    password = PasswordField(validators=[PasswordPolicy()])


class ChangePasswordForm(Form):
    password = PasswordField(validators=[PasswordPolicy()])


class PasswordOnlyForm(Form):
    password = PasswordField(validators=[PasswordPolicy()])


def test_validator_accepts_strong_password():
    form = SignupForm(data={"email": "anna@example.de", "display_name": "Anna", "password": STRONG})
    assert form.validate()


def test_validator_reports_first_problem_only():
    form = PasswordOnlyForm(data={"password": "pass\x00"})
    assert not form.validate()
    assert [str(error) for error in form.password.errors] == [TOO_SHORT]


def test_validator_refuses_common_password():
    form = PasswordOnlyForm(data={"password": "Passwort123"})
    assert not form.validate()
    assert [str(error) for error in form.password.errors] == [COMMON]


def test_validator_handles_missing_data():
    form = PasswordOnlyForm()
    assert not form.validate()
    assert [str(error) for error in form.password.errors] == [TOO_SHORT]


def test_validator_uses_sibling_email_field():
    form = SignupForm(
        data={"email": "lindenfreund@example.de", "display_name": "", "password": "lindenfreund-2024"}
    )
    assert not form.validate()
    assert [str(error) for error in form.password.errors] == [PERSONAL]


def test_validator_uses_sibling_display_name_field():
    form = SignupForm(
        data={"email": "", "display_name": "Gartenfreundin Erika", "password": "gartenfreundin erika"}
    )
    assert not form.validate()
    assert [str(error) for error in form.password.errors] == [PERSONAL]


def test_validator_uses_context_user_on_change_password_form():
    form = ChangePasswordForm(data={"password": "Kastanienallee"})
    form.context_user = SimpleNamespace(email="erika@example.de", display_name="Kastanienallee")
    assert not form.validate()
    assert [str(error) for error in form.password.errors] == [PERSONAL]

    form = ChangePasswordForm(data={"password": "kastanie-erika-77"})
    form.context_user = SimpleNamespace(email="kastanie-erika-77@example.de", display_name=None)
    assert not form.validate()
    assert [str(error) for error in form.password.errors] == [PERSONAL]


def test_validator_context_user_without_conflict_passes():
    form = ChangePasswordForm(data={"password": STRONG})
    form.context_user = SimpleNamespace(email="erika@example.de", display_name="Erika")
    assert form.validate()


def test_module_exports_messages_as_lazy_strings():
    # Lazy so each request renders the message in its own locale.
    assert not isinstance(passwords.MSG_COMMON, str)
    assert str(passwords.MSG_COMMON) == COMMON
