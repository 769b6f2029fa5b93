"""Links to missing pages say "Seite anlegen" in words, and lead somewhere useful even when the page
exists only as someone's pending proposal (without ever showing that proposal's text)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from participation.extensions import db
from participation.notifications.models import Notification
from participation.wiki.models import WikiPage
from tests.conftest import ROLE_SETS, login, post
from tests.wiki.conftest import decide, revisions

MARKER = "Geheimtext-c41d"
WIKI_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "wiki.css"


def _body(html: str) -> str:
    """The rendered page text only (not the layout around it)."""
    match = re.search(r'<div class="prose wiki-body">(.*?)</div>', html, re.DOTALL)
    assert match, html[:2000]
    return match.group(1)


def _create(client, title: str, body: str, **extra):
    data = {"title": title, "body": body, "summary": "", "slug": "", **extra}
    return post(client, "/wiki/neu", data, token_from="/wiki/neu")


# --- 1. the link itself ---------------------------------------------------------------------------


def test_missing_page_link_says_seite_anlegen_in_words_and_has_the_class(app, make_page):
    make_page(title="Bürgerbüro", body="Öffnungszeiten.")
    page = make_page(
        title="Übersicht", body="Siehe [[Bürgerbüro]], [[Stadtarchiv]] und [[Bauhof|den Bauhof]]."
    )
    body = _body(app.test_client().get(f"/wiki/{page.slug}").get_data(as_text=True))
    assert (
        '<a class="wiki-missing" href="/wiki/neu?titel=Stadtarchiv" rel="nofollow ugc noopener">'
        "Stadtarchiv (Seite anlegen)</a>"
    ) in body
    assert '<a class="wiki-missing" href="/wiki/neu?titel=Bauhof" rel="nofollow ugc noopener">' in body
    assert "den Bauhof (Seite anlegen)</a>" in body
    # Existing pages: a plain link, no class, no hint.
    assert '<a href="/wiki/buergerbuero" rel="nofollow ugc noopener">Bürgerbüro</a>' in body
    assert body.count("wiki-missing") == 2


def test_missing_page_link_in_english_keeps_class_and_target(app, make_page):
    page = make_page(title="Übersicht", body="Siehe [[Stadtarchiv]].")
    client = app.test_client()
    response = client.get(f"/wiki/{page.slug}", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in response.get_data(as_text=True)
    body = _body(response.get_data(as_text=True))
    assert '<a class="wiki-missing" href="/wiki/neu?titel=Stadtarchiv"' in body
    assert "Stadtarchiv" in body


def test_users_cannot_give_their_links_the_missing_page_class(app, make_page):
    """The class comes only from our renderer after sanitising; look-alike links stay plain."""
    page = make_page(
        title="Übersicht",
        body=(
            "[[Stadtarchiv]]\n\n"
            '[gefälscht](/wiki/neu?titel=x "Seite anlegen")\n\n'
            "[geraten](/wiki/neu?titel=y#fehlt-0123456789abcdef)\n\n"
            '<a class="wiki-missing" href="/wiki/neu">roh</a>\n\n'
            "[klasse](/wiki/neu){: .wiki-missing}"
        ),
    )
    html = app.test_client().get(f"/wiki/{page.slug}").get_data(as_text=True)
    body = _body(html)
    # Raw HTML is shown as text ("&lt;a class=…"), so count real tags only.
    assert len(re.findall(r"<[^>]*\bclass=", body)) == 1
    assert body.count('<a class="wiki-missing"') == 1
    assert "&lt;a class=" in body
    assert "Stadtarchiv (Seite anlegen)" in body
    assert "gefälscht (Seite anlegen)" not in body and "geraten (Seite anlegen)" not in body
    assert "style=" not in body


def test_the_stylesheet_styles_the_class_not_the_german_title():
    css = WIKI_CSS.read_text(encoding="utf-8")
    assert "a.wiki-missing" in css
    assert "[title=" not in css


# --- 2. a page that exists only as a pending proposal ----------------------------------------------


def _first_proposal(app, make_user, make_page):
    """Anna proposes "Geheimprojekt" (pending); a published page links to it."""
    anna = make_user(ROLE_SETS["citizen"], name="Anna Antrag")
    anna_client = app.test_client()
    login(anna_client, anna)
    assert _create(anna_client, "Geheimprojekt", f"Annas Entwurf {MARKER}").status_code == 302
    make_page(title="Übersicht", body="Siehe [[Geheimprojekt]].")
    with app.app_context():
        page_id = db.session.scalar(select(WikiPage.id).where(WikiPage.slug == "geheimprojekt"))
        db.session.remove()
    return anna, anna_client, page_id


def test_following_seite_anlegen_to_a_pending_page_makes_an_own_proposal(app, client, make_user, make_page):
    anna, anna_client, page_id = _first_proposal(app, make_user, make_page)
    [(anna_revision, _state, _text)] = revisions(app, page_id)
    ben = make_user(ROLE_SETS["citizen"], name="Ben Beitrag")
    login(client, ben)

    overview = client.get("/wiki/uebersicht").get_data(as_text=True)
    link = re.search(r'<a class="wiki-missing" href="([^"]+)"', overview).group(1)
    form = client.get(link.replace("&amp;", "&"))
    assert form.status_code == 200
    assert 'value="Geheimprojekt"' in form.get_data(as_text=True)
    assert MARKER not in form.get_data(as_text=True)

    response = _create(client, "Geheimprojekt", "Bens Vorschlag für das Projekt.")
    assert response.status_code == 302 and response.headers["Location"] == "/wiki/geheimprojekt"
    states = revisions(app, page_id)
    assert [(state, text) for _id, state, text in states] == [
        ("pending", f"Annas Entwurf {MARKER}"),
        ("pending", "Bens Vorschlag für das Projekt."),
    ]
    ben_revision = states[1][0]

    # Ben sees his own proposal, never Anna's: page, history, edit form, her revision, diffs.
    page_html = client.get("/wiki/geheimprojekt").get_data(as_text=True)
    assert "Ihre Änderung wartet auf Prüfung" in page_html and "Bens Vorschlag" in page_html
    for url in ("/wiki/geheimprojekt", "/wiki/geheimprojekt/versionen", "/wiki/geheimprojekt/bearbeiten"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.get_data(as_text=True), url
    for url in (
        f"/wiki/geheimprojekt/versionen/{anna_revision}",
        f"/wiki/geheimprojekt/vergleich?zu={anna_revision}",
        f"/wiki/geheimprojekt/vergleich?von={anna_revision}&zu={ben_revision}",
    ):
        assert client.get(url).status_code == 404, url
    # ... and Anna still sees only her own.
    anna_page = anna_client.get("/wiki/geheimprojekt").get_data(as_text=True)
    assert MARKER in anna_page and "Bens Vorschlag" not in anna_page
    # Readers still see a missing page.
    assert app.test_client().get("/wiki/geheimprojekt").status_code == 404


def test_approving_one_proposal_outdates_the_other_and_tells_its_author(
    app, client, make_user, make_page, mailbox
):
    anna, _anna_client, page_id = _first_proposal(app, make_user, make_page)
    ben = make_user(ROLE_SETS["citizen"])
    login(client, ben)
    assert _create(client, "Geheimprojekt", "Bens Text.").status_code == 302
    ben_revision = revisions(app, page_id)[1][0]

    moderator = app.test_client()
    login(moderator, make_user(ROLE_SETS["moderator"]))
    assert decide(moderator, ben_revision).status_code == 302
    assert [state for _id, state, _text in revisions(app, page_id)] == ["outdated", "approved"]
    with app.app_context():
        kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == anna.id)).all()
        db.session.remove()
    assert kinds == ["wiki_outdated"]
    assert "Geheimprojekt" in mailbox.body(mailbox.last_to(anna.email))

    public = app.test_client()
    html = public.get("/wiki/geheimprojekt").get_data(as_text=True)
    assert "Bens Text." in html and MARKER not in html
    assert MARKER not in public.get("/wiki/geheimprojekt/versionen").get_data(as_text=True)
    overview = public.get("/wiki/uebersicht").get_data(as_text=True)
    assert '<a href="/wiki/geheimprojekt" rel="nofollow ugc noopener">Geheimprojekt</a>' in overview
    # Now the address is really taken.
    assert "Diese Adresse ist bereits vergeben." in _create(client, "Geheimprojekt", "Noch einer.").get_data(
        as_text=True
    )


def test_the_proposer_is_sent_to_their_own_pending_change(app, make_user, make_page):
    _anna, anna_client, page_id = _first_proposal(app, make_user, make_page)
    response = anna_client.get("/wiki/neu?titel=Geheimprojekt")
    assert response.status_code == 302
    assert response.headers["Location"] == "/wiki/geheimprojekt/bearbeiten"
    edit = anna_client.get("/wiki/geheimprojekt/bearbeiten").get_data(as_text=True)
    assert MARKER in edit and "schon einen Vorschlag eingereicht" in edit
    # Submitting the create form again replaces her earlier proposal, as an edit would.
    assert _create(anna_client, "Geheimprojekt", "Annas zweite Fassung.").status_code == 302
    assert [state for _id, state, _text in revisions(app, page_id)] == ["withdrawn", "pending"]


def test_staff_publish_over_pending_proposals_and_outdate_them(app, client, make_user, make_page):
    anna, _anna_client, page_id = _first_proposal(app, make_user, make_page)
    login(client, make_user(ROLE_SETS["planner"]))
    assert _create(client, "Geheimprojekt", "Amtlicher Text.").status_code == 302
    assert [state for _id, state, _text in revisions(app, page_id)] == ["outdated", "approved"]
    assert "Amtlicher Text." in app.test_client().get("/wiki/geheimprojekt").get_data(as_text=True)


def test_a_locked_pending_page_stays_taken_for_citizens(app, client, make_user, make_page):
    _anna, _anna_client, page_id = _first_proposal(app, make_user, make_page)
    with app.app_context():
        db.session.get(WikiPage, page_id).locked = True
        db.session.commit()
        db.session.remove()
    login(client, make_user(ROLE_SETS["citizen"]))
    response = _create(client, "Geheimprojekt", "Ben.")
    assert response.status_code == 400
    assert "Diese Adresse ist bereits vergeben." in response.get_data(as_text=True)
    assert len(revisions(app, page_id)) == 1
