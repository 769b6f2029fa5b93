"""Which feeds a page offers as <link rel="alternate">: chosen by the request's endpoint, no query."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import gettext as _


@dataclass(frozen=True)
class FeedLink:
    """One alternate feed of a page: its title and address."""

    title: str
    href: str


def _projects() -> FeedLink:
    return FeedLink(_("Vorhaben (Atom-Feed)"), url_for("feeds.projects_feed"))


def feed_links() -> list[FeedLink]:
    """The alternate feeds for the current request (project pages, wiki, results); empty elsewhere."""
    endpoint = request.endpoint or ""
    args = request.view_args or {}
    blueprint = endpoint.partition(".")[0]
    if endpoint == "projects.index":
        return [_projects()]
    if blueprint in ("projects", "discussions") and "project_slug" in args:
        slug = args["project_slug"]
        return [
            _projects(),
            FeedLink(_("Diskussion (Atom-Feed)"), url_for("feeds.discussion_feed", project_slug=slug)),
        ]
    if blueprint == "wiki":
        return [FeedLink(_("Wiki-Änderungen (Atom-Feed)"), url_for("feeds.wiki_feed"))]
    if endpoint.startswith("surveys.results") or endpoint == "surveys.survey_list":
        return [FeedLink(_("Veröffentlichte Ergebnisse (Atom-Feed)"), url_for("feeds.results_feed"))]
    return []
