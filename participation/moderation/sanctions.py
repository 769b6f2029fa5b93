"""Sanctions: muting (moderators) and blocking (admins), each with a statement of reasons."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from participation.accounts import services as account_services
from participation.accounts.models import User
from participation.core.audit import record
from participation.core.i18n import format_when
from participation.core.permissions import NotAllowed
from participation.core.types import utcnow
from participation.extensions import db
from participation.moderation import policy, reasons
from participation.moderation.errors import ReasonRequired, SanctionTooLong
from participation.moderation.models import Action, Decision
from participation.moderation.statements import WHAT, send_statement

MAX_SANCTION_DAYS = 365


def _sanction_checks(days: int, reason_code: str, text: str) -> None:
    """A sanction needs a known reason category, a text, and a duration of one day to a year."""
    if reasons.choosable(reason_code) is None or not (text or "").strip():
        raise ReasonRequired(reason_code)
    if not 1 <= days <= MAX_SANCTION_DAYS:
        raise SanctionTooLong(days)


def mute(moderator: User, target: User, days: int, reason_code: str, text: str) -> Decision:
    """Mute a citizen's account for some days: reading and surveys stay, writing stops."""
    if not policy.can_mute(moderator, target):
        raise NotAllowed("mute")
    _sanction_checks(days, reason_code, text)
    ends_at = utcnow() + timedelta(days=days)
    target.muted_until, target.mute_reason = ends_at, text
    decision = _sanction_decision(moderator, target, Action.MUTE, reason_code, text, ends_at)
    send_statement(decision, str(WHAT[Action.MUTE]) % {"place": format_when(ends_at)})
    return decision


def unmute(moderator: User, target: User) -> None:
    """Lift a mute early (audit-logged)."""
    if not policy.can_mute(moderator, target) or not target.is_muted:
        raise NotAllowed("unmute")
    target.muted_until = target.mute_reason = None
    record(moderator, "moderation.unmute", target)
    db.session.flush()


def block(admin: User, target: User, days: int, reason_code: str, text: str) -> Decision:
    """Block an account (admins): no login, sessions end; the person gets a statement of reasons."""
    if not policy.can_block(admin, target):
        raise NotAllowed("block")
    _sanction_checks(days, reason_code, text)
    ends_at = utcnow() + timedelta(days=days)
    # The end is stored on the account: the block stops applying then by itself (no cron needed).
    account_services.block(admin, target, text, until=ends_at)
    decision = _sanction_decision(admin, target, Action.BLOCK, reason_code, text, ends_at)
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
    record(
        actor,
        f"moderation.{action.value}",
        target,
        reason=text,
        decision_id=decision.id,
        reason_code=reason_code,
        ends_at=ends_at.isoformat(),
    )
    return decision


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
