"""The header's main navigation: sections for everyone, staff areas per role, the current section."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from participation.extensions import db
from participation.navigation import SECTIONS, STAFF_AREAS, current_section
from tests.conftest import ROLE_SETS, count_queries, login
from tests.moderation.conftest import report_as

SECTION_LABELS = ["Vorhaben", "Umfragen", "Wissen", "Transparenz"]
STAFF_BY_ROLE = {
    "anonymous": [],
    "citizen": [],
    "moderator": ["Moderation", "Umfragen verwalten"],  # staff enter phone and counter answers
    "planner": ["Umfragen verwalten"],
    "admin": ["Moderation", "Umfragen verwalten", "Verwaltung"],
}


class NavParser(HTMLParser):
    """Collects the links of each <nav> by its aria-label: (text, href, aria-current)."""

    def __init__(self) -> None:
        super().__init__()
        self.navs: dict[str, list[tuple[str, str, str | None]]] = {}
        self._nav: str | None = None
        self._link: dict[str, str | None] | None = None
        self._text: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "nav":
            self._nav = attributes.get("aria-label") or ""
            self.navs.setdefault(self._nav, [])
        elif tag == "a" and self._nav is not None:
            self._link = attributes
            self._text = []
        elif tag == "span" and self._link is not None:
            # Badges: the visible number counts, the visually hidden word does not.
            if "visually-hidden" in (attributes.get("class") or "") or self._hidden_depth:
                self._hidden_depth += 1

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav = None
        elif tag == "a" and self._link is not None and self._nav is not None:
            text = " ".join("".join(self._text).split())
            self.navs[self._nav].append((text, self._link.get("href") or "", self._link.get("aria-current")))
            self._link = None
        elif tag == "span" and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if self._link is not None and not self._hidden_depth:
            self._text.append(data)


def navs_of(html: str) -> dict[str, list[tuple[str, str, str | None]]]:
    parser = NavParser()
    parser.feed(html)
    return parser.navs


def labels(links) -> list[str]:
    return [re.sub(r"\s*\d+$", "", text) for text, _, _ in links]


@pytest.fixture
def client_as(app, make_user):
    """A fresh client per role (None: anonymous)."""

    def factory(role: str):
        client = app.test_client()
        if role != "anonymous":
            login(client, make_user(ROLE_SETS[role]))
        return client

    return factory


@pytest.mark.parametrize("role", list(STAFF_BY_ROLE))
def test_every_role_sees_the_sections_and_only_its_staff_areas(client_as, role):
    html = client_as(role).get("/").get_data(as_text=True)
    navs = navs_of(html)
    assert labels(navs["Hauptnavigation"]) == SECTION_LABELS
    assert labels(navs.get("Arbeitsbereiche", [])) == STAFF_BY_ROLE[role]
    assert 'role="search"' in html and 'name="q"' in html
    # The disclosure for phones is a real <details>: it works without JavaScript.
    assert '<details class="menu-toggle">' in html and "Menü" in html
    footer = html[html.index('<footer class="site-footer">') :]
    assert "/moderation/transparenz" in footer and "Transparenz" in footer


@pytest.mark.parametrize(
    ("path", "section", "current"),
    [
        ("/projekte/", "Vorhaben", "page"),
        ("/umfragen/", "Umfragen", "page"),
        ("/wiki/", "Wissen", "page"),
        ("/moderation/transparenz", "Transparenz", "page"),
    ],
)
def test_the_current_section_is_marked(client_as, path, section, current):
    navs = navs_of(client_as("citizen").get(path).get_data(as_text=True))
    marked = [(text, value) for text, _, value in navs["Hauptnavigation"] if value]
    assert marked == [(section, current)]


def test_a_page_inside_a_section_marks_it_as_the_location(client_as, project):
    navs = navs_of(client_as("citizen").get(project.url).get_data(as_text=True))
    assert [(t, v) for t, _, v in navs["Hauptnavigation"] if v] == [("Vorhaben", "true")]


@pytest.mark.parametrize(
    ("path", "area", "tab"),
    [
        ("/moderation", "Moderation", "Warteschlange"),
        ("/moderation/protokoll", "Moderation", "Protokoll"),
        ("/admin/", "Verwaltung", None),
        ("/umfragen/verwaltung/", "Umfragen verwalten", None),
    ],
)
def test_staff_areas_and_their_own_menus_mark_where_one_is(client_as, path, area, tab):
    response = client_as("admin").get(path, follow_redirects=True)
    assert response.status_code == 200
    navs = navs_of(response.get_data(as_text=True))
    assert [t for t, _, v in navs["Arbeitsbereiche"] if v] == [area]
    assert not [t for t, _, v in navs["Hauptnavigation"] if v], "a staff page is in no public section"
    if tab:
        assert [t for t, _, v in navs["Moderation"] if v == "page"] == [tab]


def test_the_transparency_report_belongs_to_transparency_not_to_moderation(client_as):
    navs = navs_of(client_as("moderator").get("/moderation/transparenz").get_data(as_text=True))
    assert [t for t, _, v in navs["Hauptnavigation"] if v] == ["Transparenz"]
    assert not [t for t, _, v in navs["Arbeitsbereiche"] if v]


def test_moderation_shows_the_number_of_open_items(app, client_as, make_user, project, add_comment):
    author = make_user(ROLE_SETS["citizen"])
    client = client_as("moderator")

    def moderation_link() -> str:
        navs = navs_of(client.get("/").get_data(as_text=True))
        return next(text for text, _, _ in navs["Arbeitsbereiche"] if text.startswith("Moderation"))

    assert moderation_link() == "Moderation"  # nothing open: no badge
    for n in range(2):
        report_as(app, make_user(ROLE_SETS["citizen"]), project, add_comment(project, author.id, f"Text {n}"))
    add_comment(project, author.id, "Wartet", status="pending")  # held without an item: not counted
    assert moderation_link() == "Moderation 2"
    html = client.get("/").get_data(as_text=True)
    assert '2<span class="visually-hidden"> offen</span>' in html


def test_the_header_costs_the_same_queries_however_many_items_are_open(
    app, client_as, make_user, project, add_comment
):
    author = make_user(ROLE_SETS["citizen"])
    client = client_as("moderator")
    client.get("/")

    def statements() -> int:
        with app.app_context(), count_queries(db.engine) as seen:
            client.get("/")
        return len(seen)

    before = statements()
    for n in range(3):
        report_as(app, make_user(ROLE_SETS["citizen"]), project, add_comment(project, author.id, f"Text {n}"))
    assert statements() == before


def test_every_endpoint_of_a_section_blueprint_belongs_to_one_section(app):
    """New pages of projects, surveys, wiki, moderation and admin land in a section by themselves."""
    section_blueprints = (
        "projects.",
        "discussions.",
        "surveys.",
        "wiki.",
        "moderation.",
        "admin.",
        "analytics.",
    )
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(section_blueprints) and current_section(rule.endpoint) is None
    ]
    assert missing == []
    assert current_section("surveys.survey_detail") == "surveys"
    assert current_section("surveys.edit") == "manage-surveys"
    assert current_section("analytics.population_index") == "manage-surveys"
    assert current_section("wiki.review") == "moderation"
    assert current_section("wiki.page") == "wiki"
    assert current_section("moderation.transparency") == "transparency"
    assert current_section("accounts.profile") is None
    assert {s.endpoint for s in SECTIONS + STAFF_AREAS} <= {r.endpoint for r in app.url_map.iter_rules()}


@pytest.mark.parametrize(("role", "path"), [("planner", "/umfragen/verwaltung/"), ("admin", "/admin/")])
def test_the_reference_population_is_reached_from_the_staff_pages(client_as, role, path):
    client = client_as(role)
    assert 'href="/verwaltung/bevoelkerung/"' in client.get(path).get_data(as_text=True)
    page = client.get("/verwaltung/bevoelkerung/").get_data(as_text=True)
    assert re.search(r'<a href="/umfragen/verwaltung/"[^>]*aria-current="true"', page)
