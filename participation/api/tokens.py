"""Planner tokens: creating, checking and revoking them. The check needs one query and nothing else."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, time, timedelta

from flask import request
from sqlalchemy import select

from participation.accounts.models import Role
from participation.accounts.policy import has_role, is_planner
from participation.api.models import ApiToken
from participation.core import audit
from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.models import Survey

PREFIX = "pt_"
MAX_DAYS = 366  # a token lives at most a year: a forgotten one stops by itself


class TokenRefused(Exception):
    """A request's token cannot be used: status 401 (none, unknown, expired, revoked) or 403 (scope)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def digest(secret: str) -> str:
    """The stored form of a secret: sha256 of a 256-bit random token needs no salt or stretching."""
    return hashlib.sha256(secret.encode()).hexdigest()


def bearer() -> str | None:
    """The secret of an `Authorization: Bearer …` header, None without one."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def can_create_tokens(user) -> bool:
    """Planners and admins: those who may export a survey's raw responses."""
    return is_planner(user)


def exportable_surveys(user) -> list[Survey]:
    """The surveys a token of this person may read: those whose export they may download."""
    query = select(Survey).order_by(Survey.id.desc())
    if not has_role(user, Role.ADMIN):
        query = query.where(Survey.created_by_id == user.id)
    return list(db.session.scalars(query))


def create(user, name: str, survey_ids: list[int], expires_on: date) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once); audit-logged."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=digest(secret),
        survey_ids=sorted(set(survey_ids)),
        expires_at=datetime.combine(expires_on, time(23, 59, 59), tzinfo=UTC),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(user, "api.token_created", token, label=name, count=len(token.survey_ids))
    return token, secret


def tokens_of(user) -> list[ApiToken]:
    """The person's tokens, newest first (revoked ones stay listed as revoked)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(db.session.scalars(query))


def revoke(user, token_id: int) -> ApiToken | None:
    """Revoke one of the person's own tokens; None if it is not theirs (or does not exist)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(user, "api.token_revoked", token, label=token.name)
    return token


def latest_expiry(today: date) -> date:
    """The last day a new token may run to."""
    return today + timedelta(days=MAX_DAYS)


def authenticate(survey_id: int) -> ApiToken:
    """The request's token if it may read this survey, else TokenRefused; one query, nothing else."""
    secret = bearer()
    if secret is None:
        raise TokenRefused(401, "missing")
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(secret))).first()
    if token is None:
        raise TokenRefused(401, "unknown")
    if token.revoked_at is not None:
        raise TokenRefused(401, "revoked")
    if token.expires_at <= utcnow():
        raise TokenRefused(401, "expired")
    if survey_id not in token.survey_ids:
        raise TokenRefused(403, "scope")
    return token
