"""Account policy as a role matrix: every policy function against every kind of person, no database needed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import render_template_string
from flask_login import AnonymousUserMixin

from participation.accounts import policy
from participation.accounts.models import Role, User, UserRole

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)

# kind -> (user id, roles, verified, blocked, deleted)
PEOPLE = {
    "unverified": (1, (), False, False, False),
    "citizen": (2, (), True, False, False),
    "moderator": (3, (Role.MODERATOR,), True, False, False),
    "planner": (4, (Role.PLANNER,), True, False, False),
    "admin": (5, (Role.ADMIN,), True, False, False),
    "blocked_admin": (6, (Role.ADMIN,), True, True, False),
    "deleted": (7, (), True, False, True),
    "moderator_planner": (8, (Role.MODERATOR, Role.PLANNER), True, False, False),
}
KINDS = ["anonymous", *PEOPLE]


def build(kind: str, user_id: int | None = None):
    """An unsaved person of the given kind (or Flask-Login's anonymous user)."""
    if kind == "anonymous":
        return AnonymousUserMixin()
    default_id, roles, verified, blocked, deleted = PEOPLE[kind]
    return User(
        id=user_id or default_id,
        # A deleted account keeps its row but loses its personal data and roles (see erase_account_row).
        email=None if deleted else f"{kind}-{user_id or default_id}@example.org",
        display_name=None if deleted else kind.title(),
        password_hash=None if deleted else "scrypt:not-used",
        email_verified_at=NOW if verified else None,
        blocked_at=NOW if blocked else None,
        blocked_reason="Test" if blocked else None,
        deleted_at=NOW if deleted else None,
        role_rows=[UserRole(role=role.value) for role in roles],
    )


# --- one-argument policies ----------------------------------------------------------------------

ONE_ARG = {
    "has_role(moderator)": lambda user: policy.has_role(user, Role.MODERATOR),
    "has_role(planner)": lambda user: policy.has_role(user, Role.PLANNER),
    "has_role(admin)": lambda user: policy.has_role(user, Role.ADMIN),
    "is_staff": policy.is_staff,
    "can_participate": policy.can_participate,
    "can_manage_account": policy.can_manage_account,
    "can_administer": policy.can_administer,
    "can_view_audit_log": policy.can_view_audit_log,
}

# Columns in the order of ONE_ARG:   mod    plan   admin  staff  partic manage admin. audit
ONE_ARG_EXPECTED = {
    "anonymous":         (False, False, False, False, False, False, False, False),
    "unverified":        (False, False, False, False, False, True,  False, False),
    "citizen":           (False, False, False, False, True,  True,  False, False),
    "moderator":         (True,  False, False, True,  True,  True,  False, False),
    "planner":           (False, True,  False, True,  True,  True,  False, False),
    "admin":             (False, False, True,  True,  True,  True,  True,  True),
    "blocked_admin":     (False, False, False, False, False, False, False, False),
    "deleted":           (False, False, False, False, False, False, False, False),
    "moderator_planner": (True,  True,  False, True,  True,  True,  False, False),
}  # fmt: skip


def test_tables_cover_every_kind_and_every_function():
    assert set(ONE_ARG_EXPECTED) == set(KINDS) == set(TWO_ARG_EXPECTED)
    assert all(len(row) == len(ONE_ARG) for row in ONE_ARG_EXPECTED.values())
    assert all(len(row) == len(TARGETS) * len(TWO_ARG) for row in TWO_ARG_EXPECTED.values())


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("function", list(ONE_ARG))
def test_one_argument_policy(app_ctx, kind, function):
    expected = ONE_ARG_EXPECTED[kind][list(ONE_ARG).index(function)]
    assert ONE_ARG[function](build(kind)) is expected


def test_none_is_treated_like_anonymous(app_ctx):
    assert not any(check(None) for check in ONE_ARG.values())


# --- actor and target ---------------------------------------------------------------------------

TWO_ARG = {"can_change_roles": policy.can_change_roles, "can_block": policy.can_block}
# Targets: another person's account (a citizen), another admin, the actor's own account, a deleted account.
TARGETS = ("other", "other_admin", "self", "deleted_target")

# Per actor: can_change_roles for each target, then can_block for each target.
# Admins may change their own roles (the service keeps the last admin), but never block themselves.
TWO_ARG_EXPECTED = {
    "anonymous":         (False, False, False, False,   False, False, False, False),
    "unverified":        (False, False, False, False,   False, False, False, False),
    "citizen":           (False, False, False, False,   False, False, False, False),
    "moderator":         (False, False, False, False,   False, False, False, False),
    "planner":           (False, False, False, False,   False, False, False, False),
    "admin":             (True,  True,  True,  False,   True,  True,  False, False),
    "blocked_admin":     (False, False, False, False,   False, False, False, False),
    "deleted":           (False, False, False, False,   False, False, False, False),
    "moderator_planner": (False, False, False, False,   False, False, False, False),
}  # fmt: skip


def target_for(name: str):
    if name == "other":
        return build("citizen", user_id=100)
    if name == "other_admin":
        return build("admin", user_id=101)
    return build("deleted", user_id=102)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("target_name", TARGETS)
@pytest.mark.parametrize("function", list(TWO_ARG))
def test_actor_target_policy(app_ctx, kind, target_name, function):
    actor = build(kind)
    target = actor if target_name == "self" else target_for(target_name)
    column = list(TWO_ARG).index(function) * len(TARGETS) + TARGETS.index(target_name)
    assert TWO_ARG[function](actor, target) is TWO_ARG_EXPECTED[kind][column]


def test_block_compares_ids_not_objects(app_ctx):
    """The same account loaded twice (two objects, one id) still counts as "self"."""
    admin, same_admin = build("admin", user_id=50), build("admin", user_id=50)
    assert policy.can_block(admin, same_admin) is False
    assert policy.can_block(admin, build("admin", user_id=51)) is True


def test_template_policies_are_the_same_functions():
    assert policy.TEMPLATE_POLICIES == {
        "can_participate": policy.can_participate,
        "can_administer": policy.can_administer,
        "can_view_audit_log": policy.can_view_audit_log,
        "is_staff": policy.is_staff,
    }


@pytest.mark.parametrize("name", sorted(policy.TEMPLATE_POLICIES))
def test_templates_can_call_the_policies(app, name):
    with app.test_request_context("/"):
        assert render_template_string("{{ " + name + "(None) }}") == "False"
