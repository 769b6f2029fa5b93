"""Local projects (Vorhaben): the hub for surveys, discussions and wiki pages."""

from participation.projects.panels import register_project_panel  # noqa: F401  (the API for other domains)

_registered = False


def init_app(app) -> None:
    """Register the projects blueprint and its start-page section, demo data and template helpers."""
    global _registered
    from participation.projects import models  # noqa: F401  (tables known to the metadata)
    from participation.projects.views import bp

    app.register_blueprint(bp)
    if _registered:
        # The registries are module-level: a second app (tests) must not add everything twice.
        return
    _registered = True
    from participation.core.demo import register_demo_seeder
    from participation.core.templating import register_template_policies
    from participation.core.views import register_home_section
    from participation.projects import demo, policy, services

    register_template_policies(policy.TEMPLATE_POLICIES)
    register_home_section("projects", "projects/_home_section.html", lambda: {"projects": services.current_projects()})
    register_demo_seeder("projects", demo.seed_projects)
