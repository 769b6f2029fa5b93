"""Threaded discussions on projects: comments at any depth, votes, reports, moderation in place."""

_registered = False


def init_app(app) -> None:
    """Register the blueprint, the project-page panel, notification kind, privacy export and demo data."""
    global _registered
    from participation.discussions import (
        models,  # noqa: F401  (tables known to the metadata)
        moderation_views,  # noqa: F401  (adds routes to bp)
    )
    from participation.discussions.views import bp

    app.register_blueprint(bp)
    if _registered:
        # Module-level registries: a second app (tests) must not register everything twice.
        return
    _registered = True
    from participation.core.demo import register_demo_seeder
    from participation.core.privacy import register_exporter
    from participation.core.settings import CONTRIBUTIONS_HOOK, register_hook
    from participation.core.templating import register_template_policies
    from participation.discussions import demo, policy, privacy, services
    from participation.discussions.views import discussion_panel
    from participation.notifications.services import register_kind
    from participation.projects import register_project_panel

    register_project_panel("discussion", "discussions/_panel.html", discussion_panel, order=90)
    register_template_policies(policy.TEMPLATE_POLICIES)
    register_kind(services.REPLY_KIND, services.REPLY_TEXT)
    register_exporter("discussions", privacy.export_discussions)
    register_demo_seeder("discussions", demo.seed_discussions)
    register_hook(CONTRIBUTIONS_HOOK, services.published_comment_count)
