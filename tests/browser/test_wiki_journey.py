"""The wiki in real Chromium: a citizen edits, a moderator approves, an anonymous reader sees the new text."""

from __future__ import annotations

from playwright.sync_api import expect

from participation.extensions import db
from participation.wiki import services
from participation.wiki.queries import page_by_slug
from tests.browser.conftest import Site
from tests.browser.test_accessibility import axe_problems
from tests.conftest import ROLE_SETS, get_user

LONG_BODY = """Das Bürgerbüro im Rathaus ist die erste Anlaufstelle.

# Öffnungszeiten

Montags 8 bis 16 Uhr.

# Termine

Termine gibt es online. Mehr unter [[Ortsteile]] und [[Stadtarchiv]].

# Barrierefreiheit

Der Eingang ist stufenlos.
"""
NEW_SENTENCE = "Am ersten Samstag im Monat ist von 9 bis 12 Uhr geöffnet."


def assert_accessible(site: Site, name: str) -> None:
    """axe-core (WCAG 2.1 A/AA) finds nothing, and every id reference resolves."""
    problems, response = axe_problems(site)
    assert not problems, f"{name} ({site.page.url}):\n" + "\n".join(problems)
    assert response["passes"], "axe reported no passing rules at all"


def published_page(site: Site) -> str:
    planner = site.make_user(ROLE_SETS["planner"], name="Paula Planerin")
    with site.app.test_request_context():
        services.create_page(
            get_user(site.app, planner.id), title="Bürgerbüro", body=LONG_BODY, summary="Erste Fassung"
        )
        db.session.commit()
        db.session.remove()
    return "buergerbuero"


def log_out(site: Site) -> None:
    with site.page.expect_navigation():
        site.page.locator("header button", has_text="Abmelden").click()


def test_citizen_edits_moderator_approves_reader_sees_new_text(site: Site, mailbox) -> None:
    page = site.page
    slug = published_page(site)

    # A citizen proposes a change through the real form.
    citizen = site.login_as("citizen", name="Anna Beispiel")
    site.goto(f"/wiki/{slug}")
    expect(page.locator("nav.wiki-toc")).to_contain_text("Öffnungszeiten")
    assert_accessible(site, "wiki page")
    page.locator("main nav.subnav a", has_text="Bearbeiten").click()
    expect(page.locator("main h1")).to_contain_text("bearbeiten")
    assert_accessible(site, "wiki edit")
    page.fill("#body", LONG_BODY.replace("Montags 8 bis 16 Uhr.", f"Montags 8 bis 16 Uhr. {NEW_SENTENCE}"))
    page.fill("#summary", "Samstagsöffnung ergänzt")
    with page.expect_navigation():
        page.locator("main button[type=submit]", has_text="Zur Prüfung einreichen").click()
    expect(page.locator(".banner-pending")).to_contain_text("Ihre Änderung wartet auf Prüfung")
    expect(page.locator(".wiki-body")).to_contain_text(NEW_SENTENCE)
    assert_accessible(site, "wiki page with pending banner")
    site.goto(f"/wiki/{slug}/versionen")
    assert_accessible(site, "wiki history")
    log_out(site)

    # Anonymous readers do not see it yet.
    site.goto(f"/wiki/{slug}")
    expect(page.locator(".wiki-body")).not_to_contain_text(NEW_SENTENCE)

    # A moderator reviews the word diff and approves.
    site.login_as("moderator")
    # The wiki's old review address leads to the moderation desk, filtered to wiki changes.
    site.goto("/wiki/pruefung")
    assert "/moderation" in page.url and "typ=wiki" in page.url
    assert_accessible(site, "wiki changes in the moderation queue")
    row = page.locator(".queue-item", has_text="Bürgerbüro")
    with page.expect_navigation():
        row.locator("a", has_text="Alle Angaben").click()
    expect(page.locator(".wiki-diff ins").first).to_contain_text("Samstag")
    assert_accessible(site, "wiki change decision screen")
    with page.expect_navigation():
        page.locator("main button[value=publish]").click()
    expect(page.locator(".flash-success")).to_contain_text("Entscheidung ist gespeichert")
    site.goto(f"/wiki/{slug}/versionen")
    with page.expect_navigation():
        page.locator("main table a", has_text="Änderungen").first.click()
    expect(page.locator(".wiki-diff ins")).to_contain_text("Samstag")
    assert_accessible(site, "wiki diff")
    log_out(site)

    # The anonymous reader now sees the new text; the author got the news by e-mail.
    site.goto(f"/wiki/{slug}")
    expect(page.locator(".wiki-body")).to_contain_text(NEW_SENTENCE)
    expect(page.locator(".banner-pending")).to_have_count(0)
    assert "veröffentlicht" in mailbox.body(mailbox.last_to(citizen.email))


def test_edit_conflict_view_is_accessible_and_keeps_the_text(site: Site) -> None:
    page = site.page
    slug = published_page(site)
    site.login_as("citizen")
    site.goto(f"/wiki/{slug}/bearbeiten")
    page.fill("#body", "Mein ganz eigener Text.")
    # Meanwhile the municipality publishes a new version.
    planner = site.make_user(ROLE_SETS["planner"])
    with site.app.test_request_context():
        wiki_page = page_by_slug(slug)
        services.propose_edit(
            get_user(site.app, planner.id),
            wiki_page,
            title="Bürgerbüro",
            body=LONG_BODY + "\nNeu vom Rathaus.",
            summary="",
            base_revision_id=wiki_page.approved_revision_id,
        )
        db.session.commit()
        db.session.remove()
    with page.expect_navigation():
        page.locator("main button[type=submit]", has_text="Zur Prüfung einreichen").click()
    expect(page.locator(".error-summary")).to_contain_text("Die Seite wurde inzwischen geändert")
    expect(page.locator("#body")).to_have_value("Mein ganz eigener Text.")
    expect(page.locator(".wiki-source")).to_contain_text("Neu vom Rathaus.")
    assert_accessible(site, "wiki edit conflict")
