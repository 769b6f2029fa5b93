"""Queries behind the admin pages (listing, searching); account changes live in accounts.services."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, or_, select

from participation.accounts.models import User, UserRole
from participation.core.models import AuditLogEntry
from participation.core.search import contains
from participation.extensions import db

PAGE_SIZE = 50


def user_query(search: str | None, role: str | None) -> Select:
    """Accounts matching a name/e-mail search and a role, newest first."""
    query = select(User).where(User.deleted_at.is_(None)).order_by(User.id.desc())
    if search:
        query = query.where(or_(contains(User.display_name, search), contains(User.email, search)))
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return query


def audit_query(action: str | None, actor: str | None) -> Select:
    """Audit-log rows filtered by action prefix and actor, newest first."""
    query = select(AuditLogEntry).order_by(AuditLogEntry.id.desc())
    if action:
        query = query.where(contains(AuditLogEntry.action, action))
    if actor:
        actor_ids = select(User.id).where(
            or_(contains(User.display_name, actor), contains(User.email, actor))
        )
        query = query.where(AuditLogEntry.actor_id.in_(actor_ids))
    return query


def paginate(query: Select[Any], page: int) -> Pagination:
    """One page of results (Flask-SQLAlchemy pagination, count included)."""
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
