"""The citizen's editor: starts from the published text, names a waiting proposal, previews without JS."""

from __future__ import annotations

import html as html_lib
import re

from tests.wiki.conftest import edit_form, propose, revisions


def _textarea(page_html: str) -> str:
    match = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', page_html, re.S)
    assert match, page_html[:2000]
    return html_lib.unescape(match.group(1)).strip()


def test_editor_starts_from_the_published_text_and_offers_the_waiting_proposal(
    app, client, make_page, logged_in
):
    page = make_page(body="Veröffentlichter Text.")
    logged_in("citizen")
    assert propose(client, page.slug, "Mein wartender Vorschlag.").status_code == 302

    start = client.get(f"/wiki/{page.slug}/bearbeiten").get_data(as_text=True)
    assert _textarea(start) == "Veröffentlichter Text."
    assert "schon eine Änderung dieser Seite vorgeschlagen" in start
    assert f"/wiki/{page.slug}/bearbeiten?fassung=vorschlag" in start

    continued = client.get(f"/wiki/{page.slug}/bearbeiten?fassung=vorschlag").get_data(as_text=True)
    assert _textarea(continued) == "Mein wartender Vorschlag."
    assert "Sie bearbeiten Ihren Vorschlag vom" in continued


def test_editor_without_a_waiting_proposal_says_nothing_about_one(app, client, make_page, logged_in):
    page = make_page(body="Veröffentlichter Text.")
    logged_in("citizen")
    body = client.get(f"/wiki/{page.slug}/bearbeiten").get_data(as_text=True)
    assert _textarea(body) == "Veröffentlichter Text."
    assert "fassung=vorschlag" not in body


def test_preview_without_javascript_renders_the_typed_text_and_saves_nothing(
    app, client, make_page, logged_in
):
    page = make_page(body="Alt.")
    logged_in("citizen")
    before = revisions(app, page.id)
    data = edit_form(client, page.slug)
    data.update(
        {"title": page.title, "body": "## Neu\n\nMit **fettem** Wort.", "summary": "", "preview": "1"}
    )
    response = client.post(f"/wiki/{page.slug}/bearbeiten", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="preview-heading"' in body
    assert "<strong>fettem</strong>" in body
    # The typed source stays in the textarea, and nothing was stored.
    assert _textarea(body) == "## Neu\n\nMit **fettem** Wort."
    assert revisions(app, page.id) == before


def test_preview_of_bad_input_shows_the_message_and_keeps_the_text(app, client, make_page, logged_in):
    page = make_page(body="Alt.")
    logged_in("citizen")
    data = edit_form(client, page.slug)
    data.update({"title": "", "body": "Text bleibt.", "preview": "1"})
    response = client.post(f"/wiki/{page.slug}/bearbeiten", data=data)
    assert response.status_code == 400
    assert _textarea(response.get_data(as_text=True)) == "Text bleibt."


def test_submitting_from_the_continued_proposal_replaces_it(app, client, make_page, logged_in):
    page = make_page(body="Alt.")
    logged_in("citizen")
    assert propose(client, page.slug, "Erster.").status_code == 302
    data = edit_form(client, page.slug)
    data.update({"title": page.title, "body": "Zweiter.", "summary": ""})
    assert client.post(f"/wiki/{page.slug}/bearbeiten?fassung=vorschlag", data=data).status_code == 302
    states = [(state, text) for _id, state, text in revisions(app, page.id)[1:]]
    assert states == [("withdrawn", "Erster."), ("pending", "Zweiter.")]
