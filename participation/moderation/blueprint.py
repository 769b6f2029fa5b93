"""The moderation desk's blueprint and what its view modules share (loading, version check, refusal).

views.py, queue_views.py, sanction_views.py and log_views.py register their routes on `bp`.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash

from participation.core.permissions import InvalidState
from participation.extensions import db

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


def checked(form) -> tuple[int, bool]:
    """The version the decision form was rendered for, and whether the form is valid.

    A tampered version or a bad CSRF token is a 400; other errors go back to the form.
    """
    raw = form.version.data or ""
    if not raw.isdigit():
        abort(400)
    valid = form.validate_on_submit()
    if not valid and form.csrf_token.errors:
        abort(400)
    return int(raw), valid


def refused(error: InvalidState) -> None:
    """Nothing was saved: roll the request back and say why."""
    db.session.rollback()
    flash(error.user_message, "error")


def load(model, object_id: int):
    """The row or a 404."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj
