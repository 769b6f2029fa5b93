"""The notification list: read, mark one or all as read."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from participation.accounts import policy
from participation.core.forms import PostOnlyForm
from participation.core.paging import page_arg
from participation.core.permissions import policy_required
from participation.core.security import safe_next
from participation.extensions import db
from participation.notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/benachrichtigungen")


@bp.route("/")
@policy_required(policy.can_manage_account)
def index():
    """The person's notifications, newest first."""
    pagination = services.page_for(current_user, page_arg())
    return render_template(
        "notifications/notification_list.html", pagination=pagination, render_text=services.render_text
    )


@bp.route("/<int:notification_id>/gelesen", methods=["POST"])
@policy_required(policy.can_manage_account)
def mark_read(notification_id: int):
    """Mark one notification as read and go to what it is about."""
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    notification = services.mark_read(current_user, notification_id)
    if notification is None:
        abort(404)
    db.session.commit()
    return redirect(safe_next(notification.url, url_for("notifications.index")))


@bp.route("/alle-gelesen", methods=["POST"])
@policy_required(policy.can_manage_account)
def mark_all_read():
    """Mark every notification as read."""
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))
