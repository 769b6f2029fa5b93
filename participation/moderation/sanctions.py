"""Sanctions: muting (moderators) and blocking (admins), each with a statement of reasons."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from participation.accounts import services as account_services
from participation.accounts.models import Role, User
from participation.core.audit import record
from participation.core.i18n import format_when
from participation.core.permissions import InvalidState, NotAllowed
from participation.core.types import utcnow
from participation.extensions import db
from participation.moderation import policy, reasons
from participation.moderation.errors import ReasonRequired, SanctionTooLong
from participation.moderation.models import Action, Decision
from participation.moderation.statements import WHAT, send_statement

MAX_SANCTION_DAYS = 365


class AlreadyInForce(InvalidState):
    """The sanction applies already (a repeated request): nothing was changed."""


class NotInForce(InvalidState):
    """There is no running sanction of this kind to extend or lift, or it changed meanwhile."""


def _sanction_checks(days: int, reason_code: str, text: str) -> None:
    """A sanction needs a choosable reason category, a text, and a duration of one day to a year."""
    if reasons.choosable(reason_code) is None or not (text or "").strip():
        raise ReasonRequired(reason_code)
    if not 1 <= days <= MAX_SANCTION_DAYS:
        raise SanctionTooLong(days)


def _locked(target: User) -> User:
    """The account row, locked until the commit: parallel sanctions on one account wait for each other.

    The second request then reads the state the first one wrote (populate_existing) and changes
    nothing; SQLite has no row locks but runs one writer at a time, with the same outcome.
    """
    query = select(User).where(User.id == target.id).with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()


def mute(moderator: User, target: User, days: int, reason_code: str, text: str) -> Decision:
    """Mute a citizen's account for some days: reading and surveys stay, writing stops."""
    if not policy.can_mute(moderator, target):
        raise NotAllowed("mute")
    _sanction_checks(days, reason_code, text)
    target = _locked(target)
    if target.is_muted:
        raise AlreadyInForce("mute")
    ends_at = utcnow() + timedelta(days=days)
    target.muted_until, target.mute_reason = ends_at, text
    decision = _sanction_decision(moderator, target, Action.MUTE, reason_code, text, ends_at)
    record(moderator, "moderation.mute", target, reason=text, **_logged(decision))
    send_statement(decision, str(WHAT[Action.MUTE]) % {"place": format_when(ends_at)})
    return decision


def extend(
    actor: User, target: User, action: Action, seen_end: str, days: int, reason_code: str, text: str
) -> Decision:
    """Extend a running mute or block by some days; only from the end the actor saw (no double extension)."""
    allowed = policy.can_mute(actor, target) if action is Action.MUTE else policy.can_block(actor, target)
    if not allowed:
        raise NotAllowed(f"extend {action.value}")
    _sanction_checks(days, reason_code, text)
    target = _locked(target)
    running = target.is_muted if action is Action.MUTE else target.is_blocked
    end = target.muted_until if action is Action.MUTE else target.blocked_until
    if not running or end is None or end.isoformat() != seen_end:
        raise NotInForce(action.value)
    ends_at = end + timedelta(days=days)
    decision = _sanction_decision(actor, target, action, reason_code, text, ends_at)
    logged = _logged(decision, extended_from=end.isoformat())
    if action is Action.MUTE:
        target.muted_until, target.mute_reason = ends_at, text
        record(actor, "moderation.mute_extended", target, reason=text, **logged)
        send_statement(decision, str(WHAT[Action.MUTE]) % {"place": format_when(ends_at)})
    else:
        target.blocked_until, target.blocked_reason = ends_at, text
        record(actor, "moderation.block_extended", target, reason=text, **logged)
        send_statement(decision, "")
    return decision


def unmute(moderator: User, target: User) -> None:
    """Lift a mute early (audit-logged); a mute that is not running raises NotInForce."""
    if not policy.can_mute(moderator, target):
        raise NotAllowed("unmute")
    target = _locked(target)
    if not target.is_muted:
        raise NotInForce("mute")
    target.muted_until = target.mute_reason = None
    record(moderator, "moderation.unmute", target)
    db.session.flush()


def unblock(admin: User, target: User) -> None:
    """Lift a block early (admins; audit-logged); a block that is not running raises NotInForce."""
    if not policy.can_block(admin, target):
        raise NotAllowed("unblock")
    target = _locked(target)
    if target.blocked_at is None:
        raise NotInForce("block")
    account_services.unblock(admin, target)
    db.session.flush()


def block(admin: User, target: User, days: int, reason_code: str, text: str) -> Decision:
    """Block an account (admins): no login, sessions end; the person gets a statement of reasons."""
    if not policy.can_block(admin, target):
        raise NotAllowed("block")
    _sanction_checks(days, reason_code, text)
    target = _locked(target)
    if target.is_blocked:
        raise AlreadyInForce("block")
    if target.has_role(Role.ADMIN) and account_services.admin_count() <= 1:
        raise InvalidState("last admin")
    ends_at = utcnow() + timedelta(days=days)
    # The end is stored on the account: the block stops applying then by itself (no cron needed).
    # Set here rather than through accounts.block, so that one block is one log entry (moderation.block).
    target.blocked_at, target.blocked_reason, target.blocked_until = utcnow(), text, ends_at
    account_services.end_all_sessions(target)
    decision = _sanction_decision(admin, target, Action.BLOCK, reason_code, text, ends_at)
    record(admin, "moderation.block", target, reason=text, **_logged(decision))
    send_statement(decision, "")
    return decision


def _sanction_decision(
    actor: User, target: User, action: Action, reason_code: str, text: str, ends_at: datetime
) -> Decision:
    decision = Decision(
        subject_id=target.id,
        moderator_id=actor.id,
        action=action.value,
        reason_code=reason_code,
        reason_text=text,
        ends_at=ends_at,
    )
    db.session.add(decision)
    db.session.flush()
    return decision


def _logged(decision: Decision, **extra: str) -> dict[str, Any]:
    """The audit details of a sanction decision (its number, category and end)."""
    ends_at = decision.ends_at.isoformat() if decision.ends_at else None
    return {"decision_id": decision.id, "reason_code": decision.reason_code, "ends_at": ends_at, **extra}


def lift_expired_blocks(actor: User | None = None) -> int:
    """Housekeeping (`flask moderation lift-blocks`): clear blocks that have ended.

    Not needed for them to end: an ended block no longer applies (User.is_blocked), and the next
    login clears it too. This only tidies accounts that have not logged in since.
    """
    rows = db.session.scalars(
        select(User).where(User.blocked_at.is_not(None), User.blocked_until <= utcnow())
    ).all()
    for user in rows:
        ended = user.blocked_until.isoformat() if user.blocked_until else None
        account_services.unblock(actor, user, ended=ended)
    db.session.flush()
    return len(rows)
