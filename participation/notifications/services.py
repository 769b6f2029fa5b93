"""Sending, listing and marking notifications; each domain registers the kinds it sends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import delete, func, select, update

from participation.accounts.models import User
from participation.core.mail import queue_mail, render_mail
from participation.core.security import is_safe_next
from participation.core.types import utcnow
from participation.extensions import db
from participation.notifications.models import Notification

PAGE_SIZE = 30


@dataclass(frozen=True)
class NotificationKind:
    """How one kind of notification reads: a lazy text with %(name)s parameters, and a mail template."""

    text: Any
    mail_template: str | None = "notification"


_kinds: dict[str, NotificationKind] = {}


def register_kind(name: str, text: str, mail_template: str | None = "notification") -> None:
    """Declare a notification kind (domains call this from their init_app)."""
    _kinds[name] = NotificationKind(text=text, mail_template=mail_template)


def render_text(notification: Notification) -> str:
    """The notification's sentence in the current language; unknown kinds degrade gracefully."""
    kind = _kinds.get(notification.kind)
    if kind is None:
        return notification.kind
    try:
        return str(kind.text) % notification.params
    except (KeyError, TypeError, ValueError):
        return str(kind.text)


def notify(
    user: User | None, kind: str, params: dict[str, Any], url: str | None, *, email: bool = True
) -> Notification | None:
    """Store an in-app notification and, unless the person opted out, queue an e-mail."""
    if user is None or user.is_deleted or kind not in _kinds:
        return None
    if url is not None and not is_safe_next(url):
        raise ValueError("notification urls must be local paths")
    notification = Notification(user_id=user.id, kind=kind, params=params, url=url)
    db.session.add(notification)
    mail_template = _kinds[kind].mail_template
    if email and mail_template and user.notify_by_email and user.email:
        with force_locale(user.locale or current_app.config["DEFAULT_LOCALE"]):
            text = render_text(notification)
        link = url_for("notifications.index", _external=True) if url is None else _external(url)
        queue_mail(
            db.session, render_mail(user.email, mail_template, user.locale, user=user, text=text, link=link)
        )
    return notification


def _external(path: str) -> str:
    root = url_for("core.home", _external=True).rstrip("/")
    return root + path


def unread_count(user: User) -> int:
    """Number of unread notifications (one indexed COUNT per page view)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def page_for(user: User, page: int) -> Pagination:
    """One page of the user's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def mark_read(user: User, notification_id: int) -> Notification | None:
    """Mark one of the user's own notifications as read; others' ids are ignored."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification


def mark_all_read(user: User) -> None:
    """Mark every unread notification of the user as read."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def header_context() -> dict[str, Any]:
    """Template variable for the counter in the header (only computed when a template asks)."""

    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        return unread_count(current_user)

    return {"unread_notifications": count}


def export_notifications(user: User) -> list[dict[str, Any]]:
    """The notifications part of "Meine Daten"."""
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return [
        {
            "kind": n.kind,
            "text": render_text(n),
            "url": n.url,
            "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
        }
        for n in rows
    ]


def erase_notifications(user: User) -> None:
    """Notifications are addressed to the person only: delete them with the account."""
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
