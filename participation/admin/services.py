"""Queries behind the admin pages (listing, searching); account changes live in accounts.services."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, or_, select

from participation.accounts.models import User, UserRole
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


def paginate(query: Select[Any], page: int) -> Pagination:
    """One page of results (Flask-SQLAlchemy pagination, count included)."""
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
