"""The moderation desk, part two: the moderation log (page and CSV), public transparency figures, settings."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.audit import record
from participation.core.paging import page_arg
from participation.core.permissions import policy_required
from participation.core.settings import PREMODERATION_FIRST_N, set_setting
from participation.extensions import db
from participation.moderation import audit_log, policy, reasons
from participation.moderation.audit_log import AuditFilterForm
from participation.moderation.log_lines import describe
from participation.moderation.models import ACTION_LABELS, APPEAL_LABELS, Action
from participation.moderation.settings_forms import RULE_HINT, CategoryForm, ThresholdsForm
from participation.moderation.transparency import monthly_figures
from participation.moderation.views import bp


def _log_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    form.fill_choices(audit_log.moderation_codes())
    return form


@bp.route("/protokoll")
@policy_required(policy.can_moderate)
def log():
    """The moderation part of the append-only audit log in words, filtered (read only)."""
    form = _log_form()
    query = audit_log.filtered_query(form, audit_log.moderation_codes())
    pagination = db.paginate(query, page=page_arg(), per_page=50, error_out=False)
    lines = describe(pagination.items, "moderation.account")
    return render_template(
        "moderation/log.html", form=form, pagination=pagination, lines=lines, args=audit_log.filter_args(form)
    )


# A POST: the download itself goes on record (moderation.log_exported), and reads never write.
@bp.route("/protokoll.csv", methods=["POST"])
@policy_required(policy.can_moderate)
def log_csv():
    """The filtered moderation log as CSV (at most 10,000 rows; the filter stays in the query string)."""
    form = _log_form()
    query = audit_log.filtered_query(form, audit_log.moderation_codes())
    text = audit_log.csv_text(
        describe(db.session.scalars(query.limit(audit_log.CSV_LIMIT)), "moderation.account")
    )
    record(current_user, "moderation.log_exported", None, **audit_log.filter_details(form))
    db.session.commit()
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=moderationsprotokoll.csv"},
    )


@bp.route("/transparenz")
def transparency():
    """Public figures per month: reports, decisions by reason, appeals and outcomes, median time."""
    return render_template(
        "moderation/transparency.html",
        months=monthly_figures(),
        # Retired categories too: past months keep the names their decisions were given.
        categories={c.code: c.label for c in reasons.all_categories()},
        action_labels={a.value: label for a, label in ACTION_LABELS.items()},
        appeal_labels={s.value: label for s, label in APPEAL_LABELS.items()},
        action_order=[a.value for a in Action],
    )


def _settings_page(thresholds=None, row_forms=None, new_form=None, status: int = 200):
    rows = reasons.all_categories()
    forms = {
        c.code: CategoryForm(formdata=None, prefix=f"grund-{c.code}", data={"label": c.label, "rule": c.rule})
        for c in rows
    }
    forms.update(row_forms or {})
    thresholds = thresholds or ThresholdsForm(
        formdata=None, data={"threshold": reasons.threshold(), "first_n": reasons.first_n()}
    )
    return render_template(
        "moderation/settings.html",
        form=thresholds,
        rows=rows,
        row_forms=forms,
        new_form=new_form or CategoryForm(formdata=None, prefix="neu"),
        rule_hint=RULE_HINT,
    ), status


@bp.route("/einstellungen", methods=["GET", "POST"])
@policy_required(policy.can_change_settings)
def settings():
    """Admins set K (auto-hide) and N (pre-moderation of new accounts), each explained by its effect."""
    if request.method == "GET":
        return _settings_page()
    form = ThresholdsForm()
    if not form.validate_on_submit():
        return _settings_page(thresholds=form, status=400)
    changed = {
        name: value
        for name, value, old in (
            ("threshold", form.threshold.data, reasons.threshold()),
            ("first_n", form.first_n.data, reasons.first_n()),
        )
        if value != old
    }
    if changed:
        set_setting(current_user, reasons.AUTOHIDE_THRESHOLD, str(form.threshold.data))
        set_setting(current_user, PREMODERATION_FIRST_N, str(form.first_n.data))
        record(current_user, "moderation.settings_changed", None, **changed)
        db.session.commit()
    flash(_("Die Einstellungen sind gespeichert.") if changed else _("Nichts geändert."), "success")
    return redirect(url_for("moderation.settings"))


@bp.route("/einstellungen/gruende", methods=["POST"])
@policy_required(policy.can_change_settings)
def category_add():
    """Add a reason category (label and Netiquette rule); its code is made from the label once."""
    form = CategoryForm(prefix="neu")
    if not form.validate_on_submit():
        return _settings_page(new_form=form, status=400)
    reasons.add_category(current_user, form.label.data or "", form.rule.data or "")
    db.session.commit()
    flash(_("Der Grund „%(label)s“ ist angelegt.", label=form.label.data), "success")
    return redirect(url_for("moderation.settings", _anchor="gruende"))


@bp.route("/einstellungen/gruende/<code>", methods=["POST"])
@policy_required(policy.can_change_settings)
def category_change(code: str):
    """Rename a category, retire it (kept on past decisions) or bring it back."""
    row = next((c for c in reasons.all_categories() if c.code == code), None)
    if row is None:
        abort(404)
    form = CategoryForm(prefix=f"grund-{code}")
    action = request.form.get("aktion", "speichern")
    if action in ("stilllegen", "aufnehmen"):
        # The row's own form sent the button: its (prefixed) CSRF token is the one to check.
        if not form.is_submitted() or not form.csrf_token.validate(form):
            abort(400)
        try:
            reasons.retire_category(current_user, code, retired=action == "stilllegen")
        except reasons.LastCategory:
            flash(_("Der letzte wählbare Grund kann nicht stillgelegt werden."), "error")
            return redirect(url_for("moderation.settings", _anchor="gruende"))
        db.session.commit()
        flash(_("Der Grund „%(label)s“ ist geändert.", label=row.label), "success")
        return redirect(url_for("moderation.settings", _anchor="gruende"))
    if not form.validate_on_submit():
        return _settings_page(row_forms={code: form}, status=400)
    if (form.label.data, form.rule.data) != (row.label, row.rule):
        reasons.change_category(current_user, code, form.label.data or "", form.rule.data or "")
        db.session.commit()
    flash(_("Der Grund „%(label)s“ ist geändert.", label=form.label.data), "success")
    return redirect(url_for("moderation.settings", _anchor="gruende"))
