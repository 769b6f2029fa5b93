"""Local projects (Vorhaben): the hub for surveys, discussions and wiki pages."""

from __future__ import annotations

from typing import Any

from flask import Flask

from participation.core.demo import register_demo_seeder
from participation.core.templating import register_template_policies
from participation.core.views import register_home_section
from participation.projects import demo, policy, search_source, services
from participation.projects.contact import contact_links
from participation.projects.panels import register_project_panel
from participation.projects.views import bp

# The API for other domains: they add panels to the project page.
__all__ = ["init_app", "register_project_panel"]


def _home_section() -> dict[str, Any]:
    """The start page's current projects."""
    return {"projects": services.current_projects()}


def init_app(app: Flask) -> None:
    """Register the projects blueprint and its start-page section, demo data and template helpers."""
    app.register_blueprint(bp)
    # Every registry is keyed by name: a second app (tests) replaces these instead of adding them twice.
    register_template_policies(policy.TEMPLATE_POLICIES)
    register_home_section("projects", "projects/_home_section.html", _home_section)
    register_demo_seeder("projects", demo.seed_projects)
    app.add_template_filter(contact_links, "contact_links")
    search_source.register()
