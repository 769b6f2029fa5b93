"""A moderated wiki: citizens propose changes, readers see only reviewed text.

What the moderation desk needs to know is announced through signals.py; this package never imports it.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from participation.core.demo import register_demo_seeder
from participation.core.privacy import register_eraser, register_exporter
from participation.core.settings import contributions_wanted
from participation.core.templating import register_template_policies
from participation.notifications.services import register_kind
from participation.projects import register_project_panel, track_page_rows
from participation.wiki import (
    models,  # noqa: F401  (tables known to the metadata)
    policy,
    queries,
    review_views,  # noqa: F401  (review routes on wiki.bp)
    search_source,
)
from participation.wiki.demo import seed_wiki
from participation.wiki.models import WikiPage
from participation.wiki.privacy import erase_wiki_data
from participation.wiki.views import bp

KINDS = {
    "wiki_approved": _l("Ihre Änderung an der Seite „%(title)s“ wurde geprüft und veröffentlicht."),
    "wiki_rejected": _l(
        "Ihre Änderung an der Seite „%(title)s“ wurde nicht übernommen. Begründung: %(reason)s"
    ),
    "wiki_outdated": _l(
        "Die Seite „%(title)s“ wurde inzwischen geändert, daher wurde Ihre Änderung nicht übernommen. "
        "Sie können die Seite auf Grundlage des neuen Textes erneut bearbeiten."
    ),
}


def init_app(app: Flask) -> None:
    """Register the wiki blueprint, notification kinds, privacy parts, demo data and template helpers.

    Every registry is keyed by name and blinker keeps one connection per receiver, so a second app
    registers the same entries again, not twice.
    """
    app.register_blueprint(bp)
    register_template_policies(policy.TEMPLATE_POLICIES)
    register_exporter("wiki", queries.export_revisions)
    register_eraser("wiki", erase_wiki_data)
    register_demo_seeder("wiki", seed_wiki)
    # Approved changes count as contributions for "the first N contributions are held".
    contributions_wanted.connect(queries.approved_revision_count, weak=False)
    for kind, text in KINDS.items():
        register_kind(kind, text)
    # Linked wiki pages on project pages, after the surveys and before the discussion.
    register_project_panel("wiki", "wiki/_project_panel.html", queries.project_panel, order=40)
    track_page_rows(WikiPage, lambda page: page.project_id)
    search_source.register()
