"""The /suche page and the domain lists that use the engine, through the test client."""

from __future__ import annotations

import re

from participation.discussions import services as discussions
from participation.extensions import db
from tests.conftest import count_queries


def page(client, **params) -> str:
    response = client.get("/suche", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_search_page_lists_hits_of_every_kind_with_marked_snippets(world, client):
    html = page(client, q="Bäume")
    assert "2 Treffer für „Bäume“" in html
    assert 'href="/projekte/lindenpark"' in html
    assert f"/projekte/lindenpark/kommentare/{world.ids['comment']}#kommentar-{world.ids['comment']}" in html
    assert "Kommentar zu „Neue Bäume im Lindenpark“" in html
    assert "<mark>Baum</mark>" in html and "<mark>Bäume</mark>" in html
    assert 'role="search"' in html and '<label for="search-q">' in html


def test_type_filter_counts_and_narrows(world, client):
    html = page(client, q="Bäume", art="comment")
    assert "1 Treffer für „Bäume“" in html
    assert 'href="/projekte/lindenpark"' not in html
    assert re.search(r'value="comment" checked>\s*Kommentar \(1\)', html)
    assert "Vorhaben (1)" in html and "Alle (2)" in html
    # An unknown type is ignored rather than an error.
    assert "2 Treffer" in page(client, q="Bäume", art="<script>")


def test_user_html_is_escaped(world, client):
    discussions.post_comment(world.citizen, world.project, "Ein Baum `<img src=x onerror=alert(1)>` hier.")
    db.session.commit()
    html = page(client, q="Baum")
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_empty_and_stop_word_queries_get_a_friendly_message(world, client):
    assert "Geben Sie ein oder mehrere Wörter ein" in page(client)
    assert "aussagekräftigeres Wort" in page(client, q="der die das")
    assert "Nichts gefunden" in page(client, q="Xylophonmarker")
    assert page(client, q="a" * 5000)  # long input is cut, never a 500
    assert page(client, q='"(*) NEAR OR', weiter="x.y")


def test_more_hits_link_pages_by_keyset(world, client):
    for number in range(23):
        discussions.post_comment(world.citizen, world.project, f"Hinweis {number} zum Gänsemarker.")
    db.session.commit()
    first = page(client, q="Gänsemarker")
    assert first.count('class="search-hit"') == 20
    link = re.search(r'href="(/suche\?[^"]+weiter=[^"]+)">Weitere Treffer', first)
    assert link
    second = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert second.count('class="search-hit"') == 3
    assert "Weitere Treffer" not in second
    ids = set(re.findall(r"#kommentar-(\d+)", first)) | set(re.findall(r"#kommentar-(\d+)", second))
    assert len(ids) == 23


def test_query_count_does_not_grow_with_the_hits(app, world, client):
    page(client, q="Lindenpark")  # warm-up
    with count_queries(db.engine) as few:
        page(client, q="Bäume", art="comment")
    for number in range(30):
        discussions.post_comment(world.citizen, world.project, f"Bäume Nummer {number}.")
    db.session.commit()
    with count_queries(db.engine) as many:
        html = page(client, q="Bäume", art="comment")
    assert html.count('class="search-hit"') == 20
    assert len(many) == len(few) == 3, many  # counts per type, the page, the page's links
    with count_queries(db.engine) as mixed:
        page(client, q="Bäume")
    assert len(mixed) <= 2 + 4  # at most one links query per type on the page


def test_wiki_list_search_uses_the_engine(world, client):
    html = client.get("/wiki/", query_string={"q": "Strasse"}).get_data(as_text=True)
    assert "Öffnungszeiten Bürgerbüro" in html
    html = client.get("/wiki/", query_string={"q": "Büro"}).get_data(as_text=True)
    assert "Öffnungszeiten Bürgerbüro" in html
    html = client.get("/wiki/", query_string={"q": "Lindenpark"}).get_data(as_text=True)
    assert "Öffnungszeiten Bürgerbüro" not in html


def test_project_list_search_uses_the_engine(world, client):
    html = client.get("/projekte/", query_string={"q": "Radwege"}).get_data(as_text=True)
    assert "Neue Bäume im Lindenpark" in html  # "Radweg" in its description
    html = client.get("/projekte/", query_string={"q": "Markt"}).get_data(as_text=True)
    assert "Neue Bäume im Lindenpark" not in html


def test_very_many_hits_rank_the_newest_and_say_so(world, client, monkeypatch):
    from participation.core.fulltext import query as engine

    monkeypatch.setattr(engine, "CANDIDATES", 5)
    for number in range(8):
        discussions.post_comment(world.citizen, world.project, f"Hinweis {number} zum Storchmarker.")
    db.session.commit()
    html = page(client, q="Storchmarker")
    assert "Mindestens 5 Treffer" in html
    assert "die neuesten 5" in html
    assert html.count('class="search-hit"') == 5
    assert "Weitere Treffer" not in html
