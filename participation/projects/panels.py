"""Panels other domains add to the project page (linked surveys, wiki pages, the discussion).

A panel is a template plus a context function ``ctx_fn(project, **options) -> dict | None``;
``None`` leaves the panel out. Options come from the view (e.g. the discussion's permalink
focus) and panels ignore what they do not know. Lower ``order`` values come first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from participation.projects.models import Project

PanelContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class ProjectPanel:
    name: str
    template: str
    context: PanelContext
    order: int


_panels: dict[str, ProjectPanel] = {}


def register_project_panel(name: str, template: str, ctx_fn: PanelContext, *, order: int = 50) -> None:
    """Show a section on every project page; registering the same name again replaces it."""
    _panels[name] = ProjectPanel(name, template, ctx_fn, order)


def panels_for(project: Project, **options: Any) -> list[tuple[str, dict[str, Any]]]:
    """The (template, panel context) pairs for one project page, in display order."""
    result = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(project, **options)
        if context is not None:
            result.append((panel.template, context))
    return result
