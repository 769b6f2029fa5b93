"""Which language a page is in: saved profile language, then the switch, then Accept-Language, then de."""

from __future__ import annotations

import re

import pytest

from participation.extensions import db
from tests.conftest import get_user, login, post

HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


def page_language(client, accept_language: str | None = None) -> str:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    html = client.get("/", headers=headers).get_data(as_text=True)
    return HTML_LANG.search(html).group(1)


def switch_in_session(client, language: str) -> None:
    """The language switch's mark in the session (what POST /sprache leaves for a logged-out visitor)."""
    with client.session_transaction() as session:
        session["language"] = language


def save_profile_language(app, user_id: int, language: str | None) -> None:
    with app.app_context():
        get_user(app, user_id).locale = language
        db.session.commit()


@pytest.mark.parametrize(
    ("profile", "switch", "accept", "expected"),
    [
        ("en", "de", "de", "en"),
        ("de", "en", "en", "de"),
        ("en", None, "de-DE,de;q=0.9", "en"),
        ("de", None, "en-GB,en;q=0.9", "de"),
    ],
)
def test_logged_in_profile_language_beats_switch_and_accept_language(
    app, client, make_user, profile, switch, accept, expected
):
    user = make_user()
    login(client, user)
    save_profile_language(app, user.id, profile)
    if switch:
        switch_in_session(client, switch)
    assert page_language(client, accept) == expected


@pytest.mark.parametrize(
    ("switch", "accept", "expected"),
    [("en", "de", "en"), ("de", "en", "de"), (None, "en", "en"), (None, "de", "de")],
)
def test_logged_in_without_saved_language_follows_switch_then_accept_language(
    app, client, make_user, switch, accept, expected
):
    user = make_user()
    login(client, user)
    save_profile_language(app, user.id, None)
    if switch:
        switch_in_session(client, switch)
    assert page_language(client, accept) == expected


@pytest.mark.parametrize(
    ("switch", "accept", "expected"),
    [("en", "de", "en"), ("de", "en", "de"), ("en", None, "en"), ("de", "en-US,en;q=0.8", "de")],
)
def test_logged_out_switch_beats_accept_language(client, switch, accept, expected):
    switch_in_session(client, switch)
    assert page_language(client, accept) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,en;q=0.5", "en"),
        ("de", "de"),
        ("fr", "de"),  # unsupported: the default
        ("*", "de"),
        ("de, en", "de"),  # a tie goes to the default
        (None, "de"),  # no header at all: the default
    ],
)
def test_logged_out_without_switch_accept_language_beats_the_default(client, accept, expected):
    assert page_language(client, accept) == expected


def test_switch_form_sets_the_session_language_for_a_visitor(client):
    """The real switch (POST /sprache), not only a session value, beats Accept-Language."""
    assert post(client, "/sprache", {"language": "en", "next": "/"}).status_code == 302
    assert page_language(client, "de") == "en"


def test_unknown_language_in_session_is_ignored(client):
    switch_in_session(client, "fr")
    assert page_language(client, "en") == "en"
    assert page_language(client, None) == "de"
