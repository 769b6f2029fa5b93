"""The site-wide search in real Chromium: by keyboard only on a phone, from the search field to a result."""

from __future__ import annotations

import pytest

from participation.discussions import services as discussions
from participation.extensions import db
from participation.projects.models import Project
from tests.browser.conftest import Site
from tests.browser.test_wiki_journey import assert_accessible
from tests.conftest import get_user

MAX_TABS = 60


def seed(site: Site) -> None:
    """A project about trees and a comment with a tag-like text, written through the services."""
    citizen = site.make_user()
    with site.app.test_request_context():
        project = Project(
            slug="baeume-lindenpark", title="Neue Bäume im Lindenpark", summary="Linden und Eichen."
        )
        db.session.add(project)
        db.session.flush()
        discussions.post_comment(get_user(site.app, citizen.id), project, "Ein Baum `<b>mehr</b>` am Weg.")
        db.session.commit()
        db.session.remove()


def tab_to(site: Site, selector: str) -> None:
    """Press Tab until the element matching the selector has the focus (at most MAX_TABS times)."""
    for _ in range(MAX_TABS):
        site.page.keyboard.press("Tab")
        if site.page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} not reached with {MAX_TABS} Tab presses")


def test_keyboard_search_on_a_phone_reaches_a_result(site: Site) -> None:
    seed(site)
    page = site.page
    page.set_viewport_size({"width": 360, "height": 800})
    site.goto("/suche")
    tab_to(site, "#search-q")
    page.keyboard.type("Bäume")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "2 Treffer für „Bäume“" in page.inner_text("main")
    assert page.locator("main mark").first.inner_text() in ("Bäume", "Baum")
    assert page.locator("main b").count() == 0  # the comment's tag is shown as text
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert_accessible(site, "Suche 360 px")
    tab_to(site, ".search-hit-title a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(site.url("/projekte/baeume-lindenpark"))


def test_search_page_is_accessible_on_a_wide_screen(site: Site) -> None:
    seed(site)
    site.page.set_viewport_size({"width": 1280, "height": 900})
    site.goto("/suche?q=Baum&art=comment")
    assert "1 Treffer" in site.page.inner_text("main")
    assert_accessible(site, "Suche 1280 px, Kommentare")
    site.goto("/suche?q=der+die+das")
    assert_accessible(site, "Suche nur Stoppwörter")
