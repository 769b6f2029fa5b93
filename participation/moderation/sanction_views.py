"""Sanctions on accounts: the account page; mute, extend and lift (moderators), block (admins).

A sanction that is in force is shown with its end and offers "verlängern" and "aufheben" instead of a
second one; a repeated POST changes nothing and says so. The admin area's block uses the same form
and the same service (handle_block), only its page and return address differ.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts.models import User
from participation.core.confirm import confirmation_page, confirmed
from participation.core.forms import PostOnlyForm
from participation.core.i18n import format_when
from participation.core.permissions import InvalidState, policy_required, require
from participation.extensions import db
from participation.moderation import confirmations, policy, queries, sanctions
from participation.moderation.models import ACTION_LABELS, Action
from participation.moderation.sanction_forms import SanctionForm

# bp only: the loading helper's home is moving (views.py -> blueprint.py), so this module has its own.
from participation.moderation.views import bp


def _load(model, object_id: int):
    """The row or a 404."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def sanction_forms(target: User, mute_form=None, block_form=None) -> dict[str, SanctionForm]:
    """Empty forms for the account's page; a running sanction's form carries its end (extension)."""
    forms = {
        "mute_form": mute_form or SanctionForm(formdata=None, prefix="mute"),
        "block_form": block_form or SanctionForm(formdata=None, prefix="block"),
    }
    if mute_form is None and target.is_muted and target.muted_until:
        forms["mute_form"].seen_end.data = target.muted_until.isoformat()
    if block_form is None and target.is_blocked and target.blocked_until:
        forms["block_form"].seen_end.data = target.blocked_until.isoformat()
    return forms


def _account_page(target: User, mute_form=None, block_form=None, status: int = 200):
    return render_template(
        "moderation/account.html",
        target=target,
        decisions=queries.decisions_about(target.id),
        action_labels=ACTION_LABELS,
        **sanction_forms(target, mute_form, block_form),
    ), status


@bp.route("/konto/<int:user_id>")
@policy_required(policy.can_moderate)
def account(user_id: int):
    """An account's sanctions (state, end, extend, lift) and decisions; mute and block by role."""
    return _account_page(_load(User, user_id))


def _apply(action: Action, target: User, form: SanctionForm) -> str:
    """Start or extend the sanction; the message for the person acting (nothing changed: says so)."""
    days, code, text = form.days.data or 0, form.reason_code.data or "", form.text.data or ""
    try:
        if form.seen_end.data:
            decision = sanctions.extend(current_user, target, action, form.seen_end.data, days, code, text)
        elif action is Action.MUTE:
            decision = sanctions.mute(current_user, target, days, code, text)
        else:
            decision = sanctions.block(current_user, target, days, code, text)
    except sanctions.AlreadyInForce:
        db.session.rollback()
        end = target.muted_until if action is Action.MUTE else target.blocked_until
        flash(_("Das gilt bereits (bis %(date)s). Es wurde nichts geändert.", date=format_when(end)), "info")
        return ""
    except sanctions.NotInForce:
        db.session.rollback()
        flash(
            _("Der Stand hat sich inzwischen geändert. Es wurde nichts geändert; bitte prüfen Sie ihn."),
            "info",
        )
        return ""
    db.session.commit()
    until = format_when(decision.ends_at)
    if form.seen_end.data:
        return _("Verlängert bis %(date)s; die Person wurde mit Begründung benachrichtigt.", date=until)
    if action is Action.MUTE:
        return _(
            "Das Konto ist bis %(date)s stummgeschaltet; die Person wurde mit Begründung benachrichtigt.",
            date=until,
        )
    return _(
        "Das Konto ist bis %(date)s gesperrt; die Person wurde mit Begründung benachrichtigt.", date=until
    )


@bp.route("/konto/<int:user_id>/stummschalten", methods=["POST"])
@policy_required(policy.can_moderate)
def mute(user_id: int):
    """Mute for some days, or extend a running mute; a repeated request changes nothing."""
    target = _load(User, user_id)
    require(policy.can_mute(current_user, target))
    form = SanctionForm(prefix="mute")
    if not form.validate_on_submit():
        return _account_page(target, mute_form=form, status=400)
    message = _apply(Action.MUTE, target, form)
    if message:
        flash(message, "success")
    return redirect(url_for("moderation.account", user_id=user_id))


@bp.route("/konto/<int:user_id>/stummschaltung-aufheben", methods=["POST"])
@policy_required(policy.can_moderate)
def unmute(user_id: int):
    """Lift a mute early; lifting one that no longer runs changes nothing and says so."""
    target = _load(User, user_id)
    require(policy.can_mute(current_user, target))
    if not PostOnlyForm().validate_on_submit():
        flash(_("Die Sitzung ist abgelaufen. Bitte versuchen Sie es noch einmal."), "error")
        return redirect(url_for("moderation.account", user_id=user_id))
    try:
        sanctions.unmute(current_user, target)
    except sanctions.NotInForce:
        db.session.rollback()
        flash(_("Dieses Konto ist nicht stummgeschaltet. Es wurde nichts geändert."), "info")
        return redirect(url_for("moderation.account", user_id=user_id))
    db.session.commit()
    flash(_("Die Stummschaltung ist aufgehoben."), "success")
    return redirect(url_for("moderation.account", user_id=user_id))


def handle_block(target: User, form: SanctionForm, back: str) -> ResponseReturnValue | None:
    """Block or extend after a valid form (asking first for a new block); None when the form is invalid."""
    if not form.validate_on_submit():
        return None
    if not form.seen_end.data and not target.is_blocked and not confirmed():
        days, code, text = form.days.data or 0, form.reason_code.data or "", form.text.data or ""
        return confirmation_page(confirmations.block(target, days, code, text))
    try:
        message = _apply(Action.BLOCK, target, form)
    except InvalidState:
        db.session.rollback()
        flash(_("Dieses Konto kann nicht gesperrt werden (letzte Administration)."), "error")
        return redirect(back)
    if message:
        flash(message, "success")
    return redirect(back)


@bp.route("/konto/<int:user_id>/sperren", methods=["POST"])
@policy_required(policy.can_moderate)
def block(user_id: int):
    """Block an account or extend a running block (admins only), with statement of reasons."""
    target = _load(User, user_id)
    require(policy.can_block(current_user, target))
    form = SanctionForm(prefix="block")
    response = handle_block(target, form, url_for("moderation.account", user_id=user_id))
    return response or _account_page(target, block_form=form, status=400)


@bp.route("/konto/<int:user_id>/sperre-aufheben", methods=["POST"])
@policy_required(policy.can_moderate)
def unblock(user_id: int):
    """Lift a block early (admins only); lifting one that no longer runs changes nothing and says so."""
    target = _load(User, user_id)
    require(policy.can_block(current_user, target))
    if PostOnlyForm().validate_on_submit():
        lift_block(target)
    return redirect(url_for("moderation.account", user_id=user_id))


def lift_block(target: User) -> None:
    """Lift the block and say what happened (shared with the admin area)."""
    try:
        sanctions.unblock(current_user, target)
    except sanctions.NotInForce:
        db.session.rollback()
        flash(_("Dieses Konto ist nicht gesperrt. Es wurde nichts geändert."), "info")
        return
    db.session.commit()
    flash(_("Die Sperre wurde aufgehoben."), "success")
