"""Form errors a screen reader finds: each field with an error points at its message (aria-describedby)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.conftest import ROLE_SETS, login, post


class FormScan(HTMLParser):
    """Form controls with their attributes, the text of every element with an id, summary links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.controls: dict[str, dict[str, str | None]] = {}
        self.texts: dict[str, str] = {}
        self.summary_links: list[str] = []
        self._open: list[tuple[str, str | None]] = []
        self._in_summary = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        element_id = attributes.get("id")
        if tag in ("input", "textarea", "select") and element_id and attributes.get("type") != "hidden":
            self.controls[element_id] = attributes
        if tag == "input":
            return
        classes = (attributes.get("class") or "").split()
        if "error-summary" in classes or self._in_summary:
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self.summary_links.append(attributes.get("href") or "")
        if element_id:
            self.texts.setdefault(element_id, "")
        self._open.append((tag, element_id))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            self._open.pop()
            if self._in_summary:
                self._in_summary -= 1

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.texts[element_id] += data


def scan(html: str) -> FormScan:
    scanner = FormScan()
    scanner.feed(html)
    scanner.close()
    return scanner


def assert_errors_tied_to_fields(html: str, expected: dict[str, str]) -> None:
    """Every field in `expected` is marked invalid and described by an element holding the message."""
    page = scan(html)
    for field, message in expected.items():
        control = page.controls.get(field)
        assert control is not None, f"no field #{field}"
        assert control.get("aria-invalid") == "true", (field, control)
        described = (control.get("aria-describedby") or "").split()
        error_ids = [
            ref for ref in described if ref in page.texts and message in " ".join(page.texts[ref].split())
        ]
        assert error_ids, f"#{field}: aria-describedby={described} names no element with {message!r}"
        assert f"#{field}" in page.summary_links, f"the error summary does not link to #{field}"
        for ref in described:
            assert ref in page.texts, f"#{field}: aria-describedby names #{ref}, which does not exist"
    # A field without an error is not announced as invalid.
    for field, control in page.controls.items():
        if field not in expected:
            assert control.get("aria-invalid") is None, f"#{field} is marked invalid without an error"


def test_register_form_errors_are_tied_to_their_fields(client):
    path = "/konto/registrieren"
    response = post(
        client,
        path,
        {"email": "keine-adresse", "display_name": "", "password": "kurz", "password_confirm": "anders"},
        token_from=path,
    )
    assert response.status_code == 200
    assert_errors_tied_to_fields(
        response.get_data(as_text=True),
        {
            "email": "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
            "display_name": "Bitte geben Sie einen Anzeigenamen ein.",
            "password": "Das Passwort muss mindestens 10 Zeichen lang sein.",
            "password_confirm": "Die Passwörter stimmen nicht überein.",
        },
    )


def test_register_hint_and_error_are_both_described(client):
    """A field with a hint keeps the hint in aria-describedby next to the error."""
    path = "/konto/registrieren"
    response = post(client, path, {"email": "a@example.org", "display_name": "x"}, token_from=path)
    control = scan(response.get_data(as_text=True)).controls["display_name"]
    assert control["aria-describedby"].split() == ["display_name-hint", "display_name-error"]


def test_change_password_form_errors_are_tied_to_their_fields(client, make_user):
    login(client, make_user())
    path = "/konto/passwort"
    response = post(
        client,
        path,
        {
            "current_password": "nicht-das-passwort",
            "password": "passwort123",
            "password_confirm": "passwort123",
        },
        token_from=path,
    )
    assert response.status_code == 200
    assert_errors_tied_to_fields(
        response.get_data(as_text=True),
        {"password": "Dieses Passwort ist zu verbreitet und leicht zu erraten."},
    )


def test_wrong_current_password_error_is_tied_to_its_field(client, make_user):
    login(client, make_user())
    path = "/konto/passwort"
    password = "Stadtbibliothek-Morgen-42"
    response = post(
        client,
        path,
        {"current_password": "nicht-das-passwort", "password": password, "password_confirm": password},
        token_from=path,
    )
    assert_errors_tied_to_fields(
        response.get_data(as_text=True), {"current_password": "Das aktuelle Passwort ist falsch."}
    )


def test_admin_block_form_error_is_tied_to_the_reason(client, make_user):
    target = make_user()
    login(client, make_user(ROLE_SETS["admin"]))
    path = f"/admin/benutzer/{target.id}"
    data = {"block-days": "7", "block-reason_code": "spam", "block-text": ""}
    response = post(client, path + "/sperren", data, token_from=path)
    assert response.status_code == 400
    assert_errors_tied_to_fields(
        response.get_data(as_text=True),
        {"block-text": "Bitte begründen Sie die Entscheidung für die betroffene Person."},
    )


def test_legal_page_form_error_is_tied_to_the_text(client, make_user):
    login(client, make_user(ROLE_SETS["admin"]))
    path = "/admin/einstellungen/impressum"
    response = post(client, path, {"body": ""}, token_from=path)
    assert_errors_tied_to_fields(response.get_data(as_text=True), {"body": "Der Text darf nicht leer sein."})


@pytest.mark.parametrize(
    ("email", "password", "errors"),
    [
        (
            "",
            "",
            {
                "email": "Bitte geben Sie Ihre E-Mail-Adresse ein.",
                "password": "Bitte geben Sie Ihr Passwort ein.",
            },
        ),
        ("keine-adresse", "irgendwas", {"email": "Bitte geben Sie eine gültige E-Mail-Adresse ein."}),
        ("niemand@example.org", "irgendwas", {"password": "E-Mail-Adresse oder Passwort ist falsch."}),
    ],
    ids=["empty", "malformed", "unknown"],
)
def test_login_form_errors_are_tied_to_their_fields(client, email, password, errors):
    path = "/konto/anmelden"
    response = post(client, path, {"email": email, "password": password}, token_from=path)
    assert_errors_tied_to_fields(response.get_data(as_text=True), errors)
