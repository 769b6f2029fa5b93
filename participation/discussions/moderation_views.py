"""Moderators hide and restore comments in place (decisions like the queue's) and read earlier versions."""

from __future__ import annotations

from flask import redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.feedback import flash_at
from participation.core.permissions import InvalidState, require
from participation.discussions import links, policy, services
from participation.discussions.forms import ModerationForm
from participation.discussions.views import bp, load_comment
from participation.discussions.visibility import visible_body
from participation.extensions import db


def _moderate(
    project_slug: str, comment_id: int, allowed, action, template_action: str, done: str, categories=()
):
    project, comment = load_comment(project_slug, comment_id)
    require(allowed(current_user, comment))
    form = ModerationForm(categories=categories)
    if form.validate_on_submit():
        try:
            action(current_user, comment, form)
        except InvalidState as error:
            # Decided meanwhile (e.g. from the queue) or refused by the moderation desk: nothing saved.
            db.session.rollback()
            flash_at(links.comment_anchor(comment.id), error.user_message, "error")
            return redirect(links.permalink(project, comment.id))
        db.session.commit()
        flash_at(links.comment_anchor(comment.id), done)
        return redirect(links.permalink(project, comment.id))
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
    """Hide a comment in place with a reason category and text; the author gets a statement of reasons."""
    return _moderate(
        project_slug,
        comment_id,
        policy.can_hide_comment,
        lambda user, comment, form: services.hide_comment(
            user, comment, form.reason.data, form.reason_code.data
        ),
        "hide",
        _("Der Kommentar wurde ausgeblendet; die Person wurde mit Begründung benachrichtigt."),
        categories=services.reason_categories(),
    )


@bp.route("/<project_slug>/kommentare/<int:comment_id>/wiederherstellen", methods=["GET", "POST"])
def restore(project_slug: str, comment_id: int):
    """Publish a hidden comment again; recorded as a moderation decision."""
    return _moderate(
        project_slug,
        comment_id,
        policy.can_restore_comment,
        lambda user, comment, form: services.restore_comment(user, comment, form.reason.data),
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
