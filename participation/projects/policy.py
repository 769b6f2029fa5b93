"""Who may create, edit and delete local projects. Pure functions, also available in templates."""

from __future__ import annotations

from collections.abc import Callable

from participation.accounts.policy import Viewer, is_planner
from participation.projects.models import Project


def can_manage_projects(user: Viewer) -> bool:
    """Planners and admins create projects and see the management links."""
    return is_planner(user)


def can_edit_project(user: Viewer, project: Project) -> bool:
    """Planners and admins edit every project (the municipality's own texts)."""
    return can_manage_projects(user)


def can_delete_project(user: Viewer, project: Project) -> bool:
    """Planners and admins delete projects; services refuse it once citizens have contributed."""
    return can_manage_projects(user)


TEMPLATE_POLICIES: dict[str, Callable[..., bool]] = {
    "can_manage_projects": can_manage_projects,
    "can_edit_project": can_edit_project,
    "can_delete_project": can_delete_project,
}
