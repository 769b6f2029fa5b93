"""The moderation desk, part two: the moderation log (page and CSV), public transparency figures, settings."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.audit import record
from participation.core.paging import page_arg
from participation.core.permissions import policy_required
from participation.core.settings import PREMODERATION_FIRST_N, set_setting
from participation.extensions import db
from participation.moderation import audit_log, policy, reasons
from participation.moderation.audit_log import AuditFilterForm
from participation.moderation.forms import SettingsForm
from participation.moderation.log_lines import describe
from participation.moderation.models import ACTION_LABELS, APPEAL_LABELS, Action
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
        categories={c.code: c.label for c in reasons.categories()},
        action_labels={a.value: label for a, label in ACTION_LABELS.items()},
        appeal_labels={s.value: label for s, label in APPEAL_LABELS.items()},
        action_order=[a.value for a in Action],
    )


@bp.route("/einstellungen", methods=["GET", "POST"])
@policy_required(policy.can_change_settings)
def settings():
    """Admins set K (auto-hide), N (pre-moderation of new accounts) and the reason categories."""
    form = SettingsForm(
        data=None
        if request.method == "POST"
        else {
            "threshold": reasons.threshold(),
            "first_n": reasons.first_n(),
            "categories": reasons.categories_text(),
        }
    )
    if form.validate_on_submit():
        set_setting(current_user, reasons.AUTOHIDE_THRESHOLD, str(form.threshold.data))
        set_setting(current_user, PREMODERATION_FIRST_N, str(form.first_n.data))
        set_setting(current_user, reasons.REASON_CATEGORIES, form.categories.data)
        record(
            current_user,
            "moderation.settings_changed",
            None,
            threshold=form.threshold.data,
            first_n=form.first_n.data,
            categories=[c.code for c in reasons.parse_categories(form.categories.data)],
        )
        db.session.commit()
        flash(_("Die Einstellungen sind gespeichert."), "success")
        return redirect(url_for("moderation.settings"))
    return render_template("moderation/settings.html", form=form), 400 if form.errors else 200
