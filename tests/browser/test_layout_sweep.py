"""Phones (#11 item 4): every page type of every role at 320 and 1280 px, nothing scrolls sideways.

The page list comes from the app's URL map (every GET route, filled with the route tests' World and
the Musterstadt demo data: the closed survey with 300 responses and its cross-tab, the open survey
with its matrix, every demo project and wiki page), so a new page is swept without being listed here.
One browser, one context per role; each page is loaded once at 320 px, measured, then widened to
1280 px and measured again (media queries re-apply on resize, no second load needed).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import url_for
from sqlalchemy import select

from participation.accounts.demo import DEMO_ACCOUNTS
from participation.core.demo import seed_demo
from participation.extensions import db
from participation.projects.models import Project
from participation.surveys.demo import CLOSED_TITLE, OPEN_TITLE
from participation.surveys.models import Question, Survey
from participation.wiki.models import WikiPage
from tests.browser.conftest import LOCAL_HOSTS
from tests.browser.test_accessibility import AXE_OPTIONS, describe
from tests.conftest import ROLE_SETS, login
from tests.test_routes import EXTRA_CASES, all_paths, build_world, extra_path, rules, values_for

ROLES = ("anonymous", "citizen", "moderator", "planner", "admin")
PHONE, DESKTOP = 320, 1280
PHONE_HEADER_MAX = 64  # px, at <= 600 px width (issue #11 item 1)
# At 1280 px the header has two rows by design (brand, sections and search; then the staff areas, account
# and language), and neither wraps: its links and buttons sit on at most two lines, in at most 120 px.
DESKTOP_HEADER_ROWS = 2
DESKTOP_HEADER_MAX = 120
PER_ENDPOINT = 3  # pages of one endpoint measured per role (the demo's fullest come first)
CHART_LABEL_MIN = 12  # px, as drawn (the results charts are SVGs scaled to the column)

MEASURE = """() => {
    const root = document.documentElement;
    const width = window.innerWidth;
    const header = document.querySelector('body > header, header.site-header, header');
    // Inside a scroll region (overflow-x auto/hidden) an element may be wider: it is not the page.
    const clipped = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
        }
        return false;
    };
    const culprits = [];
    if (root.scrollWidth > width) {
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.right <= width + 0.5 || box.width === 0 || clipped(el)) continue;
            const parent = el.parentElement.getBoundingClientRect();
            if (parent.right > width + 0.5) continue;  // only the outermost element that sticks out
            const classes = typeof el.className === 'string' && el.className.trim()
                ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
            const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes;
            culprits.push(`${name} (${Math.round(box.right)} px)`);
            if (culprits.length >= 4) break;
        }
    }
    // Chart labels as drawn: the SVG's font size times the scale of its viewBox on the screen.
    let chartLabel = null;
    for (const svg of document.querySelectorAll('svg.chart')) {
        const box = svg.getBoundingClientRect();
        const viewBox = svg.viewBox.baseVal;
        if (!box.width || !viewBox || !viewBox.width) continue;
        for (const text of svg.querySelectorAll('text')) {
            const size = parseFloat(getComputedStyle(text).fontSize) * box.width / viewBox.width;
            chartLabel = chartLabel === null ? size : Math.min(chartLabel, size);
        }
    }
    // The header's lines: the vertical centres of its visible links, buttons and fields, 12 px apart or more.
    const centres = [];
    for (const el of (header ? header.querySelectorAll('a, button, input, summary') : [])) {
        const box = el.getBoundingClientRect();
        if (box.width > 2 && box.height > 2) centres.push(box.top + box.height / 2);
    }
    centres.sort((a, b) => a - b);
    const headerRows = centres.filter((c, i) => i === 0 || c - centres[i - 1] >= 12).length;
    return {
        headerRows: headerRows,
        scrollWidth: root.scrollWidth,
        innerWidth: width,
        header: header ? header.getBoundingClientRect().height : null,
        culprits: culprits,
        chartLabel: chartLabel,
    };
}"""


@dataclass
class Sweep:
    """What the sweep saw: pages measured and every problem found."""

    measured: int = 0
    problems: list[str] = field(default_factory=list)
    smallest_chart_label: float = 1000.0


def demo_paths(app) -> list[tuple[str, str]]:
    """The demo data behind the routes the World's small objects do not stress."""
    paths: list[tuple[str, str]] = []
    with app.test_request_context():
        surveys = db.session.scalars(select(Survey).where(Survey.title.in_([OPEN_TITLE, CLOSED_TITLE]))).all()
        for rule in rules(app, "GET"):
            if set(rule.arguments) == {"survey_id"}:
                paths += [(rule.endpoint, url_for(rule.endpoint, survey_id=s.id)) for s in surveys]
        closed = next(s for s in surveys if s.title == CLOSED_TITLE)
        categorical = db.session.scalars(
            select(Question.id)
            .where(Question.survey_id == closed.id, Question.qtype.in_(["single", "yesno", "scale"]))
            .order_by(Question.id)
        ).all()
        texts = db.session.scalars(
            select(Question.id).where(Question.survey_id == closed.id, Question.qtype == "long_text")
        ).all()
        if len(categorical) >= 2:
            cross = {"zeilen": categorical[0], "spalten": categorical[-1]}
            for endpoint in ("surveys.results_page", "surveys.results_report"):
                paths.append((endpoint, url_for(endpoint, survey_id=closed.id, **cross)))
        paths += [
            ("surveys.results_texts", url_for("surveys.results_texts", survey_id=closed.id, question_id=q))
            for q in texts[:1]
        ]
        for slug in db.session.scalars(select(Project.slug)):
            paths.append(("projects.detail", url_for("projects.detail", project_slug=slug)))
        for slug in db.session.scalars(select(WikiPage.slug)):
            paths.append(("wiki.page", url_for("wiki.page", slug=slug)))
        db.session.remove()
    return paths


def sweep_paths(app, world) -> list[tuple[str, str]]:
    """Every GET route of the URL map with the demo's and the World's values, and the route tests' extras."""
    values = values_for(world)
    # The demo's pages first: they carry the most content (300 responses, a cross-tab, a matrix).
    paths = demo_paths(app)
    paths += all_paths(app, values, method="GET")
    paths += [
        (endpoint, extra_path(app, world, endpoint, params, values)) for endpoint, params, _ in EXTRA_CASES
    ]
    seen: set[str] = set()
    return [(endpoint, path) for endpoint, path in paths if not (path in seen or seen.add(path))]


def pages_for(app, role: str, paths: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The paths worth a browser load for the role, asked first of the app itself (fast, no browser).

    Every HTML page answered 200, at most PER_ENDPOINT per endpoint (a wiki page, a legal page: the same
    template); one page for each kind of refusal or redirect (the login page, 403, 404); no downloads.
    """
    client = app.test_client()
    if role != "anonymous":
        login(client, demo_account(role))
    chosen: list[tuple[str, str]] = []
    refusals: set[tuple[int, str]] = set()
    per_endpoint: Counter[str] = Counter()
    for endpoint, path in paths:
        response = client.get(path)
        response.get_data()
        response.close()
        if "text/html" not in response.content_type:
            continue  # JSON, Atom, CSV, PDF and the API's problem+json refusals are no pages to lay out
        if response.status_code == 200:
            if per_endpoint[endpoint] >= PER_ENDPOINT:
                continue
        else:
            refusal = (response.status_code, urlsplit(response.headers.get("Location", "")).path)
            if refusal in refusals:
                continue
            refusals.add(refusal)
        per_endpoint[endpoint] += 1
        chosen.append((endpoint, path))
    return chosen


def demo_account(role: str):
    """The Musterstadt demo account of the role: it owns the demo's surveys, responses, notifications."""
    roles = ROLE_SETS[role]
    return next(account for account in DEMO_ACCOUNTS if account.roles == roles)


def log_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/konto/anmelden")
    page.fill("#email", user.email)
    page.fill("#password", user.password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == base_url + "/", page.url


def route_with_static_cache(cache: dict[str, tuple]):
    """Abort requests to other hosts; answer /static/ files from memory after their first fetch.

    Every page would revalidate its five static files with the live server; on a busy machine those
    round trips, not the layout, made up most of the sweep's time.
    """

    def handle(route) -> None:
        url = route.request.url
        if urlsplit(url).hostname not in LOCAL_HOSTS:
            route.abort()  # nothing from other hosts (test_accessibility.py checks it loudly)
        elif "/static/" in url:
            if url not in cache:
                fetched = route.fetch()
                cache[url] = (fetched.status, fetched.headers, fetched.body())
            status, headers, body = cache[url]
            route.fulfill(status=status, headers=headers, body=body)
        else:
            route.continue_()

    return handle


def check(sweep: Sweep, page, role: str, what: str, width: int) -> None:
    """Measure the page at the current width; note sideways scrolling and a header taller than allowed."""
    page.set_viewport_size({"width": width, "height": 800})
    seen = page.evaluate(MEASURE)
    sweep.measured += 1
    if seen["scrollWidth"] > seen["innerWidth"]:
        sweep.problems.append(
            f"{role} {width}px {what}: scrollWidth {seen['scrollWidth']} > {seen['innerWidth']}"
            f" – {', '.join(seen['culprits']) or '?'}"
        )
    if seen["chartLabel"] is not None:
        sweep.smallest_chart_label = min(sweep.smallest_chart_label, seen["chartLabel"])
        if seen["chartLabel"] < CHART_LABEL_MIN:
            sweep.problems.append(f"{role} {width}px {what}: chart label {seen['chartLabel']:.1f} px < 12 px")
    limit = PHONE_HEADER_MAX if width <= 600 else DESKTOP_HEADER_MAX
    if seen["header"] is None:
        sweep.problems.append(f"{role} {width}px {what}: no header ({page.url}: {page.content()[:300]!r})")
    elif seen["header"] > limit:
        sweep.problems.append(f"{role} {width}px {what}: header {seen['header']} px > {limit} px")
    if width > 600 and seen["headerRows"] > DESKTOP_HEADER_ROWS:
        sweep.problems.append(f"{role} {width}px {what}: header wraps ({seen['headerRows']} lines)")


@pytest.fixture
def content(app, make_user):
    """The route tests' World and the Musterstadt demo data, committed."""
    world = build_world(app, make_user)
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    return world


def test_no_page_scrolls_sideways_at_320_px_and_headers_fit(browser, live_server, app, content):
    """Every page type, every role, 320 and 1280 px: scrollWidth <= innerWidth, header height in limits."""
    paths = sweep_paths(app, content)
    assert len(paths) > 80, len(paths)
    sweep = Sweep()
    static: dict[str, tuple] = {}  # stylesheets, scripts, images: fetched once for the whole sweep
    covered: dict[str, set[str]] = {}
    for role in ROLES:
        context = browser.new_context(locale="de-DE", viewport={"width": PHONE, "height": 800})
        context.set_default_timeout(15_000)
        context.route("**/*", route_with_static_cache(static))
        page = context.new_page()
        try:
            if role != "anonymous":
                log_in(page, live_server, demo_account(role))
            for endpoint, path in pages_for(app, role, paths):
                page.set_viewport_size({"width": PHONE, "height": 800})
                response = page.goto(live_server + path)
                assert response is not None, path
                final = page.url.split("#")[0]
                covered.setdefault(role, set()).add(endpoint)
                what = f"{endpoint} {path}" + (
                    f" -> {urlsplit(final).path}" if final != live_server + path else ""
                )
                for width in (PHONE, DESKTOP):
                    check(sweep, page, role, what, width)
        finally:
            context.close()
    summary = ", ".join(f"{role}: {len(endpoints)} Seitentypen" for role, endpoints in covered.items())
    print(f"\nLayout sweep: {sweep.measured} Messungen; {summary}")
    print(f"Kleinste Diagrammbeschriftung: {sweep.smallest_chart_label:.1f} px")
    assert sweep.smallest_chart_label < 1000, (
        "no results chart was measured: the sweep missed the results pages"
    )
    assert not sweep.problems, f"{len(sweep.problems)} Problem(e):\n" + "\n".join(sweep.problems)


# --- axe-core on the phone layouts ---------------------------------------------------------------

# The page types whose phone layout differs most from the desktop one (reflowed statistics, scroll
# regions, stacked matrix rows, the charts), per role; test_accessibility.py covers every page at 1280 px.
PHONE_AXE_PAGES = {
    "anonymous": ("core.home", "surveys.results_page", "projects.detail", "wiki.page", "core.legal_page"),
    "citizen": ("surveys.answer", "surveys.survey_detail", "wiki.history", "notifications.index"),
    "planner": (
        "surveys.results_page", "surveys.results_report", "surveys.preview", "surveys.assisted_entry",
        "surveys.manage_list", "surveys.results_texts",
    ),
    "moderator": ("moderation.queue", "moderation.log", "moderation.transparency"),
    "admin": ("admin.audit_log", "admin.users", "admin.index"),
}  # fmt: skip


OPEN_SURVEY_PAGES = {"surveys.answer", "surveys.preview", "surveys.assisted_entry", "surveys.survey_detail"}


def phone_axe_paths(app, world, endpoints: tuple[str, ...]) -> list[str]:
    """The fullest page of each endpoint: the open demo survey's matrix, the closed one's cross-tab."""
    with app.app_context():
        ids = {
            title: db.session.scalar(select(Survey.id).where(Survey.title == title))
            for title in (OPEN_TITLE, CLOSED_TITLE)
        }
        db.session.remove()
    paths = sweep_paths(app, world)
    chosen = []
    for endpoint in endpoints:
        candidates = [path for name, path in paths if name == endpoint]
        demo = re.compile(rf"/{ids[OPEN_TITLE if endpoint in OPEN_SURVEY_PAGES else CLOSED_TITLE]}(/|\?|$)")
        ranked = [p for p in candidates if demo.search(p) and "zeilen=" in p]
        ranked += [p for p in candidates if demo.search(p) and endpoint.startswith("surveys.")]
        chosen.append((ranked + candidates)[0])
    return chosen


def test_phone_layouts_have_no_axe_violations(browser, live_server, app, content):
    """axe-core (WCAG 2.1 A/AA) at 320 px on the page types whose phone layout differs most, per role."""
    axe = Axe()
    problems = []
    for role, endpoints in PHONE_AXE_PAGES.items():
        context = browser.new_context(locale="de-DE", viewport={"width": PHONE, "height": 800})
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            if role != "anonymous":
                log_in(page, live_server, demo_account(role))
            for path in phone_axe_paths(app, content, endpoints):
                response = page.goto(live_server + path)
                assert response is not None and response.status == 200, f"{role} {path}: {response.status}"
                violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
                if violations:
                    problems.append(f"{role} {path}:\n{describe(violations)}")
        finally:
            context.close()
    assert not problems, "axe at 320 px:\n" + "\n".join(problems)
