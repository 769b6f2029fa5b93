"""Local projects (Vorhaben): the hub for surveys, discussions and wiki pages."""

from __future__ import annotations

from typing import Any

from flask import Flask

from participation.accounts.models import User, UserRole
from participation.core import versions
from participation.core.demo import register_demo_seeder
from participation.core.templating import register_template_policies
from participation.core.views import register_home_section
from participation.projects import demo, policy, search_source, services
from participation.projects.contact import contact_links
from participation.projects.models import Project, ProjectPhase
from participation.projects.page_cache import EVERY_PROJECT
from participation.projects.page_cache import mark_changed as mark_page_changed
from participation.projects.page_cache import track as track_page_rows
from participation.projects.panels import register_project_panel
from participation.projects.views import bp

# The API for other domains: they add panels to the project page and name the rows those panels show.
__all__ = ["init_app", "mark_page_changed", "register_project_panel", "track_page_rows"]


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
    versions.listen()
    track_page_rows(Project, lambda project: project.id)
    track_page_rows(ProjectPhase, lambda phase: phase.project_id)
    # An author's name, their deletion and their roles (the administration's mark) show on every
    # page they commented on; which pages those are would cost a query, and these changes are rare.
    track_page_rows(User, lambda _user: EVERY_PROJECT, columns=("display_name", "deleted_at"))
    track_page_rows(UserRole, lambda _role: EVERY_PROJECT)
