"""Who may do what with accounts. Pure functions, also available in templates."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias, TypeGuard

from flask_login import AnonymousUserMixin

from participation.accounts.models import Role, User

# Who asks: an account, Flask-Login's anonymous user (current_user when logged out), or nobody.
Viewer: TypeAlias = User | AnonymousUserMixin | None


def _active(user: Viewer) -> TypeGuard[User]:
    """True for a logged-in account that is neither blocked nor deleted."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_role(user: Viewer, role: Role) -> TypeGuard[User]:
    """True for an active, logged-in user who holds the role."""
    return _active(user) and user.has_role(role)


def is_moderator(user: Viewer) -> bool:
    """Moderators, and admins, who may do everything moderators do."""
    return has_role(user, Role.MODERATOR) or has_role(user, Role.ADMIN)


def is_planner(user: Viewer) -> bool:
    """Planners, and admins, who may do everything planners do."""
    return has_role(user, Role.PLANNER) or has_role(user, Role.ADMIN)


def is_staff(user: Viewer) -> bool:
    """Moderators, planners and admins: the municipality's people."""
    return _active(user) and bool(user.roles)


def can_participate(user: Viewer) -> TypeGuard[User]:
    """Verified, active accounts may take part (comment, vote, propose); others may only read."""
    return _active(user) and user.is_verified


def can_contribute(user: Viewer) -> bool:
    """Writing contributions (comments, votes, reports, wiki edits): taking part and not muted."""
    return can_participate(user) and not user.is_muted


def can_manage_account(user: Viewer) -> TypeGuard[User]:
    """Any logged-in, active user manages their own profile, data export and deletion."""
    return _active(user)


def can_administer(user: Viewer) -> TypeGuard[User]:
    """Admin pages: users, roles, settings, the audit log."""
    return has_role(user, Role.ADMIN)


def can_view_audit_log(user: Viewer) -> bool:
    """Admins read the whole audit log (moderators read its moderation part on /moderation)."""
    return has_role(user, Role.ADMIN)


def can_change_roles(actor: Viewer, target: User) -> bool:
    """Admins change the roles of any live account (the service keeps at least one admin)."""
    return can_administer(actor) and not target.is_deleted


def can_block(actor: Viewer, target: User) -> bool:
    """Admins block others (not themselves, not deleted accounts)."""
    return can_administer(actor) and actor.id != target.id and not target.is_deleted


TEMPLATE_POLICIES: dict[str, Callable[..., bool]] = {
    "can_participate": can_participate,
    "can_administer": can_administer,
    "can_view_audit_log": can_view_audit_log,
    "is_staff": is_staff,
}
