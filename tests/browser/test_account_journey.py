"""A person's way through the account pages in real Chromium: register, verify, log in, language, log out."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from participation.accounts import services
from participation.accounts.models import Role
from participation.accounts.services import find_by_email
from participation.extensions import db
from tests.browser.conftest import Site
from tests.conftest import TEST_PASSWORD, get_user

NEW_EMAIL = "lena.brunnenweg@example.org"


def header(site: Site):
    return site.page.locator("header.site-header")


def focused(site: Site) -> dict:
    """What has keyboard focus right now."""
    return site.page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
                    href: el.getAttribute('href'), text: (el.innerText || '').trim()};
        }"""
    )


def stored_user(site: Site, email: str):
    """(verified?, saved locale) of the account, read fresh from the database."""
    with site.app.app_context():
        user = find_by_email(email)
        assert user is not None, email
        state = (user.email_verified_at is not None, user.locale)
        db.session.remove()
    return state


def test_register_verify_login_switch_language_and_log_out(site: Site, mailbox) -> None:
    page = site.page
    site.goto("/konto/registrieren")
    page.fill("#email", NEW_EMAIL)
    page.fill("#display_name", "Lena Brunnenweg")
    page.fill("#password", TEST_PASSWORD)
    page.fill("#password_confirm", TEST_PASSWORD)
    with page.expect_navigation():
        page.press("#password_confirm", "Enter")
    expect(page.locator("main h1")).to_have_text("Bitte bestätigen Sie Ihre E-Mail-Adresse")
    assert stored_user(site, NEW_EMAIL) == (False, "de")

    # The real mail, delivered over SMTP, carries the link; the browser opens it.
    link = mailbox.link_in_last(NEW_EMAIL)
    assert link.startswith("/konto/bestaetigen/"), link
    site.goto(link)
    assert page.url == site.url("/konto/anmelden")
    expect(page.locator(".flash-messages")).to_contain_text("Vielen Dank, Ihre E-Mail-Adresse ist bestätigt.")
    assert stored_user(site, NEW_EMAIL)[0] is True

    page.fill("#email", NEW_EMAIL)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == site.url("/")
    expect(page.locator(".flash-messages")).to_contain_text("Sie sind angemeldet.")
    expect(header(site).get_by_role("button", name="Abmelden")).to_be_visible()
    expect(page.locator(".notice-warning")).to_have_count(0)

    # English via the header button: the whole page changes, and the choice is saved in the profile.
    with page.expect_navigation():
        header(site).get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == site.url("/")
    assert stored_user(site, NEW_EMAIL)[1] == "en"
    expect(header(site).get_by_role("button", name="Log out")).to_be_visible()
    expect(header(site).get_by_role("link", name="My account")).to_be_visible()

    with page.expect_navigation():
        header(site).get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(header(site).get_by_role("link", name="Mein Konto")).to_be_visible()
    assert stored_user(site, NEW_EMAIL)[1] == "de"

    with page.expect_navigation():
        header(site).get_by_role("button", name="Abmelden").click()
    expect(page.locator(".flash-messages")).to_contain_text("Sie sind abgemeldet.")
    expect(header(site).get_by_role("link", name="Anmelden")).to_be_visible()
    expect(header(site).get_by_role("button", name="Abmelden")).to_have_count(0)
    # Logged out for real: the profile now sends the browser to the login page.
    site.goto("/konto/")
    assert page.url.startswith(site.url("/konto/anmelden"))


def test_language_switch_works_before_login(site: Site) -> None:
    """Anonymous visitors can switch too; they stay on the page they were reading."""
    site.goto("/konto/anmelden")
    with site.page.expect_navigation():
        header(site).get_by_role("button", name="English").click()
    assert site.page.url == site.url("/konto/anmelden")
    expect(site.page.locator("html")).to_have_attribute("lang", "en")
    expect(site.page.locator("main h1")).to_have_text("Log in")


def test_keyboard_only_login_and_logout(site: Site) -> None:
    page = site.page
    user = site.make_user(name="Tastatur Nutzerin")
    site.goto("/konto/anmelden")

    page.keyboard.press("Tab")
    first = focused(site)
    assert first["href"] == "#main" and "skip-link" in first["cls"], first
    page.keyboard.press("Enter")
    assert focused(site)["id"] == "main"

    page.keyboard.press("Tab")
    assert focused(site)["id"] == "email"
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    assert focused(site)["id"] == "password"
    page.keyboard.type(user.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The #main fragment from the skip link survives the redirect, as browsers keep it.
    assert page.url.partition("#")[0] == site.url("/")
    expect(page.locator(".flash-messages")).to_contain_text("Sie sind angemeldet.")

    # Log out with the keyboard too: Tab to the header button, press Enter.
    for _ in range(40):  # through the start page and footer links, round to the header
        page.keyboard.press("Tab")
        if focused(site)["text"] == "Abmelden":
            break
    else:
        pytest.fail("Die Abmelden-Schaltfläche ist mit der Tabulatortaste nicht erreichbar")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(header(site).get_by_role("link", name="Anmelden")).to_be_visible()


@pytest.mark.parametrize(
    "path", ["/", "/konto/anmelden", "/konto/registrieren", "/impressum", "/gibt-es-nicht"]
)
def test_skip_link_is_first_focus_stop_visible_and_jumps_to_main(site: Site, path: str) -> None:
    page = site.page
    page.goto(site.url(path))
    page.keyboard.press("Tab")
    first = focused(site)
    assert first["href"] == "#main" and first["text"] == "Zum Inhalt springen", first
    # Visible on screen while focused (WCAG 2.4.7), not parked off-canvas.
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 1 and box["height"] > 1, box
    page.keyboard.press("Enter")
    assert focused(site)["id"] == "main"


LONG_NAME = "Maximiliane Josephine Brunnengräber-Schwanenmarkt"
LONG_EMAIL = "maximiliane.josephine.brunnengraeber-schwanenmarkt@stadtverwaltung-musterstadt.example"


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/", None),
        ("/konto/anmelden", None),
        ("/konto/registrieren", None),
        ("/konto/", "citizen"),
        ("/admin/benutzer", "admin"),
        ("/admin/protokoll", "admin"),
        ("/admin/einstellungen", "admin"),
        ("/admin/einstellungen/impressum", "admin"),
    ],
)
def test_no_horizontal_scrolling_at_320_pixels(site: Site, path: str, role: str | None) -> None:
    """WCAG 1.4.10 Reflow: 320 CSS pixels wide without scrolling sideways."""
    site.page.set_viewport_size({"width": 320, "height": 720})
    long_user = site.make_user({Role.MODERATOR, Role.PLANNER}, name=LONG_NAME, email=LONG_EMAIL)
    if role:
        admin = site.login_as(role, name=LONG_NAME[:40])
    if path == "/admin/protokoll":
        # Long names, addresses and reasons in the log's table cells.
        with site.app.app_context():
            actor, target = get_user(site.app, admin.id), get_user(site.app, long_user.id)
            services.block(actor, target, "Wiederholt beleidigende Beiträge " * 6 + LONG_EMAIL)
            db.session.commit()
            db.session.remove()
    site.goto(path)
    width = site.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{path}: Seite ist {width}px breit, sichtbar sind 320px"
    if path == "/admin/benutzer":
        expect(site.page.locator("tbody")).to_contain_text(LONG_EMAIL)
    if path == "/admin/protokoll":
        expect(site.page.locator(".audit-lines")).to_contain_text("gesperrt")
    if path == "/admin/einstellungen/impressum":
        expect(site.page.locator("textarea#body")).to_be_visible()
        box = site.page.locator("textarea#body").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box


@pytest.fixture
def no_script_page(browser, live_server):
    """A browser context with JavaScript switched off; requests to other hosts are aborted."""
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    context.set_default_timeout(10_000)
    external: list[str] = []

    def guard(route):
        host = urlsplit(route.request.url).hostname
        if host != "127.0.0.1":
            external.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    assert external == [], external


def test_login_language_switch_and_logout_work_without_javascript(
    no_script_page, live_server, make_user
) -> None:
    page = no_script_page
    user = make_user(name="Ohne Skript")
    header = page.locator("header.site-header")

    # Scripts really are off: enhance.js would move focus to the error summary of a failed login.
    page.goto(live_server + "/konto/anmelden")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.evaluate("document.activeElement === document.querySelector('.error-summary')") is False

    page.fill("#email", user.email)
    page.fill("#password", user.password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == live_server + "/"
    expect(page.locator(".flash-messages")).to_contain_text("Sie sind angemeldet.")

    with page.expect_navigation():
        header.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == live_server + "/"
    expect(header.get_by_role("link", name="My account")).to_be_visible()

    with page.expect_navigation():
        header.get_by_role("button", name="Log out").click()
    expect(header.locator('a[href="/konto/anmelden"]')).to_be_visible()
    expect(header.locator("button", has_text="Log out")).to_have_count(0)
    page.goto(live_server + "/konto/")
    assert page.url.startswith(live_server + "/konto/anmelden")
