"""Signed, expiring links for e-mail verification, e-mail change and password reset."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from participation.accounts.models import User

_VERIFY = "verify-email"
_CHANGE = "change-email"
_RESET = "reset-password"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    # Part of the reset token: once the password changes, every older reset link is dead (single use).
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_verify_token(user: User) -> str:
    """Token confirming that the holder received mail at the user's current address."""
    return _serializer(_VERIFY).dumps({"u": user.id, "e": user.email})


def make_change_email_token(user: User) -> str:
    """Token confirming the user's new (pending) address."""
    return _serializer(_CHANGE).dumps({"u": user.id, "e": user.pending_email})


def make_reset_token(user: User) -> str:
    """Single-use token for setting a new password."""
    return _serializer(_RESET).dumps({"u": user.id, "p": _password_fingerprint(user)})


def _load(salt: str, token: str, max_age_key: str) -> dict | None:
    try:
        data = _serializer(salt).loads(token, max_age=current_app.config[max_age_key])
    except BadSignature:  # also covers SignatureExpired
        return None
    return data if isinstance(data, dict) else None


def read_verify_token(token: str) -> dict | None:
    """Payload of a valid verification token, else None."""
    return _load(_VERIFY, token, "VERIFY_TOKEN_MAX_AGE")


def read_change_email_token(token: str) -> dict | None:
    """Payload of a valid e-mail change token, else None."""
    return _load(_CHANGE, token, "VERIFY_TOKEN_MAX_AGE")


def reset_token_matches(user: User, payload: dict[str, Any]) -> bool:
    """True when the reset token was issued for the user's current password."""
    return payload.get("u") == user.id and payload.get("p") == _password_fingerprint(user)


def read_reset_token(token: str) -> dict | None:
    """Payload of a valid, unexpired reset token, else None (single use is checked against the user)."""
    return _load(_RESET, token, "RESET_TOKEN_MAX_AGE")
