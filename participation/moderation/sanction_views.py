"""Sanctions on accounts: the account page, mute and unmute (moderators), block (admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts.models import User
from participation.core.confirm import confirmation_page, confirmed
from participation.core.forms import PostOnlyForm
from participation.core.permissions import InvalidState, NotAllowed, policy_required, require
from participation.extensions import db
from participation.moderation import confirmations, policy, queries, sanctions
from participation.moderation.forms import SanctionForm
from participation.moderation.models import ACTION_LABELS
from participation.moderation.views import _load, bp


def _account_page(target: User, mute_form=None, block_form=None, status: int = 200):
    return render_template(
        "moderation/account.html",
        target=target,
        mute_form=mute_form or SanctionForm(formdata=None, prefix="mute"),
        block_form=block_form or SanctionForm(formdata=None, prefix="block"),
        decisions=queries.decisions_about(target.id),
        action_labels=ACTION_LABELS,
    ), status


@bp.route("/konto/<int:user_id>")
@policy_required(policy.can_moderate)
def account(user_id: int):
    """An account's sanctions and decisions, with mute (moderators) and block (admins)."""
    return _account_page(_load(User, user_id))


@bp.route("/konto/<int:user_id>/stummschalten", methods=["POST"])
@policy_required(policy.can_moderate)
def mute(user_id: int):
    """Mute for some days with a reason; the person gets a statement of reasons."""
    target = _load(User, user_id)
    require(policy.can_mute(current_user, target))
    form = SanctionForm(prefix="mute")
    if not form.validate_on_submit():
        return _account_page(target, mute_form=form, status=400)
    sanctions.mute(current_user, target, form.days.data or 0, form.reason_code.data, form.text.data or "")
    db.session.commit()
    flash(_("Das Konto ist stummgeschaltet; die Person wurde mit Begründung benachrichtigt."), "success")
    return redirect(url_for("moderation.account", user_id=user_id))


@bp.route("/konto/<int:user_id>/stummschaltung-aufheben", methods=["POST"])
@policy_required(policy.can_moderate)
def unmute(user_id: int):
    """Lift a mute early."""
    target = _load(User, user_id)
    require(policy.can_mute(current_user, target))
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    try:
        sanctions.unmute(current_user, target)
    except NotAllowed:
        flash(_("Dieses Konto ist nicht stummgeschaltet."), "error")
        return redirect(url_for("moderation.account", user_id=user_id))
    db.session.commit()
    flash(_("Die Stummschaltung ist aufgehoben."), "success")
    return redirect(url_for("moderation.account", user_id=user_id))


@bp.route("/konto/<int:user_id>/sperren", methods=["POST"])
@policy_required(policy.can_moderate)
def block(user_id: int):
    """Block an account (admins only) with reason, end date and statement of reasons."""
    target = _load(User, user_id)
    require(policy.can_block(current_user, target))
    form = SanctionForm(prefix="block")
    if not form.validate_on_submit():
        return _account_page(target, block_form=form, status=400)
    if not target.is_blocked and not confirmed():
        return confirmation_page(
            confirmations.block(target, form.days.data or 0, form.reason_code.data, form.text.data or "")
        )
    try:
        sanctions.block(
            current_user, target, form.days.data or 0, form.reason_code.data, form.text.data or ""
        )
    except InvalidState:
        db.session.rollback()
        flash(
            _("Dieses Konto kann nicht gesperrt werden (bereits gesperrt oder letzte Administration)."),
            "error",
        )
        return redirect(url_for("moderation.account", user_id=user_id))
    db.session.commit()
    flash(_("Das Konto ist gesperrt; die Person wurde mit Begründung benachrichtigt."), "success")
    return redirect(url_for("moderation.account", user_id=user_id))
