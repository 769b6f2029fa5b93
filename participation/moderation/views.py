"""The moderation desk: queue, item page with decisions, appeals (sanctions and log: own modules)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts.models import User
from participation.core.confirm import confirmation_page, confirmed
from participation.core.paging import page_arg
from participation.core.permissions import InvalidState, policy_required, require
from participation.discussions.models import REPORT_REASON_LABELS, Comment
from participation.discussions.visibility import visible_body
from participation.extensions import db
from participation.moderation import appeals, confirmations, policy, queries, reasons, services
from participation.moderation.errors import AlreadyAppealed, DecisionConflict
from participation.moderation.forms import (
    AppealDecisionForm,
    AppealForm,
    DecisionForm,
)
from participation.moderation.models import (
    ACTION_LABELS,
    APPEAL_LABELS,
    Action,
    Appeal,
    Decision,
    ModerationItem,
)
from participation.moderation.queue import allowed_actions, target_of
from participation.projects.models import Project
from participation.wiki.models import WikiRevision

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


def _checked(form) -> tuple[int, bool]:
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


def _refused(error: InvalidState) -> None:
    """Nothing was saved: roll the request back and say why."""
    db.session.rollback()
    flash(error.user_message, "error")


def _load(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


@bp.route("")
@policy_required(policy.can_moderate)
def queue():
    """Everything waiting for a decision, oldest first, filtered by type, reason and project."""
    kind = request.args.get("typ", "")
    reason = request.args.get("grund", "")
    raw_project = request.args.get("vorhaben", "")
    project_id = int(raw_project) if raw_project.isdigit() else None
    show_items = kind != queries.APPEAL_TYPE
    show_appeals = kind in ("", queries.APPEAL_TYPE) and not reason and project_id is None
    pagination, rows = queries.queue_page(kind, reason, project_id, page_arg()) if show_items else (None, [])
    return render_template(
        "moderation/queue.html",
        pagination=pagination,
        rows=rows,
        appeals=queries.open_appeals() if show_appeals else [],
        kind=kind,
        reason=reason,
        project_id=project_id,
        projects=queries.projects_with_items(),
        reason_labels=REPORT_REASON_LABELS,
        action_labels=ACTION_LABELS,
        now=datetime.now(UTC),
        filters={"typ": kind, "grund": reason, "vorhaben": raw_project},
    )


def _item_page(item: ModerationItem, form: DecisionForm | None = None, status: int = 200):
    target = target_of(item)
    actions = allowed_actions(item, target)
    if form is None:
        form = DecisionForm(formdata=None, version=item.version)
    form.set_actions(actions)
    author = db.session.get(User, item.author_id) if item.author_id else None
    context: dict[str, Any] = {
        "item": item,
        "target": target,
        "form": form,
        "actions": actions,
        "author": author,
    }
    if isinstance(target, Comment):
        context["project"] = db.session.get(Project, target.project_id)
        context["view"] = visible_body(target, current_user)
        context["reports"] = queries.reports_for(target.id)
    context["decisions"] = queries.decisions_for(item.id)
    return render_template(
        "moderation/item.html", reason_labels=REPORT_REASON_LABELS, action_labels=ACTION_LABELS, **context
    ), status


@bp.route("/eintrag/<int:item_id>")
@policy_required(policy.can_moderate)
def item(item_id: int):
    """One item: the content (never editable), its reports and history, and the decision form."""
    return _item_page(_load(ModerationItem, item_id))


@bp.route("/eintrag/<int:item_id>/entscheiden", methods=["POST"])
@policy_required(policy.can_moderate)
def decide(item_id: int):
    """Decide; a second moderator acting on the same version gets a clear message and nothing changes."""
    item = _load(ModerationItem, item_id)
    target = target_of(item)
    form = DecisionForm()
    form.set_actions(allowed_actions(item, target))
    version, valid = _checked(form)
    if not valid:
        if item.is_open and version == item.version:
            return _item_page(item, form, 400)
        flash(DecisionConflict().user_message, "error")
        return redirect(url_for("moderation.item", item_id=item.id))
    # Rejecting a wiki change tells its author at once and cannot be taken back: ask first.
    if form.action.data == Action.REJECT.value and isinstance(target, WikiRevision) and not confirmed():
        return confirmation_page(
            confirmations.reject_wiki_change(item.id, target, form.reason_code.data, form.text.data or "")
        )
    try:
        services.decide(current_user, item, version, form.action.data, form.reason_code.data, form.text.data)
    except InvalidState as error:  # DecisionConflict, NotWaiting and its kinds
        _refused(error)
        return redirect(url_for("moderation.item", item_id=item_id))
    db.session.commit()
    flash(_("Die Entscheidung ist gespeichert; Betroffene wurden benachrichtigt."), "success")
    return redirect(url_for("moderation.queue"))


# --- statement of reasons and appeals ----------------------------------------------------------------


@bp.route("/entscheidung/<int:decision_id>", methods=["GET", "POST"])
def appeal(decision_id: int):
    """The statement of reasons for the person concerned, with the one appeal they may file."""
    decision = _load(Decision, decision_id)
    require(policy.can_view_decision(current_user, decision))
    existing = appeals.appeal_of(decision)
    form = AppealForm()
    status = 200
    if request.method == "POST":
        require(policy.can_appeal(current_user, decision))
        if existing is not None:
            flash(AlreadyAppealed().user_message, "error")
            return redirect(url_for("moderation.appeal", decision_id=decision.id))
        if form.validate_on_submit():
            try:
                appeals.file_appeal(current_user, decision, form.text.data or "")
            except AlreadyAppealed as error:
                _refused(error)
                return redirect(url_for("moderation.appeal", decision_id=decision.id))
            db.session.commit()
            flash(
                _("Ihr Einspruch ist eingegangen. Eine andere Person der Moderation entscheidet darüber."),
                "success",
            )
            return redirect(url_for("moderation.appeal", decision_id=decision.id))
        status = 400
    return render_template(
        "moderation/decision.html",
        decision=decision,
        category=reasons.category(decision.reason_code),
        appeal=existing,
        form=form,
        appeal_labels=APPEAL_LABELS,
    ), status


def _appeal_page(appeal_row: Appeal, form=None, status: int = 200):
    decision = db.session.get_one(Decision, appeal_row.decision_id)
    form = form or AppealDecisionForm(formdata=None, version=appeal_row.version)
    return render_template(
        "moderation/appeal_decide.html",
        appeal=appeal_row,
        decision=decision,
        category=reasons.category(decision.reason_code),
        form=form,
        may_decide=policy.can_decide_appeal(current_user, decision),
    ), status


@bp.route("/einspruch/<int:appeal_id>")
@policy_required(policy.can_moderate)
def appeal_review(appeal_id: int):
    """An appeal with the decision it objects to; only another moderator may decide it."""
    return _appeal_page(_load(Appeal, appeal_id))


@bp.route("/einspruch/<int:appeal_id>/entscheiden", methods=["POST"])
@policy_required(policy.can_moderate)
def appeal_decide(appeal_id: int):
    """Uphold or overturn; the author learns the outcome."""
    appeal_row = _load(Appeal, appeal_id)
    decision = db.session.get(Decision, appeal_row.decision_id)
    require(policy.can_decide_appeal(current_user, decision))
    form = AppealDecisionForm()
    version, valid = _checked(form)
    if not valid:
        return _appeal_page(appeal_row, form, 400)
    try:
        appeals.decide_appeal(
            current_user, appeal_row, version, form.outcome.data == "aufheben", form.answer.data or ""
        )
    except InvalidState as error:  # DecisionConflict (decided meanwhile), AnswerRequired
        _refused(error)
        return redirect(url_for("moderation.appeal_review", appeal_id=appeal_id))
    db.session.commit()
    flash(_("Über den Einspruch ist entschieden; die Person wurde benachrichtigt."), "success")
    return redirect(url_for("moderation.queue"))
