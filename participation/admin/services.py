"""Queries behind the admin pages (listing, searching); account changes live in accounts.services."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from participation.accounts.models import User, UserRole
from participation.core.models import AuditLogEntry
from participation.extensions import db

PAGE_SIZE = 50


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    # lower(), not casefold(): the databases lower "ß" to itself, casefold would turn it into "ss".
    return f"%{escaped.lower()}%"


def user_query(search: str | None, role: str | None) -> Select:
    """Accounts matching a name/e-mail search and a role, newest first."""
    query = select(User).where(User.deleted_at.is_(None)).order_by(User.id.desc())
    if search:
        pattern = _like(search)
        query = query.where(
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return query


def audit_query(action: str | None, actor: str | None) -> Select:
    """Audit-log rows filtered by action prefix and actor, newest first."""
    query = select(AuditLogEntry).order_by(AuditLogEntry.id.desc())
    if action:
        query = query.where(AuditLogEntry.action.like(_like(action), escape="\\"))
    if actor:
        pattern = _like(actor)
        actor_ids = select(User.id).where(
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
        query = query.where(AuditLogEntry.actor_id.in_(actor_ids))
    return query


def paginate(query: Select, page: int):
    """One page of results (Flask-SQLAlchemy pagination, count included)."""
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def people_for(entries) -> dict[int, User]:
    """The users who acted in, or are the target of, a page of audit entries, in one query."""
    ids = {entry.actor_id for entry in entries if entry.actor_id}
    ids |= {entry.target_id for entry in entries if entry.target_type == "users" and entry.target_id}
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}
