"""Accounts: users, their roles and their server-side login sessions."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import Model


class Role(enum.StrEnum):
    """Roles beyond "citizen", which everyone with an account has."""

    MODERATOR = "moderator"
    PLANNER = "planner"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.MODERATOR: _l("Moderation"),
    Role.PLANNER: _l("Planung"),
    Role.ADMIN: _l("Administration"),
}

DELETED_ACCOUNT_LABEL = _l("Gelöschtes Konto")


class User(Model):
    """A person with an account. Deleting the account erases personal data but keeps the row."""

    __tablename__ = "users"

    id: Mapped[IdPk]
    # Stored normalised (lower-case); NULL once the account is deleted.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pending_email: Mapped[str | None] = mapped_column(String(254))
    notify_by_email: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    blocked_reason: Mapped[str | None] = mapped_column(String(500))
    # A block with an end stops applying by itself then (NULL: until an admin lifts it).
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Muted by the moderation until then: may read and answer surveys, but not comment or edit.
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mute_reason: Mapped[str | None] = mapped_column(String(500))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login protocol. The session token is set by the loader for the current request.
    # Not a column: declared for type checkers only, since the ORM maps every class annotation.
    if TYPE_CHECKING:
        current_session_token: str | None
    current_session_token = None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_active(self) -> bool:
        return not self.is_blocked and self.deleted_at is None

    @property
    def is_blocked(self) -> bool:
        """Blocked now: a block whose end has passed no longer applies, lifted in the database or not."""
        return self.blocked_at is not None and (self.blocked_until is None or self.blocked_until > utcnow())

    def get_id(self) -> str | None:
        # Flask-Login stores this in the session and the remember cookie: it names a
        # server-side session row, so deleting that row ends every copy of the cookie.
        return self.current_session_token

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_muted(self) -> bool:
        return self.muted_until is not None and self.muted_until > utcnow()

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def public_name(self) -> str:
        """The name shown next to contributions; "Gelöschtes Konto" after deletion."""
        if self.is_deleted or not self.display_name:
            return str(DELETED_ACCOUNT_LABEL)
        return self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(Model):
    """One role held by one user (a person may hold several)."""

    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint("role IN ('moderator', 'planner', 'admin')", name="known_role"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    user: Mapped[User] = relationship(back_populates="role_rows")


class UserSession(Model):
    """A login on one device. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[IdPk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
