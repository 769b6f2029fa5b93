"""Atom feeds (#16 item 4): valid Atom, only what the public may read, constant queries, ETag, no writes."""

from __future__ import annotations

from flask import render_template_string

from participation.extensions import db
from participation.projects.models import Project
from participation.wiki.models import RevisionState, WikiRevision
from tests.feeds.conftest import ATOM, entry_ids, get_counted, parse_atom

LINK_LINE = (
    '{% for feed in feed_links() %}<link rel="alternate" type="application/atom+xml" '
    'title="{{ feed.title }}" href="{{ feed.href }}">{% endfor %}'
)


def test_projects_feed_is_atom_with_one_entry_per_project_and_phase(app, client, add_project):
    """Each project's current phase is an entry; a phase change gives a new entry id."""
    project_id, _slug = add_project("radweg-nord", "Radweg Nord", phase="participation")
    add_project("park-sued", "Park Süd")
    response = client.get("/feeds/vorhaben.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = parse_atom(response.data)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert "Radweg Nord – Phase: Beteiligung" in titles
    assert f"vorhaben/{project_id}/phase/participation" in " ".join(entry_ids(root))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"


def test_discussion_feed_shows_only_published_comments(app, client, add_project, add_comment):
    """Held, hidden, removed and deleted comments never appear: the discussions' visibility rule."""
    project_id, slug = add_project("spielplatz")
    add_comment(project_id, "SICHTBAR-7f3a öffentlich")
    for status in ("pending", "hidden", "removed", "deleted"):
        add_comment(project_id, f"GEHEIM-{status}-9c2e", status=status)
    response = client.get(f"/feeds/vorhaben/{slug}/diskussion.atom")
    root = parse_atom(response.data)
    assert len(root.findall(f"{ATOM}entry")) == 1
    assert "SICHTBAR-7f3a" in response.get_data(as_text=True)
    assert "GEHEIM-" not in response.get_data(as_text=True)
    assert client.get("/feeds/vorhaben/gibt-es-nicht/diskussion.atom").status_code == 404


def test_wiki_feed_lists_approved_revisions_only(app, client, add_page, make_user):
    """A pending, rejected or withdrawn proposal never shows its title or summary."""
    page_id = add_page("Bürgerbüro Öffnungszeiten")
    citizen = make_user(name="Bea Bürgerin")
    with app.app_context():
        for state in ("pending", "rejected", "withdrawn"):
            db.session.add(
                WikiRevision(
                    page_id=page_id,
                    author_id=citizen.id,
                    title=f"UNGEPRUEFT-{state}-41d0",
                    body="UNGEPRUEFT-Text",
                    summary=f"UNGEPRUEFT-{state}-Zusammenfassung",
                    state=RevisionState(state).value,
                )
            )
        db.session.commit()
    response = client.get("/feeds/wiki.atom")
    root = parse_atom(response.data)
    assert [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")] == [
        "Wiki-Seite „Bürgerbüro Öffnungszeiten“ geändert"
    ]
    assert "UNGEPRUEFT" not in response.get_data(as_text=True)


def test_etag_and_last_modified_give_304(app, client, add_project):
    add_project("etag-test", "ETag-Test")
    first = client.get("/feeds/vorhaben.atom")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/feeds/vorhaben.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    add_project("etag-neu", "Neues Vorhaben")
    changed = client.get("/feeds/vorhaben.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200


def test_feed_queries_do_not_grow_and_reads_write_nothing(app, client, add_project, add_comment, add_page):
    """The same number of statements for 2 and for 12 items per feed; no INSERT/UPDATE/DELETE."""
    project_id, slug = add_project("zaehlen")
    paths = ["/feeds/vorhaben.atom", f"/feeds/vorhaben/{slug}/diskussion.atom", "/feeds/wiki.atom"]
    paths.append("/feeds/ergebnisse.atom")

    def add(start: int, stop: int) -> None:
        for number in range(start, stop):
            add_project(f"vorhaben-{number}")
            add_comment(project_id, f"Kommentar {number}")
            add_page(f"Seite {number}")

    add(0, 2)
    client.get("/")  # the first request of a client loads what every later one shares
    few = [get_counted(app, client, path)[1] for path in paths]
    add(2, 12)
    many = [get_counted(app, client, path)[1] for path in paths]
    assert few == many
    assert all(count <= 3 for count in many), many


def test_feed_links_fit_the_base_template_line(app, add_project):
    """Project pages offer the projects and discussion feeds, wiki and results pages theirs, others none."""
    _id, slug = add_project("verlinkt")
    expected = {
        f"/projekte/{slug}": ["/feeds/vorhaben.atom", f"/feeds/vorhaben/{slug}/diskussion.atom"],
        "/projekte/": ["/feeds/vorhaben.atom"],
        "/wiki/": ["/feeds/wiki.atom"],
        "/umfragen/3/ergebnisse": ["/feeds/ergebnisse.atom"],
        "/konto/anmelden": [],
    }
    for path, feeds in expected.items():
        with app.test_request_context(path):
            html = render_template_string(LINK_LINE)
        assert html.count('rel="alternate"') == len(feeds), path
        for feed in feeds:
            assert f'href="{feed}"' in html, path
        assert 'title=""' not in html


def test_feeds_are_bounded_to_the_newest_fifty(app, client):
    """55 projects: the feed holds the 50 most recently changed ones."""
    with app.app_context():
        db.session.add_all(
            Project(slug=f"viele-{n}", title=f"Vorhaben {n}", summary="Kurz.", description="")
            for n in range(55)
        )
        db.session.commit()
    root = parse_atom(client.get("/feeds/vorhaben.atom").data)
    assert len(root.findall(f"{ATOM}entry")) == 50
