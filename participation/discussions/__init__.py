"""Threaded discussions on projects: comments at any depth, votes, reports, moderation in place.

What moderation needs to know is announced through signals.py; this package never imports it.
"""

from __future__ import annotations

from flask import Flask

from participation.core.demo import register_demo_seeder
from participation.core.privacy import register_exporter
from participation.core.settings import contributions_wanted
from participation.core.templating import register_template_policies
from participation.discussions import (
    demo,
    models,  # noqa: F401  (tables known to the metadata)
    moderation_views,  # noqa: F401  (adds routes to bp)
    policy,
    privacy,
    search_source,
    services,
)
from participation.discussions.models import Comment
from participation.discussions.views import bp, discussion_panel
from participation.notifications.services import register_kind
from participation.projects import register_project_panel, track_page_rows


def init_app(app: Flask) -> None:
    """Register the blueprint, the project-page panel, notification kind, privacy export and demo data.

    Every registry is keyed by name and blinker keeps one connection per receiver, so a second app
    registers the same entries again, not twice.
    """
    app.register_blueprint(bp)
    register_project_panel("discussion", "discussions/_panel.html", discussion_panel, order=90)
    track_page_rows(Comment, lambda comment: comment.project_id)
    register_template_policies(policy.TEMPLATE_POLICIES)
    register_kind(services.REPLY_KIND, services.REPLY_TEXT)
    register_exporter("discussions", privacy.export_discussions)
    register_demo_seeder("discussions", demo.seed_discussions)
    contributions_wanted.connect(services.published_comment_count, weak=False)
    search_source.register()
