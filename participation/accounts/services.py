"""Account rules: registration, verification, login sessions, passwords, e-mail, deletion.

Functions take the acting user first, change models, flush and return; views commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from sqlalchemy import Select, bindparam, delete, func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from participation.accounts import tokens
from participation.accounts.models import Role, User, UserRole, UserSession
from participation.core import audit
from participation.core.mail import queue_mail, render_mail
from participation.core.permissions import InvalidState, NotAllowed
from participation.core.privacy import erase_user_data
from participation.core.types import utcnow
from participation.extensions import db

# Checked against when an e-mail is unknown, so a failed login takes as long either way.
_DUMMY_HASH_CACHE: dict[str, str] = {}


def normalize_email(email: str) -> str:
    """Lower-case, trimmed, IDNA-normalised address; raises ValueError when not an address."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error
    return result.normalized.casefold()


def hash_password(password: str) -> str:
    """scrypt hash (cost configurable so the test suite stays fast)."""
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def find_by_email(email: str) -> User | None:
    """The live (not deleted) account with this address, if any."""
    try:
        normalized = normalize_email(email)
    except ValueError:
        return None
    return db.session.scalar(select(User).where(User.email == normalized))


def _send(user: User, address: str, template: str, *, after_response: bool = False, **context: Any) -> None:
    mail = render_mail(address, template, user.locale, user=user, **context)
    queue_mail(db.session, mail, after_response=after_response)


def register(email: str, display_name: str, password: str, locale: str | None) -> User | None:
    """Create an unverified account and mail the link; for a taken address, mail its owner instead.

    Returns None in the second case; the view shows the same page either way (no enumeration).
    Both ways hash the password and send one mail, so the answer takes as long either way.
    """
    normalized = normalize_email(email)
    password_hash = hash_password(password)
    existing = db.session.scalar(select(User).where(User.email == normalized))
    if existing is not None:
        _send(existing, normalized, "already_registered", login_url=url_for("accounts.login", _external=True))
        return None
    user = User(
        email=normalized,
        display_name=display_name.strip(),
        password_hash=password_hash,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    """Mail a fresh verification link to the user's address."""
    if user.is_verified or not user.email:
        return
    link = url_for("accounts.verify_email", token=tokens.make_verify_token(user), _external=True)
    _send(user, user.email, "verify_email", link=link)


def verify_email(token: str) -> User | None:
    """Mark the address verified when the token matches the user's current address."""
    payload = tokens.read_verify_token(token)
    if payload is None:
        return None
    user = db.session.get(User, payload.get("u"))
    if user is None or user.is_deleted or user.email != payload.get("e"):
        return None
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The account for these credentials, or None: unknown address and wrong password look alike."""
    user = find_by_email(email)
    if user is None or not user.password_hash:
        # Spend the same hashing time as a real check.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        dummy = _DUMMY_HASH_CACHE.setdefault(
            method, generate_password_hash(secrets.token_hex(8), method=method)
        )
        check_password_hash(dummy, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def start_session(user: User, remember: bool) -> str:
    """Create a server-side login session and return its token for the cookie."""
    clear_ended_block(user)
    token = secrets.token_urlsafe(32)
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION" if remember else "SESSION_MAX_LIFETIME"]
    now = utcnow()
    db.session.add(
        UserSession(
            token_hash=UserSession.hash_token(token),
            user=user,
            remember=remember,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    user.current_session_token = token
    return token


@cache
def _session_by_token_hash() -> Select[UserSession]:
    """Session, user and roles in one query, for the parameter token_hash.

    This runs on every request of a logged-in person: built once, since building the statement and its
    cache key anew cost about a twentieth of a named survey submission's CPU.
    """
    return (
        select(UserSession)
        .where(UserSession.token_hash == bindparam("token_hash"))
        .options(joinedload(UserSession.user).joinedload(User.role_rows))
    )


def load_session_user(token: str, last_active: datetime | None = None) -> User | None:
    """The user of a live session token; ended, expired or idle sessions and blocked accounts give None.

    `last_active` comes from the signed session cookie (accounts.activity): the idle timeout is
    checked without writing anything, so a GET stays a pure read.
    """
    found = db.session.scalars(_session_by_token_hash(), {"token_hash": UserSession.hash_token(token)})
    session_row = found.unique().first()
    if session_row is None:
        return None
    now = utcnow()
    user = session_row.user
    if session_row.expires_at <= now or not user.is_active:
        return None
    idle_limit = current_app.config["SESSION_IDLE_LIFETIME"]
    if not session_row.remember and last_active is not None and now - last_active > idle_limit:
        return None
    user.current_session_token = token
    return user


def end_session(token: str | None) -> None:
    """Delete one login session (logout): every copy of its cookie stops working."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == UserSession.hash_token(token)))


def end_all_sessions(user: User) -> None:
    """Delete every login session of the user (password change, block, deletion)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def request_password_reset(email: str) -> None:
    """Mail a reset link when an active account has this address; say nothing either way.

    Only known addresses get a mail, so the SMTP conversation waits until the response has gone
    out: otherwise the answer for a known address would take measurably longer (enumeration).
    """
    user = find_by_email(email)
    if user is None or not user.is_active or not user.password_hash or not user.email:
        return
    link = url_for("accounts.reset_password", token=tokens.make_reset_token(user), _external=True)
    _send(user, user.email, "reset_password", link=link, after_response=True)


def user_for_reset_token(token: str) -> User | None:
    """The user a reset token was issued to, while it is unused and unexpired."""
    payload = tokens.read_reset_token(token)
    if payload is None:
        return None
    user = db.session.get(User, payload.get("u"))
    if user is None or not user.is_active or not tokens.reset_token_matches(user, payload):
        return None
    return user


def reset_password(user: User, new_password: str) -> None:
    """Set a new password from a reset link; the mail proved the address, all sessions end."""
    user.password_hash = hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    end_all_sessions(user)
    audit.record(user, "account.password_reset", user)


def change_password(user: User, current_password: str, new_password: str) -> str:
    """Change the password, end every session and return a new session token for this device."""
    if not check_password_hash(user.password_hash or "", current_password or ""):
        raise NotAllowed("wrong password")
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    if user.email:
        _send(user, user.email, "password_changed")
    return start_session(user, remember=False)


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Keep the new address pending and mail a confirmation link to it."""
    if not check_password_hash(user.password_hash or "", password or ""):
        raise NotAllowed("wrong password")
    normalized = normalize_email(new_email)
    if normalized == user.email:
        raise InvalidState("same address")
    user.pending_email = normalized
    taken = db.session.scalar(select(func.count()).select_from(User).where(User.email == normalized))
    if taken:
        # Tell nobody that the address exists; the confirmation would fail on uniqueness anyway.
        return
    link = url_for(
        "accounts.confirm_email_change", token=tokens.make_change_email_token(user), _external=True
    )
    # Only free addresses get a mail: sent after the response, so its timing does not tell either.
    _send(user, normalized, "confirm_email_change", link=link, after_response=True)


def confirm_email_change(token: str) -> User | None:
    """Switch to the pending address once its owner clicked the link."""
    payload = tokens.read_change_email_token(token)
    if payload is None:
        return None
    user = db.session.get(User, payload.get("u"))
    if user is None or not user.is_active or not user.pending_email or user.pending_email != payload.get("e"):
        return None
    if db.session.scalar(select(User.id).where(User.email == user.pending_email)) is not None:
        return None
    old_address = user.email
    user.email = user.pending_email
    user.pending_email = None
    user.email_verified_at = utcnow()
    if old_address:
        _send(user, old_address, "email_changed", new_email=user.email)
    return user


def update_profile(user: User, display_name: str, locale: str | None, notify_by_email: bool) -> None:
    """Save the profile fields the user controls."""
    user.display_name = display_name.strip()
    user.locale = locale or None
    user.notify_by_email = notify_by_email


def admin_count() -> int:
    """Number of active admins (the last one cannot lose the role or be blocked)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(UserRole)
            .join(User)
            .where(
                UserRole.role == Role.ADMIN.value,
                or_(User.blocked_at.is_(None), User.blocked_until <= utcnow()),
                User.deleted_at.is_(None),
            )
        )
        or 0
    )


def set_roles(actor: User | None, target: User, roles: set[Role]) -> None:
    """Replace the target's roles; refused when it would leave the site without an admin."""
    before = target.roles
    if Role.ADMIN in before and Role.ADMIN not in roles and admin_count() <= 1:
        raise InvalidState("last admin")
    target.role_rows = [row for row in target.role_rows if Role(row.role) in roles]
    for role in sorted(roles - before):
        target.role_rows.append(UserRole(role=role.value))
    if before != roles:
        audit.record(
            actor,
            "user.roles_changed",
            target,
            before=sorted(before),
            after=sorted(roles),
        )


def block(actor: User | None, target: User, reason: str, until: datetime | None = None) -> None:
    """Block an account (until a time, or until lifted): no login, and all its sessions end at once."""
    if target.is_blocked:
        raise InvalidState("already blocked")
    if target.has_role(Role.ADMIN) and admin_count() <= 1:
        raise InvalidState("last admin")
    target.blocked_at = utcnow()
    target.blocked_reason = reason
    target.blocked_until = until
    end_all_sessions(target)
    audit.record(actor, "user.blocked", target, reason=reason, until=until.isoformat() if until else None)


def unblock(actor: User | None, target: User, **details: Any) -> None:
    """Lift a block."""
    if target.blocked_at is None:
        raise InvalidState("not blocked")
    target.blocked_at = None
    target.blocked_reason = None
    target.blocked_until = None
    audit.record(actor, "user.unblocked", target, **details)


def clear_ended_block(user: User) -> None:
    """Housekeeping at login: a block that has ended is removed from the account (and logged)."""
    if user.blocked_at is not None and user.blocked_until is not None and not user.is_blocked:
        unblock(None, user, ended=user.blocked_until.isoformat())


def delete_account(user: User, password: str) -> None:
    """Erase personal data after a password check; contributions stay as "Gelöschtes Konto"."""
    if not check_password_hash(user.password_hash or "", password or ""):
        raise NotAllowed("wrong password")
    if user.has_role(Role.ADMIN) and admin_count() <= 1:
        raise InvalidState("last admin")
    erase_user_data(user)


def erase_account_row(user: User) -> None:
    """The accounts domain's eraser: blank the personal fields, drop roles and sessions."""
    end_all_sessions(user)
    user.email = None
    user.pending_email = None
    user.display_name = None
    user.password_hash = None
    user.locale = None
    user.blocked_reason = None
    user.role_rows = []
    user.deleted_at = utcnow()


def export_account(user: User) -> dict:
    """The accounts domain's part of "Meine Daten herunterladen"."""

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "email": user.email,
        "pending_email": user.pending_email,
        "display_name": user.display_name,
        "locale": user.locale,
        "notify_by_email": user.notify_by_email,
        "roles": sorted(user.roles),
        "created_at": iso(user.created_at),
        "email_verified_at": iso(user.email_verified_at),
        "active_sessions": db.session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
        ),
    }


def create_user(
    email: str, display_name: str, password: str, roles: set[Role], *, verified: bool = True
) -> User:
    """Create an account from the command line or demo data (verified by default)."""
    user = User(
        email=normalize_email(email),
        display_name=display_name,
        password_hash=hash_password(password),
        email_verified_at=utcnow() if verified else None,
    )
    user.role_rows = [UserRole(role=role.value) for role in sorted(roles)]
    db.session.add(user)
    db.session.flush()
    audit.record(None, "user.created", user, roles=sorted(roles))
    return user
