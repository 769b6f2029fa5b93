"""Reviewing pending wiki changes: the list (oldest first), the diff page, approve and reject."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.confirm import Confirmation, confirmation_page, confirmed
from participation.core.paging import page_arg
from participation.core.permissions import policy_required
from participation.extensions import db
from participation.wiki import policy, queries, services
from participation.wiki.diff import render_diff
from participation.wiki.forms import DecisionForm, RejectForm
from participation.wiki.models import WikiRevision
from participation.wiki.render import render_page_body
from participation.wiki.views import bp


def _load(revision_id: int) -> WikiRevision:
    revision = db.session.get(WikiRevision, revision_id)
    if revision is None:
        abort(404)
    return revision


@bp.route("/pruefung")
@policy_required(policy.can_review_wiki)
def review_list():
    """Changes waiting for review, oldest first."""
    pagination = queries.pending_queue(page_arg())
    return render_template("wiki/review_list.html", pagination=pagination)


def _render_review(revision: WikiRevision, reject_form: RejectForm | None = None, status: int = 200):
    page = revision.page
    current = page.approved_revision
    return render_template(
        "wiki/review_detail.html",
        revision=revision,
        page=page,
        current=current,
        based_on_current=revision.base_revision_id == page.approved_revision_id,
        diff=render_diff(current.body if current else "", revision.body),
        title_diff=render_diff(current.title if current else "", revision.title),
        rendered=render_page_body(revision.body),
        approve_form=DecisionForm(version=revision.version),
        reject_form=reject_form or RejectForm(version=revision.version),
    ), status


@bp.route("/pruefung/<int:revision_id>")
@policy_required(policy.can_review_wiki)
def review(revision_id: int):
    """The proposal as a diff against the approved text, with approve and reject."""
    return _render_review(_load(revision_id))


def _already_decided() -> None:
    flash(
        _(
            "Diese Änderung wurde inzwischen bereits entschieden oder die Seite wurde geändert. "
            "Ihre Entscheidung wurde nicht gespeichert; es hat sich nichts verändert."
        ),
        "error",
    )


@bp.route("/pruefung/<int:revision_id>/freigeben", methods=["POST"])
@policy_required(policy.can_review_wiki)
def approve(revision_id: int):
    """Publish the proposal; a second, concurrent decision changes nothing and says so."""
    revision = _load(revision_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.approve(current_user, revision, form.version.data or 0)
    except services.DecisionConflict:
        db.session.rollback()
        _already_decided()
        return redirect(url_for("wiki.review", revision_id=revision_id))
    except services.TitleTaken:
        db.session.rollback()
        flash(
            _(
                "Eine andere Seite trägt bereits diesen Titel. "
                "Bitte lehnen Sie die Änderung mit einem Hinweis ab."
            ),
            "error",
        )
        return redirect(url_for("wiki.review", revision_id=revision_id))
    db.session.commit()
    flash(_("Die Änderung ist freigegeben und für alle sichtbar."), "success")
    return redirect(url_for("wiki.review_list"))


@bp.route("/pruefung/<int:revision_id>/ablehnen", methods=["POST"])
@policy_required(policy.can_review_wiki)
def reject(revision_id: int):
    """Refuse the proposal with a reason (shown and mailed to the author)."""
    revision = _load(revision_id)
    form = RejectForm()
    if not form.validate_on_submit():
        if form.version.errors or form.csrf_token.errors:
            abort(400)
        return _render_review(revision, form, 400)
    if revision.is_pending and not confirmed():
        return confirmation_page(_reject_confirmation(revision, form.reason.data or ""))
    try:
        services.reject(current_user, revision, form.version.data or 0, form.reason.data or "")
    except services.DecisionConflict:
        db.session.rollback()
        _already_decided()
        return redirect(url_for("wiki.review", revision_id=revision_id))
    db.session.commit()
    flash(_("Die Änderung wurde abgelehnt; die Autorin oder der Autor wurde benachrichtigt."), "success")
    return redirect(url_for("wiki.review_list"))


def _reject_confirmation(revision: WikiRevision, reason: str) -> Confirmation:
    """What rejecting does: the change is not published and the author is told the reasons."""
    return Confirmation(
        title=_("Änderung „%(title)s“ ablehnen?", title=revision.title),
        details=[(_("Begründung für die Ablehnung"), reason)],
        happens=[
            _("Die Änderung wird nicht veröffentlicht; die geprüfte Fassung der Seite bleibt, wie sie ist."),
            _(
                "Die Autorin oder der Autor erhält sofort eine Nachricht mit Ihrer Begründung. "
                "Die Entscheidung wird protokolliert."
            ),
        ],
        final=_(
            "Eine abgelehnte Änderung lässt sich nicht wieder zur Prüfung stellen, und die Nachricht ist "
            "verschickt. Die Autorin oder der Autor kann aber eine neue Änderung vorschlagen."
        ),
        button=_("Ja, Änderung ablehnen"),
        cancel_url=url_for("wiki.review", revision_id=revision.id),
    )
