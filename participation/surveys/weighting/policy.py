"""Who may map questions and switch weighting (the panel shows to those who see all results)."""

from __future__ import annotations

from participation.surveys.models import Survey
from participation.surveys.policy import can_edit_survey


def can_manage_weighting(user, survey: Survey) -> bool:
    """The survey's planner and admins; also after responses exist (weights never change an answer)."""
    return can_edit_survey(user, survey)
