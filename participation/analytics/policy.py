"""Who may read and who may change the reference population."""

from __future__ import annotations

from participation.accounts.policy import Viewer, can_administer, is_planner


def can_view_population(user: Viewer) -> bool:
    """Planners and admins read the figures (weighting uses them); citizens and moderators do not."""
    return is_planner(user)


def can_manage_population(user: Viewer) -> bool:
    """Only admins upload figures and choose the current version."""
    return can_administer(user)
