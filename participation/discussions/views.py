"""Comment, reply, edit, delete, vote and report; the discussion panel on the project page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from participation.core.confirm import Confirmation, confirmation_page, confirmed
from participation.core.feedback import claim_flashes, flash_anchor, flash_at
from participation.core.forms import PostOnlyForm
from participation.core.permissions import InvalidState, require
from participation.core.security import safe_next
from participation.discussions import links, policy, services, thread
from participation.discussions.forms import CommentForm, EditCommentForm, ReportForm, VoteForm
from participation.discussions.models import Comment
from participation.discussions.visibility import visible_body
from participation.extensions import db
from participation.projects.views import load_project, render_project_page

bp = Blueprint("discussions", __name__, url_prefix="/projekte")

# German URL values for the sort order of top-level comments.
SORT_PARAMS = {"aelteste": "oldest", "neueste": "newest", "beste": "best"}
SORT_LABELS = {"aelteste": _l("Älteste zuerst"), "neueste": _l("Neueste zuerst"), "beste": _l("Beste zuerst")}
RATE_LIMIT_MESSAGE = _l(
    "Neue Konten können höchstens 5 Kommentare in 10 Minuten schreiben. "
    "Bitte warten Sie einige Minuten und senden Sie den Text dann erneut – er bleibt hier erhalten."
)


def discussion_panel(
    project, window: thread.Thread | None = None, focus_id: int | None = None, **_options
) -> dict:
    """Context of the discussion section on the project page (a page of threads, or one thread's window)."""
    sort_param = request.args.get("sortierung", "aelteste")
    sort_param = sort_param if sort_param in SORT_PARAMS else "aelteste"
    if window is not None:
        comments = window
    else:
        comments = thread.read_page(
            project.id, current_user, SORT_PARAMS[sort_param], request.args.get("nach")
        )
    notice_id = links.comment_id_of_anchor(flash_anchor())
    if notice_id is not None and any(item.id == notice_id for item in comments.items):
        claim_flashes(links.comment_anchor(notice_id))
    else:
        notice_id = None
    return {
        "thread": comments,
        # The confirmation of what was just done to a comment is shown at that comment (core.feedback).
        "notice_id": notice_id,
        "focus_id": focus_id,
        "single_thread": window is not None,
        "sort_param": sort_param,
        "sort_labels": SORT_LABELS,
        "form": CommentForm(formdata=None),
    }


def load_comment(project_slug: str, comment_id: int):
    """The project and one of its comments, or 404."""
    project = load_project(project_slug)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.project_id != project.id:
        abort(404)
    return project, comment


def _back(project, comment_id: int) -> str:
    """Back to the page the vote came from, at the comment (the thread form sends no fragment)."""
    target = safe_next(request.form.get("next"), "")
    if not target:
        return links.permalink(project, comment_id)
    return target if "#" in target else f"{target}#{links.comment_anchor(comment_id)}"


def _number(raw: str | None) -> int | None:
    """A query parameter that must be a database id or a count (anything else: None)."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) <= 15 else None


@bp.route("/<project_slug>/kommentare/<int:comment_id>")
def permalink(project_slug: str, comment_id: int):
    """The project page opened at one comment's window of its thread.

    With `nach` (the last reply shown, and `gezeigt`, its place) it is the thread's next window:
    the link "weitere Antworten anzeigen" (a keyset cursor; static/js/enhance.js loads it in place).
    """
    project = load_project(project_slug)
    cursor = _number(request.args.get("nach"))
    start = cursor if cursor is not None else comment_id
    window = thread.read_window(
        project.id, start, current_user, position=_number(request.args.get("gezeigt"))
    )
    # The comment (or the cursor's thread) must be this project's; a cursor must be in this thread.
    if window is None or (cursor is not None and window.items[0].id != comment_id):
        abort(404)
    return render_project_page(project, window=window, focus_id=None if cursor is not None else comment_id)


def _parent_for(raw: str | None, project) -> tuple[Comment | None, str | None]:
    """The comment replied to, or an error message for a missing, foreign or closed parent."""
    if not raw:
        return None, None
    parent = db.session.get(Comment, int(raw)) if raw.isdigit() else None
    if parent is None:
        return None, _("Der Kommentar, auf den Sie antworten möchten, gibt es nicht.")
    if parent.project_id != project.id:
        return None, _("Der Kommentar, auf den Sie antworten möchten, gehört zu einem anderen Vorhaben.")
    if not policy.can_reply(current_user, project, parent):
        return None, _("Auf diesen Kommentar kann nicht mehr geantwortet werden.")
    return parent, None


def _form_page(project, form, *, parent=None, comment=None, errors=(), preview=None, status=200):
    parent_view = visible_body(parent, current_user) if parent is not None else None
    return render_template(
        "discussions/comment_form.html",
        project=project,
        form=form,
        parent=parent,
        parent_view=parent_view,
        comment=comment,
        general_errors=list(errors),
        preview=preview,
    ), status


@bp.route("/<project_slug>/kommentieren", methods=["GET", "POST"])
def create(project_slug: str):
    """Write a comment or (with a parent) a reply; "Vorschau" shows the rendered text first."""
    project = load_project(project_slug)
    require(policy.can_comment(current_user, project))
    form = CommentForm()
    if request.method == "GET":
        form.parent_id.data = request.args.get("antwort_auf", "")
    parent, parent_error = _parent_for(form.parent_id.data, project)
    if request.method == "GET":
        if parent_error:
            abort(404)
        return _form_page(project, form, parent=parent)
    if parent_error or not form.validate_on_submit():
        return _form_page(
            project, form, parent=parent, errors=[parent_error] if parent_error else [], status=400
        )
    if "preview" in request.form:
        return _form_page(project, form, parent=parent, preview=form.body.data)
    if services.rate_limited(current_user):
        form.body.errors = [str(RATE_LIMIT_MESSAGE)]
        return _form_page(project, form, parent=parent, status=429)
    try:
        comment = services.post_comment(current_user, project, form.body.data, parent)
    except InvalidState:
        return _form_page(
            project,
            form,
            parent=parent,
            errors=[_("Der Kommentar konnte nicht gespeichert werden.")],
            status=400,
        )
    # Read before the commit: it expires both rows, and reading them after it costs two queries.
    anchor, published, target = (
        links.comment_anchor(comment.id),
        comment.is_published,
        links.permalink(project, comment.id),
    )
    db.session.commit()
    if published:
        flash_at(anchor, _("Ihr Kommentar wurde veröffentlicht."))
    else:
        flash_at(
            anchor,
            _("Ihr Kommentar wartet auf Freigabe durch die Moderation. Bis dahin sehen nur Sie ihn."),
            "info",
        )
    return redirect(target)


@bp.route("/<project_slug>/kommentare/<int:comment_id>/bearbeiten", methods=["GET", "POST"])
def edit(project_slug: str, comment_id: int):
    """Change one's own comment; the earlier text is kept for the moderators."""
    project, comment = load_comment(project_slug, comment_id)
    require(policy.can_edit_comment(current_user, project, comment))
    form = EditCommentForm(data={"body": comment.body} if request.method == "GET" else None)
    if request.method == "GET":
        return _form_page(project, form, comment=comment)
    if not form.validate_on_submit():
        return _form_page(project, form, comment=comment, status=400)
    if "preview" in request.form:
        return _form_page(project, form, comment=comment, preview=form.body.data)
    if form.body.data != comment.body:
        services.edit_comment(current_user, project, comment, form.body.data)
        db.session.commit()
        flash_at(links.comment_anchor(comment.id), _("Ihr Kommentar wurde geändert."))
    return redirect(links.permalink(project, comment.id))


@bp.route("/<project_slug>/kommentare/<int:comment_id>/loeschen", methods=["GET", "POST"])
def delete(project_slug: str, comment_id: int):
    """Delete one's own comment after the confirmation step (GET, or a POST without confirmed=1)."""
    project, comment = load_comment(project_slug, comment_id)
    require(policy.can_delete_comment(current_user, project, comment))
    if PostOnlyForm().validate_on_submit() and confirmed():
        services.delete_comment(current_user, project, comment)
        db.session.commit()
        flash_at(links.comment_anchor(comment.id), _("Ihr Kommentar wurde gelöscht."))
        return redirect(links.permalink(project, comment.id))
    confirmation = Confirmation(
        title=_("Kommentar löschen"),
        happens=[
            _("Der Text Ihres Kommentars und alle seine früheren Fassungen werden gelöscht."),
            _("Antworten anderer bleiben stehen, unter dem Hinweis „Kommentar gelöscht“."),
        ],
        final=_("Der gelöschte Text lässt sich nicht wiederherstellen, auch nicht von der Moderation."),
        button=_("Ja, Kommentar endgültig löschen"),
        cancel_url=links.permalink(project, comment.id),
    )
    return confirmation_page(
        confirmation,
        "discussions/comment_delete.html",
        project=project,
        comment=comment,
        view=visible_body(comment, current_user),
    )


@bp.route("/<project_slug>/kommentare/<int:comment_id>/bewerten", methods=["POST"])
def vote(project_slug: str, comment_id: int):
    """Vote a comment up (1) or down (-1), or take the vote back (0)."""
    project, comment = load_comment(project_slug, comment_id)
    require(policy.can_vote(current_user, project, comment))
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)
    services.vote(current_user, project, comment, form.value.data or 0)  # validated: -1, 0 or 1
    db.session.commit()
    return redirect(_back(project, comment.id))


@bp.route("/<project_slug>/kommentare/<int:comment_id>/melden", methods=["GET", "POST"])
def report(project_slug: str, comment_id: int):
    """Report someone else's comment to the moderators, once, with a reason."""
    project, comment = load_comment(project_slug, comment_id)
    require(policy.can_report(current_user, project, comment))
    already = services.has_reported(current_user, comment)
    form = ReportForm()
    status = 200
    if not already and form.validate_on_submit():
        try:
            services.report(current_user, project, comment, form.reason.data, form.text.data)
        except services.AlreadyReported:
            already = True
        else:
            db.session.commit()
            flash_at(
                links.comment_anchor(comment.id), _("Danke. Die Moderation sieht sich den Kommentar an.")
            )
            return redirect(links.permalink(project, comment.id))
    elif request.method == "POST":
        status = 409 if already else 400
    view = visible_body(comment, current_user)
    return render_template(
        "discussions/comment_report.html",
        project=project,
        comment=comment,
        view=view,
        form=form,
        already=already,
    ), status
