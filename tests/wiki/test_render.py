"""Diffs, [[links]] in one query, table of contents, search escaping, demo data and privacy."""

from __future__ import annotations

import json
import random
import re

import pytest
from sqlalchemy import func, select

from participation.core.demo import seed_demo
from participation.core.permissions import InvalidState
from participation.extensions import db
from participation.wiki.diff import diff_chunks, render_diff
from participation.wiki.models import WikiPage, WikiRevision
from participation.wiki.render import render_page_body, slugify
from tests.conftest import ROLE_SETS, count_queries, login, post
from tests.wiki.conftest import propose


def test_word_diff_marks_only_changed_words():
    chunks = diff_chunks(
        "Das Bürgerbüro ist montags geöffnet.\nZweite Zeile.",
        "Das Bürgerbüro ist dienstags geöffnet.\nZweite Zeile.",
    )
    changed = [(c.kind, c.text) for c in chunks if c.kind != "equal"]
    assert changed == [("delete", "montags"), ("insert", "dienstags")]


def test_rendered_diff_is_escaped_and_readable_without_colour(app):
    with app.test_request_context():
        html = str(render_diff("alt <b>", "neu <script>alert(1)</script>"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<ins><span class="visually-hidden">eingefügt: </span>' in html
    assert '<del><span class="visually-hidden">gelöscht: </span>' in html


def test_diff_of_identical_texts_has_no_changes():
    assert all(c.kind == "equal" for c in diff_chunks("a b c\n", "a b c\n"))


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Häufige Fragen zur Beteiligung", "haeufige-fragen-zur-beteiligung"),
        ("Radweg Bahnhofstraße", "radweg-bahnhofstrasse"),
        ("../admin", "admin"),
        ("Crème brûlée", "creme-brulee"),
        ("???", ""),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_all_wiki_links_resolve_in_one_query(app, make_page):
    for title in ("Bürgerbüro", "Ortsteile", "Radweg Bahnhofstraße"):
        make_page(title=title, body=f"Über {title}.")
    source = "\n".join(
        f"Siehe [[{t}]] und [[{t}|hier]]." for t in ("Bürgerbüro", "ortsteile", "Radweg Bahnhofstraße")
    ) + ("\n\nNoch nicht da: [[Stadtarchiv]] und [[Bauhof|der Bauhof]].")
    with app.test_request_context():
        with count_queries(db.engine) as statements:
            html = str(render_page_body(source).html)
        db.session.remove()
    assert len(statements) == 1
    assert html.count('href="/wiki/buergerbuero"') == 2
    assert 'href="/wiki/ortsteile"' in html and 'href="/wiki/radweg-bahnhofstrasse"' in html
    assert (
        '<a class="wiki-missing" href="/wiki/neu?titel=Stadtarchiv" rel="nofollow ugc noopener">'
        "Stadtarchiv (Seite anlegen)</a>"
    ) in html
    assert ">der Bauhof (Seite anlegen)</a>" in html
    assert html.count('class="wiki-missing"') == 2


def test_table_of_contents_anchors_are_generated_not_user_controlled(app):
    source = (
        "# Öffnungszeiten\n\ntext\n\n## Samstag\n\ntext\n\n# Öffnungszeiten\n\n"
        '# x" onmouseover="alert(1)\n\n# <script>\n'
    )
    with app.test_request_context():
        page = render_page_body(source)
    html = str(page.html)
    assert '<h3 id="abschnitt-oeffnungszeiten">' in html and '<h3 id="abschnitt-oeffnungszeiten-2">' in html
    assert '<h4 id="abschnitt-samstag">' in html
    # Heading text may contain quotes; the tags themselves carry nothing but a generated id.
    for tag in re.findall(r"<h[3-6][^>]*>", html):
        assert re.fullmatch(r'<h[3-6] id="abschnitt-[a-z0-9-]+">', tag), tag
    assert "<script>" not in html
    assert [entry.anchor for entry in page.toc][:2] == [
        "abschnitt-oeffnungszeiten",
        "abschnitt-oeffnungszeiten-2",
    ]
    assert page.toc[0].children[0].text == "Samstag"


def test_short_pages_have_no_table_of_contents(app):
    with app.test_request_context():
        assert render_page_body("# Eins\n\n# Zwei\n\nText").toc == []


def test_search_matches_words_and_treats_wildcards_as_text(app, client, make_page):
    # The list searches through the site-wide engine (core/fulltext): whole words in their German
    # forms; "%" and "_" are no wildcards but separate words.
    make_page(title="Rabatt", body="Es gibt 50% Ermäßigung.")
    make_page(title="Anderes", body="Es gibt 500 Plätze und ein_x Zeichen.")
    html = client.get("/wiki/?q=50%25").get_data(as_text=True)
    assert ">Rabatt</a>" in html and ">Anderes</a>" not in html
    assert ">Anderes</a>" not in client.get("/wiki/?q=50_").get_data(as_text=True)
    assert "Keine Seite gefunden" in client.get("/wiki/?q=5_00").get_data(as_text=True)
    assert ">Anderes</a>" in client.get("/wiki/?q=ein_x").get_data(as_text=True)
    assert ">Rabatt</a>" in client.get("/wiki/?q=ERM%C3%84SSIGUNGEN").get_data(as_text=True)


def test_search_hits_show_plain_text_not_markdown(app, client, make_page):
    """The list's excerpt is what a reader sees on the page: no '#', table pipes or asterisks."""
    make_page(
        title="Bürgerbüro",
        body="# Öffnungszeiten\n\n| Tag | Uhrzeit |\n|---|---|\n| Montag | 8 Uhr |\n\n**Neu** ab Mai.",
    )
    html = client.get("/wiki/?q=Montag").get_data(as_text=True)
    excerpt = html.split('<p class="muted">')[1].split("</p>")[0]
    assert "Öffnungszeiten Tag Uhrzeit Montag 8 Uhr Neu ab Mai." in excerpt
    assert not any(mark in excerpt for mark in ("# ", "|", "**"))


def test_page_list_query_count_does_not_grow(app, client, make_page):
    make_page(title="Seite 1", body="Eins")
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as few:
        client.get("/wiki/")
    for number in range(2, 12):
        make_page(title=f"Seite {number}", body="Text")
    with count_queries(engine) as many:
        html = client.get("/wiki/").get_data(as_text=True)
    assert "Seite 11" in html
    assert len(many) == len(few)


def test_demo_seed_is_idempotent_and_has_a_pending_change(app):

    with app.app_context():
        seed_demo()
        db.session.commit()
        seed_demo()
        db.session.commit()
        titles = set(db.session.scalars(select(WikiPage.title)))
        pending = db.session.scalars(select(WikiRevision).where(WikiRevision.state == "pending")).all()
        assert {
            "Bürgerbüro",
            "Ortsteile",
            "Häufige Fragen zur Beteiligung",
            "Neugestaltung Marktplatz",
            "Radweg Bahnhofstraße",
            "Spielplatz im Lindenpark",
        } <= titles
        assert db.session.scalar(select(func.count()).select_from(WikiPage)) == len(titles)
        assert len(pending) == 1 and pending[0].author.email == "buerger@musterstadt.example"
        db.session.remove()
    client = app.test_client()
    html = client.get("/wiki/ortsteile").get_data(as_text=True)
    assert 'href="/wiki/neugestaltung-marktplatz"' in html and "Seite anlegen" not in html


def test_privacy_export_and_account_deletion(app, client, make_page, make_user):
    page = make_page()
    author = make_user(ROLE_SETS["citizen"], name="Erika Mustermann")
    login(client, author)
    propose(client, page.slug, "Vorschlag von Erika.", summary="Ergänzt")
    data = json.loads(client.get("/konto/daten/meine-daten.json").get_data(as_text=True))
    assert data["wiki"][0]["body"] == "Vorschlag von Erika." and data["wiki"][0]["state"] == "pending"
    response = post(
        client,
        "/konto/loeschen",
        {"current_password": author.password, "confirm": "y"},
        token_from="/konto/loeschen",
    )
    assert response.status_code == 302
    with app.app_context():
        revision = db.session.scalar(select(WikiRevision).where(WikiRevision.author_id == author.id))
        assert revision is not None and revision.state == "withdrawn"
        db.session.remove()
    moderator = app.test_client()
    login(moderator, make_user(ROLE_SETS["moderator"]))
    html = moderator.get(f"/wiki/{page.slug}/versionen").get_data(as_text=True)
    assert "Gelöschtes Konto" in html and "Erika Mustermann" not in html


def _sides(chunks):
    old = "".join(c.text for c in chunks if c.kind != "insert")
    new = "".join(c.text for c in chunks if c.kind != "delete")
    return old, new


def test_diff_always_reconstructs_both_texts():

    rng = random.Random(3)
    words = ["Rathaus", "Markt", "der", "die", "und", "\n\n", "Bank"]
    for _ in range(300):
        old = " ".join(rng.choice(words) for _ in range(rng.randint(0, 80)))
        tokens = old.split(" ")
        for _ in range(rng.randint(0, 6)):
            tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(words + ["NEU"]))
        new = " ".join(tokens)
        assert _sides(diff_chunks(old, new)) == (old, new)


def test_long_repetitive_texts_still_give_a_correct_diff():
    """No unique anchors at all: the diff falls back to a coarse but correct answer instead of hanging."""
    old, new = "ja " * 30_000, "ja " * 15_000 + "nein " + "ja " * 15_000
    chunks = diff_chunks(old, new)
    assert _sides(chunks) == (old, new)
    assert any(c.kind == "insert" and "nein" in c.text for c in chunks)


def test_revisions_are_immutable(app, make_page):

    page = make_page(body="Original.")
    with app.app_context():
        revision = db.session.get(WikiRevision, page.revision_id)
        revision.body = "Heimlich geändert."
        with pytest.raises(InvalidState):
            db.session.flush()
        db.session.rollback()
        assert db.session.get(WikiRevision, page.revision_id).body == "Original."
        db.session.remove()
