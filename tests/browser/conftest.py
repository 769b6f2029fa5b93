"""Real Chromium against a real server thread: browser marker, loud skip, live server, network guard."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.conftest import ROLE_SETS, UserInfo

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    "Chromium fehlt: /usr/bin/chromium nicht gefunden – Browser-Tests übersprungen. "
    "Aktivieren mit: sudo apt-get install chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BROWSER_DIR = Path(__file__).parent
LOCAL_HOSTS = {"127.0.0.1"}
BLOCKED_KEY = pytest.StashKey[list[str]]()
_SKIPPED_KEY = pytest.StashKey[bool]()


def _is_browser_test(item: pytest.Item) -> bool:
    return BROWSER_DIR in Path(item.path).parents


# --- marker, loud skip ---------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests/browser/* as browser tests; skip them (loudly) only when Chromium is missing."""
    missing = not CHROMIUM.exists()
    for item in items:
        if not _is_browser_test(item):
            continue
        item.add_marker(pytest.mark.browser)
        if missing:
            item.add_marker(pytest.mark.skip(reason=CHROMIUM_MISSING))
            config.stash.setdefault(_SKIPPED_KEY, True)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    # Shown when this conftest is loaded at start-up (pytest tests/browser) and not -q; the summary always.
    if not CHROMIUM.exists():
        return ["!" * 100, "!!! " + CHROMIUM_MISSING, "!" * 100]
    return None


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if config.stash.get(_SKIPPED_KEY, False):
        terminalreporter.section("Browser-Tests", sep="!", red=True, bold=True)
        terminalreporter.write_line(CHROMIUM_MISSING, red=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A browser test fails when its page tried to load anything from another host."""
    result = yield
    blocked = item.stash.get(BLOCKED_KEY, [])
    if blocked:
        raise AssertionError("Die Seite wollte externe Ressourcen laden (blockiert): " + ", ".join(blocked))
    return result


# --- live server, browser, page -----------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The session app served by a real threaded WSGI server on 127.0.0.1 (a free port)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh German browser context per test; requests to other hosts are aborted and recorded."""
    blocked: list[str] = []
    request.node.stash[BLOCKED_KEY] = blocked
    context = browser.new_context(locale="de-DE")
    context.set_default_timeout(10_000)

    def external(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOCAL_HOSTS

    def guard(route):
        if external(route.request.url):
            route.abort()
        else:
            route.continue_()

    def note(req):
        # Also sees attempts the Content-Security-Policy stops before they reach the network (and the route).
        if external(req.url) and req.url not in blocked:
            blocked.append(req.url)

    context.route("**/*", guard)
    context.on("request", note)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


# --- logging in through the browser ---------------------------------------------------------------


@dataclass
class Site:
    """The live server seen from one browser page."""

    page: object
    base_url: str
    make_user: object
    app: object
    users: dict[str, UserInfo] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, status: int = 200):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == status, (
            f"GET {path}: HTTP {response.status if response else None}, expected {status}"
        )
        return response

    def login(self, user: UserInfo) -> None:
        """Log in through the real login form (mouse)."""
        self.goto("/konto/anmelden")
        self.page.fill("#email", user.email)
        self.page.fill("#password", user.password)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")
        assert self.page.url == self.url("/"), self.page.url
        # Present in the header; on a phone it sits behind the closed "Menü" disclosure.
        assert self.page.locator("header form[action='/konto/abmelden'] button").count() == 1

    def login_as(self, role: str, **kwargs) -> UserInfo:
        """Create a user of the role and log in as it."""
        user = self.make_user(ROLE_SETS[role], **kwargs)
        self.users[role] = user
        self.login(user)
        return user


@pytest.fixture
def site(page, live_server, make_user, app) -> Site:
    return Site(page=page, base_url=live_server, make_user=make_user, app=app)


# --- accessibility at one width ---------------------------------------------------------------------


def assert_accessible(site: Site, name: str, width: int) -> None:
    """axe-core (WCAG 2.1 A/AA) finds nothing, no id points nowhere, nothing is wider than the screen.

    For the pages checked at several widths (population, API keys, moderation log and sanctions):
    the caller sets the width, opens the page in the state to check, then calls this.
    """
    # Imported here: test_accessibility imports this module (Site), and only checking pages need axe.
    from tests.browser.test_accessibility import axe_problems

    problems, response = axe_problems(site)
    assert not problems, f"{name} at {width}px ({site.page.url}):\n" + "\n".join(problems)
    assert response["passes"]
    overflow = site.page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"{name} is wider than {width}px"
