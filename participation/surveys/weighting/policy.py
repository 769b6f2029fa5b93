"""Who may see the representativeness panel and who may map questions and switch weighting."""

from __future__ import annotations

from participation.surveys.models import Survey
from participation.surveys.policy import can_edit_survey, can_view_all_results


def can_view_representativeness(user, survey: Survey) -> bool:
    """Those who see the full results: the survey's planner and admins (the public sees no panel)."""
    return can_view_all_results(user, survey)


def can_manage_weighting(user, survey: Survey) -> bool:
    """The survey's planner and admins; also after responses exist (weights never change an answer)."""
    return can_edit_survey(user, survey)
