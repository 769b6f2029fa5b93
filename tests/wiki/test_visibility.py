"""Nothing unreviewed leaks: a pending change's marker appears nowhere for other readers."""

from __future__ import annotations

import pytest

from participation.extensions import db
from participation.projects.models import Project
from tests.conftest import ROLE_SETS, login, post
from tests.wiki.conftest import propose, revisions

MARKER = "Zebrastreifen-7f3a9"
TITLE_MARKER = "Titel-Geheim-42b"


PROJECT_SLUG = "ortsteil-projekt"


@pytest.fixture
def pending_change(app, client, make_page, make_user):
    """A published, project-linked page plus a citizen's pending change carrying the marker in text,
    title and summary; a second project page links to it by [[title]]."""
    with app.app_context():
        project = Project(slug=PROJECT_SLUG, title="Ortsteile stärken", summary="Ein Vorhaben.")
        db.session.add(project)
        db.session.commit()
        project_id = project.id
        db.session.remove()
    page = make_page(
        title="Ortsteile",
        body="Musterstadt hat fünf Ortsteile.\n\n# Altstadt\n\nRund um den Markt.",
        project_id=project_id,
    )
    make_page(title="Hintergrund", body="Mehr dazu unter [[Ortsteile]].", project_id=project_id)
    author = make_user(ROLE_SETS["citizen"], name="Anna Beispiel")
    login(client, author)
    response = propose(
        client,
        page.slug,
        f"Musterstadt hat sechs Ortsteile. {MARKER}",
        title=f"Ortsteile {TITLE_MARKER}",
        summary=f"Zusammenfassung {MARKER}",
    )
    assert response.status_code == 302
    pending_id = revisions(app, page.id)[-1][0]
    return page, author, pending_id


def _reader_urls(page, pending_id: int) -> list[str]:
    return [
        "/wiki/",
        "/wiki/?q=sechs",
        f"/wiki/{page.slug}",
        f"/wiki/{page.slug}/versionen",
        f"/wiki/{page.slug}/vergleich",
        f"/wiki/{page.slug}/vergleich?von={page.revision_id}&zu={page.revision_id}",
        # The project page's wiki panel lists linked pages by title; the other linked page links to it.
        f"/projekte/{PROJECT_SLUG}",
        "/wiki/hintergrund",
        "/",
    ]


@pytest.mark.parametrize("reader", ["anonymous", "citizen", "planner"])
def test_pending_marker_appears_nowhere_for_other_readers(app, pending_change, make_user, reader):
    page, _author, pending_id = pending_change
    client = app.test_client()
    if reader != "anonymous":
        login(client, make_user(ROLE_SETS[reader]))
    for url in _reader_urls(page, pending_id):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        if url.startswith("/projekte/"):
            # The panel is really there, listing the page by its approved title.
            assert 'href="/wiki/ortsteile">Ortsteile</a>' in html and 'href="/wiki/hintergrund"' in html
        if url == "/wiki/hintergrund":
            assert '<a href="/wiki/ortsteile" rel="nofollow ugc noopener">Ortsteile</a>' in html
        assert MARKER not in html, url
        assert TITLE_MARKER not in html, url
        assert "sechs Ortsteile" not in html, url
    # Searching for the markers finds nothing (the term itself is echoed back, nothing else).
    for term in (MARKER, TITLE_MARKER, "sechs"):
        html = client.get(f"/wiki/?q={term}").get_data(as_text=True)
        assert "Keine Seite gefunden" in html, term
        assert 'class="wiki-list"' not in html, term
    # The pending revision itself and diffs that include it answer 404, as if it did not exist.
    for url in (
        f"/wiki/{page.slug}/versionen/{pending_id}",
        f"/wiki/{page.slug}/vergleich?zu={pending_id}",
        f"/wiki/{page.slug}/vergleich?von={pending_id}&zu={page.revision_id}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert MARKER not in response.get_data(as_text=True)


def test_readers_still_see_the_approved_text_and_search_finds_it(app, pending_change):
    page, _author, _pending_id = pending_change
    client = app.test_client()
    html = client.get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert "Musterstadt hat fünf Ortsteile." in html
    assert "Ihre Änderung wartet auf Prüfung" not in html
    assert "fünf Ortsteile" in client.get("/wiki/?q=f%C3%BCnf").get_data(as_text=True)


def test_author_sees_own_pending_change_with_banner(app, client, pending_change):
    page, _author, pending_id = pending_change  # `client` is still logged in as the author
    html = client.get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert "Ihre Änderung wartet auf Prüfung" in html
    assert MARKER in html
    history = client.get(f"/wiki/{page.slug}/versionen").get_data(as_text=True)
    assert "wartet auf Prüfung" in history
    assert client.get(f"/wiki/{page.slug}/versionen/{pending_id}").status_code == 200
    # Search and lists stay on approved text, even for the author.
    assert "Keine Seite gefunden" in client.get(f"/wiki/?q={MARKER}").get_data(as_text=True)


def test_reviewer_sees_pending_in_history_and_review(app, pending_change, make_user):
    page, _author, pending_id = pending_change
    client = app.test_client()
    login(client, make_user(ROLE_SETS["moderator"]))
    assert MARKER in client.get(f"/wiki/{page.slug}/versionen").get_data(as_text=True)
    review = client.get(f"/wiki/pruefung/{pending_id}", follow_redirects=True).get_data(as_text=True)
    assert MARKER in review and "<ins>" in review
    assert TITLE_MARKER in client.get("/wiki/pruefung", follow_redirects=True).get_data(as_text=True)
    # The public page text is still the approved one, for reviewers too.
    assert MARKER not in client.get(f"/wiki/{page.slug}").get_data(as_text=True)


def test_unpublished_new_page_is_invisible_to_others(app, client, make_user):
    author = make_user(ROLE_SETS["citizen"])
    login(client, author)
    response = post(
        client,
        "/wiki/neu",
        {"title": f"Neue Seite {TITLE_MARKER}", "body": f"Text {MARKER}", "summary": ""},
        token_from="/wiki/neu",
    )
    assert response.status_code == 302
    slug = response.headers["Location"].rsplit("/", 1)[-1]
    assert "Ihre Änderung wartet auf Prüfung" in client.get(f"/wiki/{slug}").get_data(as_text=True)

    for reader in ("anonymous", "citizen", "planner"):
        other = app.test_client()
        if reader != "anonymous":
            login(other, make_user(ROLE_SETS[reader]))
        for url in (f"/wiki/{slug}", f"/wiki/{slug}/versionen", f"/wiki/{slug}/vergleich"):
            assert other.get(url).status_code == 404, (reader, url)
        html = other.get("/wiki/").get_data(as_text=True)
        assert MARKER not in html and TITLE_MARKER not in html, reader
        for term in (MARKER, TITLE_MARKER):
            assert "Keine Seite gefunden" in other.get(f"/wiki/?q={term}").get_data(as_text=True), (
                reader,
                term,
            )


def test_links_to_an_unpublished_page_show_as_missing(app, client, make_page, make_user):
    """A pending new page does not even reveal itself through a [[link]] that would resolve to it."""
    login(client, make_user(ROLE_SETS["citizen"]))
    post(client, "/wiki/neu", {"title": "Geheimprojekt", "body": "x"}, token_from="/wiki/neu")
    page = make_page(title="Übersicht", body="Siehe [[Geheimprojekt]].")
    html = app.test_client().get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert '<a class="wiki-missing" href="/wiki/neu?titel=Geheimprojekt"' in html
    assert "Geheimprojekt (Seite anlegen)</a>" in html
    assert 'href="/wiki/geheimprojekt"' not in html


def test_rejected_and_withdrawn_text_stays_hidden(app, client, pending_change, make_user):
    page, _author, pending_id = pending_change  # `client` is still logged in as the author
    response = post(
        client, f"/wiki/{page.slug}/versionen/{pending_id}/zurueckziehen", token_from=f"/wiki/{page.slug}"
    )
    assert response.status_code == 302
    assert revisions(app, page.id)[-1][1] == "withdrawn"
    html = client.get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert "Ihre Änderung wartet auf Prüfung" not in html and MARKER not in html
    other = app.test_client()
    assert other.get(f"/wiki/{page.slug}/versionen/{pending_id}").status_code == 404
    assert MARKER not in other.get(f"/wiki/{page.slug}/versionen").get_data(as_text=True)
