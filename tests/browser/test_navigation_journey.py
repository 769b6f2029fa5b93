"""Finding one's way: the phone menu by keyboard and without JavaScript, the search, the desktop header."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from participation.extensions import db
from participation.projects.models import Project
from tests.browser.conftest import Site

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
HEADER_HEIGHT = "() => document.querySelector('header.site-header').getBoundingClientRect().height"


def focused(site: Site) -> dict:
    """What has keyboard focus right now."""
    return site.page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute('href'),
                    text: (el.innerText || el.value || '').trim(), inMain: !!el.closest('main')};
        }"""
    )


def tab_until(site: Site, wanted, limit: int = 30) -> dict:
    """Press Tab until the focused element matches; fail with what was passed."""
    seen = []
    for _ in range(limit):
        site.page.keyboard.press("Tab")
        now = focused(site)
        if wanted(now):
            return now
        seen.append(now["text"] or now["id"] or now["tag"])
    pytest.fail(f"nicht mit der Tabulatortaste erreichbar; vorbei an: {seen}")


def add_project(app, slug: str, title: str) -> None:
    """A published project, committed (the search index follows in the same transaction)."""
    with app.app_context():
        db.session.add(Project(slug=slug, title=title, summary="Ein Testvorhaben.", description=""))
        db.session.commit()
        db.session.remove()


def test_keyboard_only_on_a_phone_open_the_menu_search_and_reach_a_result(site: Site) -> None:
    add_project(site.app, "baumallee", "Neue Bäume für die Lindenallee")
    page = site.page
    page.set_viewport_size(PHONE)
    site.goto("/wiki/")
    assert page.evaluate(HEADER_HEIGHT) <= 64
    expect(page.locator("#site-search-q")).to_be_hidden()  # behind the closed menu

    tab_until(site, lambda f: f["tag"] == "summary" and f["text"] == "Menü")
    page.keyboard.press("Enter")
    expect(page.locator(".menu-toggle")).to_have_attribute("open", "")
    assert page.locator(".menu-toggle summary").evaluate("el => el.parentElement.open") is True
    # The sections come first, the current one marked.
    tab_until(site, lambda f: f["text"] == "Vorhaben")
    expect(page.locator(".main-nav a[aria-current]")).to_have_text("Wissen")

    tab_until(site, lambda f: f["id"] == "site-search-q")
    page.keyboard.type("Baum")  # "Bäume" in the title: German word forms match
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/suche?q=Baum" in page.url
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    hit = tab_until(site, lambda f: f["inMain"] and f["text"] == "Neue Bäume für die Lindenallee", limit=60)
    assert hit["href"] == "/projekte/baumallee"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_have_text("Neue Bäume für die Lindenallee")


def test_the_phone_menu_works_without_javascript(browser, live_server) -> None:
    context = browser.new_context(locale="de-DE", java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        menu_link = page.locator(".main-nav a", has_text="Umfragen")
        expect(menu_link).to_be_hidden()
        page.click(".menu-toggle summary")
        expect(menu_link).to_be_visible()
        with page.expect_navigation():
            menu_link.click()
        assert page.url == live_server + "/umfragen/"
        expect(page.locator(".main-nav a[aria-current='page']")).to_have_text("Umfragen")
        assert page.evaluate(HEADER_HEIGHT) <= 64
    finally:
        context.close()


@pytest.mark.parametrize("role", [None, "citizen", "moderator", "planner", "admin"])
def test_at_1280_pixels_no_header_row_wraps(site: Site, role: str | None) -> None:
    site.page.set_viewport_size(DESKTOP)
    if role:
        site.login_as(role)
    site.goto("/")
    rows = site.page.evaluate(
        """() => {
            const mid = el => {
                const r = el.getBoundingClientRect();
                return Math.round(r.top + r.height / 2);
            };
            const firstRow = ['.brand', '.main-nav li:first-child', '.main-nav li:last-child', '.site-search']
                .map(s => mid(document.querySelector(s)));
            const secondRow = [...document.querySelectorAll('.user-bar li, .language-switch button')]
                .map(mid);
            return {firstRow, secondRow};
        }"""
    )
    assert max(rows["firstRow"]) - min(rows["firstRow"]) <= 4, rows
    assert max(rows["secondRow"]) - min(rows["secondRow"]) <= 4, rows
    assert site.page.evaluate(HEADER_HEIGHT) <= 120
    assert site.page.locator(".menu-toggle").is_hidden()
