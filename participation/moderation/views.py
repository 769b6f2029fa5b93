"""The moderation desk: statements of reasons and appeals (queue and decisions: queue_views.py;
sanctions and log: their own modules). Every view module registers on blueprint.bp."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.permissions import InvalidState, policy_required, require
from participation.extensions import db
from participation.moderation import (
    appeals,
    policy,
    queue_views,  # noqa: F401  (its routes register on bp)
    reasons,
)
from participation.moderation.blueprint import bp, checked, load, refused
from participation.moderation.errors import AlreadyAppealed
from participation.moderation.forms import AppealDecisionForm, AppealForm
from participation.moderation.models import APPEAL_LABELS, Appeal, Decision

__all__ = ["bp"]

# sanction_views.py (and log_views.py) import these from here.
_load = load


# --- statement of reasons and appeals ----------------------------------------------------------------


@bp.route("/entscheidung/<int:decision_id>", methods=["GET", "POST"])
def appeal(decision_id: int):
    """The statement of reasons for the person concerned, with the one appeal they may file."""
    decision = load(Decision, decision_id)
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
                refused(error)
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
    return _appeal_page(load(Appeal, appeal_id))


@bp.route("/einspruch/<int:appeal_id>/entscheiden", methods=["POST"])
@policy_required(policy.can_moderate)
def appeal_decide(appeal_id: int):
    """Uphold or overturn; the author learns the outcome."""
    appeal_row = load(Appeal, appeal_id)
    decision = db.session.get(Decision, appeal_row.decision_id)
    require(policy.can_decide_appeal(current_user, decision))
    form = AppealDecisionForm()
    version, valid = checked(form)
    if not valid:
        return _appeal_page(appeal_row, form, 400)
    try:
        appeals.decide_appeal(
            current_user, appeal_row, version, form.outcome.data == "aufheben", form.answer.data or ""
        )
    except InvalidState as error:  # DecisionConflict (decided meanwhile), AnswerRequired
        refused(error)
        return redirect(url_for("moderation.appeal_review", appeal_id=appeal_id))
    db.session.commit()
    flash(_("Über den Einspruch ist entschieden; die Person wurde benachrichtigt."), "success")
    return redirect(url_for("moderation.queue"))
