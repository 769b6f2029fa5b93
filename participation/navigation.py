"""The site's main navigation: its sections, the staff areas and which one the visitor is in.

It names endpoints and policies of every domain, so it belongs to no layer: like `create_app`, the
composition root, it sits above them all and only `create_app` uses it (as the template global
`site_navigation`). Domains keep their own sub-menus (moderation, admin, account, a survey's tabs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user

from participation.accounts.policy import Viewer, can_administer
from participation.moderation.policy import can_moderate
from participation.moderation.queries import open_work_count
from participation.surveys.policy import can_list_managed_surveys


def _everyone(user: Viewer) -> bool:
    """Public sections: shown to every visitor."""
    return True


@dataclass(frozen=True)
class Section:
    """One entry of the main navigation and the endpoints that belong to it."""

    key: str
    label: object  # a lazy string, translated when rendered
    endpoint: str
    # Endpoint names ("wiki.page") or blueprint prefixes ("wiki."); the longest match wins.
    covers: tuple[str, ...]
    shown_to: Callable[[Viewer], bool] = _everyone
    badge: Callable[[], int] | None = None
    badge_label: object = ""


SEARCH_ENDPOINT = "core.search"

# Public survey pages; every other "surveys." endpoint is the planners' builder and results area.
_PUBLIC_SURVEY_PAGES = (
    "surveys.survey_list",
    "surveys.survey_detail",
    "surveys.answer",
    "surveys.thanks",
    "surveys.my_responses",
    "surveys.response_detail",
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "projects",
        lazy_pgettext("main navigation", "Vorhaben"),
        "projects.index",
        ("projects.", "discussions."),
    ),
    Section("surveys", _l("Umfragen"), "surveys.survey_list", _PUBLIC_SURVEY_PAGES),
    Section("wiki", _l("Wissen"), "wiki.index", ("wiki.",)),
    Section("transparency", _l("Transparenz"), "moderation.transparency", ("moderation.transparency",)),
)

STAFF_AREAS: tuple[Section, ...] = (
    Section(
        "moderation",
        _l("Moderation"),
        "moderation.queue",
        # Reviewing wiki changes and hiding comments are moderation work, wherever their pages live.
        (
            "moderation.",
            "wiki.review_list",
            "wiki.review",
            "discussions.hide",
            "discussions.restore",
            "discussions.revisions",
        ),  # fmt: skip
        shown_to=can_moderate,
        badge=open_work_count,
        badge_label=_l("offen"),
    ),
    Section(
        "manage-surveys",
        _l("Umfragen verwalten"),
        "surveys.manage_list",
        # The reference population serves the surveys' representativeness and the participation
        # overview answers the planners' other question (who takes part): both live with the surveys
        # (a fifth staff area would wrap the admin's header at 1280 px).
        ("surveys.", "analytics.", "analytics_overview."),
        shown_to=can_list_managed_surveys,
    ),  # fmt: skip
    Section("admin", _l("Verwaltung"), "admin.index", ("admin.",), shown_to=can_administer),
)


@dataclass(frozen=True)
class NavLink:
    """A rendered entry: label, address, `aria-current` value ("page", "true" or None), badge."""

    label: str
    url: str
    current: str | None
    badge: int | None = None
    badge_label: str = ""


def _match_length(section: Section, endpoint: str) -> int:
    """How specifically a section covers an endpoint (0: not at all)."""
    best = 0
    for cover in section.covers:
        if endpoint == cover or (cover.endswith(".") and endpoint.startswith(cover)):
            best = max(best, len(cover))
    return best


def current_section(endpoint: str | None) -> str | None:
    """The key of the section or staff area an endpoint belongs to, if any."""
    if not endpoint:
        return None
    scored = [(_match_length(s, endpoint), s.key) for s in SECTIONS + STAFF_AREAS]
    length, key = max(scored)
    return key if length else None


def _links(sections: tuple[Section, ...], user: Viewer, here: str | None) -> list[NavLink]:
    """The sections this visitor may see, with the current one (`here`) marked."""
    links = []
    for section in sections:
        if not section.shown_to(user):
            continue
        url = url_for(section.endpoint)
        current = None
        if section.key == here:
            # The section's own start page is "page"; a page inside the section is "true".
            current = "page" if request.path == url else "true"
        badge = section.badge() if section.badge else None
        links.append(NavLink(str(section.label), url, current, badge, str(section.badge_label)))
    return links


@dataclass(frozen=True)
class SiteNavigation:
    """What the header shows: the public sections and the visitor's staff areas."""

    sections: list[NavLink]
    staff: list[NavLink]
    search_url: str
    search_terms: str  # what the visitor searched for, shown again in the header box


def site_navigation() -> SiteNavigation:
    """The header's navigation for the current request (built once per request)."""
    if "site_navigation" not in g:
        user = current_user._get_current_object()
        here = current_section(request.endpoint)
        on_search_page = request.endpoint == SEARCH_ENDPOINT
        g.site_navigation = SiteNavigation(
            _links(SECTIONS, user, here),
            _links(STAFF_AREAS, user, here),
            url_for(SEARCH_ENDPOINT),
            request.args.get("q", "") if on_search_page else "",
        )
    return g.site_navigation


def init_navigation(app: Flask) -> None:
    """Expose the navigation to templates."""
    app.jinja_env.globals["site_navigation"] = site_navigation
