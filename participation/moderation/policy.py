"""Who may use the moderation desk, decide, appeal and sanction. Pure functions, also in templates."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeGuard

from participation.accounts.models import User
from participation.accounts.policy import Viewer, can_administer, can_manage_account, is_moderator, is_staff
from participation.moderation.models import Decision


def can_moderate(user: Viewer) -> TypeGuard[User]:
    """Moderators and admins work the queue, decide and read the moderation log."""
    return isinstance(user, User) and is_moderator(user)


def can_appeal(user: Viewer, decision: Decision | None) -> bool:
    """The person a restriction concerns objects to it (muted people too; the service allows it once)."""
    return (
        can_manage_account(user)
        and decision is not None
        and decision.is_restriction
        and decision.subject_id == user.id
    )


def can_view_decision(user: Viewer, decision: Decision) -> bool:
    """The statement of reasons is for the person concerned and the moderators."""
    return can_moderate(user) or (can_manage_account(user) and decision.subject_id == user.id)


def can_decide_appeal(user: Viewer, decision: Decision | None) -> bool:
    """A different moderator than the one who decided, and never the person concerned."""
    return (
        can_moderate(user)
        and decision is not None
        and user.id != decision.moderator_id
        and user.id != decision.subject_id
    )


def can_mute(user: Viewer, target: User) -> bool:
    """Moderators mute citizens' accounts (not staff, not themselves, not deleted accounts)."""
    return can_moderate(user) and target.id != user.id and not target.is_deleted and not is_staff(target)


def can_block(user: Viewer, target: User) -> bool:
    """Only admins block, never themselves or deleted accounts."""
    return can_administer(user) and target.id != user.id and not target.is_deleted


def can_change_settings(user: Viewer) -> bool:
    """Admins set K, N and the reason categories."""
    return can_administer(user)


TEMPLATE_POLICIES: dict[str, Callable[..., bool]] = {
    "can_moderate": can_moderate,
    "can_mute": can_mute,
    "can_block_account": can_block,
    "can_decide_appeal": can_decide_appeal,
    "can_change_moderation_settings": can_change_settings,
}
