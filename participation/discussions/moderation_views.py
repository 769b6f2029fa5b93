"""Moderators hide and restore comments in place (with a reason) and read earlier versions."""

from __future__ import annotations

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.permissions import require
from participation.discussions import policy, services
from participation.discussions.forms import ModerationForm
from participation.discussions.views import bp, load_comment
from participation.discussions.visibility import visible_body
from participation.extensions import db


def _moderate(project_slug: str, comment_id: int, allowed, action, template_action: str, done: str):
    project, comment = load_comment(project_slug, comment_id)
    require(allowed(current_user, comment))
    form = ModerationForm()
    if form.validate_on_submit():
        action(current_user, comment, form.reason.data)
        db.session.commit()
        flash(done, "success")
        return redirect(services.permalink(project, comment.id))
    status = 400 if form.errors else 200
    return render_template(
        "discussions/comment_moderate.html",
        project=project,
        comment=comment,
        form=form,
        view=visible_body(comment, current_user),
        action=template_action,
    ), status


@bp.route("/<project_slug>/kommentare/<int:comment_id>/ausblenden", methods=["GET", "POST"])
def hide(project_slug: str, comment_id: int):
    """Hide a comment in place; others see a placeholder, the reason goes to the audit log."""
    return _moderate(
        project_slug,
        comment_id,
        policy.can_hide_comment,
        services.hide_comment,
        "hide",
        _("Der Kommentar wurde ausgeblendet."),
    )


@bp.route("/<project_slug>/kommentare/<int:comment_id>/wiederherstellen", methods=["GET", "POST"])
def restore(project_slug: str, comment_id: int):
    """Publish a hidden comment again; the reason goes to the audit log."""
    return _moderate(
        project_slug,
        comment_id,
        policy.can_restore_comment,
        services.restore_comment,
        "restore",
        _("Der Kommentar ist wieder sichtbar."),
    )


@bp.route("/<project_slug>/kommentare/<int:comment_id>/versionen")
def revisions(project_slug: str, comment_id: int):
    """Earlier versions of an edited comment (moderators only)."""
    project, comment = load_comment(project_slug, comment_id)
    require(policy.can_moderate_comments(current_user))
    return render_template(
        "discussions/comment_revisions.html",
        project=project,
        comment=comment,
        view=visible_body(comment, current_user),
        revisions=services.revisions(comment),
    )
