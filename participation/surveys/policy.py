"""Who may build, answer and enter surveys. Pure functions, also available in templates."""

from __future__ import annotations

from collections.abc import Callable

from participation.accounts.models import Role
from participation.accounts.policy import can_participate, has_role, is_planner, is_staff
from participation.surveys.models import Access, Response, State, Survey


def can_create_surveys(user) -> bool:
    """Planners and admins build surveys."""
    return is_planner(user)


def can_edit_survey(user, survey: Survey) -> bool:
    """The planner who created it, or any admin."""
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.PLANNER) and survey.created_by_id == user.id


def can_enter_responses(user, survey: Survey) -> bool:
    """Staff (Bürgerbüro, phone, paper) enter responses for open surveys; admins included."""
    staff = is_staff(user)
    return staff and survey.state is State.OPEN


def can_list_managed_surveys(user) -> bool:
    """The staff overview: planners, admins, and moderators (for assisted entry)."""
    return is_staff(user)


def can_view_survey(user, survey: Survey) -> bool:
    """Published surveys are public; drafts only for those who may edit them."""
    return survey.published_at is not None or can_edit_survey(user, survey)


def can_see_listed(user, survey: Survey) -> bool:
    """Listed for everyone: open surveys and closed ones with published results; staff see every one."""
    if can_list_managed_surveys(user):
        return True
    state = survey.state
    return state is State.OPEN or (state is State.CLOSED and bool(survey.results_published))


def can_answer_survey(user, survey: Survey) -> bool:
    """Open surveys: account mode needs a verified account; code and open mode need none."""
    if survey.state is not State.OPEN:
        return False
    if survey.access == Access.ACCOUNT.value:
        return can_participate(user)
    return True


def can_use_drafts(user, survey: Survey) -> bool:
    """Saving and continuing needs an account (drafts are kept per account)."""
    return survey.access == Access.ACCOUNT.value and can_participate(user)


def can_view_my_responses(user) -> bool:
    """Any logged-in active account sees its own non-anonymous responses."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_response(user, response: Response) -> bool:
    """Only the person it belongs to (anonymous responses belong to nobody)."""
    return can_view_my_responses(user) and response.user_id is not None and response.user_id == user.id


def can_view_all_results(user, survey: Survey) -> bool:
    """The survey's planner and admins see every figure, at any time, unsuppressed."""
    return can_edit_survey(user, survey)


def can_view_public_results(user, survey: Survey) -> bool:
    """Everyone, once the survey is closed and its planner has published the results."""
    return survey.state is State.CLOSED and bool(survey.results_published)


def can_read_public_texts(user, survey: Survey) -> bool:
    """Free-text answers in the public results: only when the planner published them too."""
    return can_view_public_results(user, survey) and bool(survey.texts_published)


def can_export_results(user, survey: Survey) -> bool:
    """Exports and the printable report: the survey's planner and admins only."""
    return can_edit_survey(user, survey)


def can_view_results(user, survey: Survey) -> bool:
    """Either kind of results page: the planner's full view or the published public one."""
    return can_view_all_results(user, survey) or can_view_public_results(user, survey)


TEMPLATE_POLICIES: dict[str, Callable[..., bool]] = {
    "can_view_results": can_view_results,
    "can_export_results": can_export_results,
    "can_create_surveys": can_create_surveys,
    "can_edit_survey": can_edit_survey,
    "can_enter_responses": can_enter_responses,
    "can_list_managed_surveys": can_list_managed_surveys,
    "can_answer_survey": can_answer_survey,
    "can_view_survey": can_view_survey,
}


def can_participate_now(user) -> bool:
    """Account-mode answering: a verified, active account."""
    return can_participate(user)
