"""The moderation desk, part two: the moderation log (page and CSV), public transparency figures, settings."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts.services import people_in_audit
from participation.core.audit import record
from participation.core.paging import page_arg
from participation.core.permissions import policy_required
from participation.core.settings import PREMODERATION_FIRST_N, set_setting
from participation.extensions import db
from participation.moderation import policy, queries, reasons
from participation.moderation.forms import LogFilterForm, SettingsForm
from participation.moderation.models import ACTION_LABELS, APPEAL_LABELS, Action
from participation.moderation.transparency import monthly_figures
from participation.moderation.views import bp


def _log_query():
    form = LogFilterForm(request.args)
    form.validate()

    def day(value, extra=0):
        if not value or form[value].errors or form[value].data is None:
            return None
        return datetime.combine(form[value].data, time(), tzinfo=UTC) + timedelta(days=extra)

    actor = form.actor.data if not form.actor.errors else None
    action = (form.action.data or "").strip() if not form.action.errors else ""
    return form, queries.log_query(action, actor, day("since"), day("until", 1))


@bp.route("/protokoll")
@policy_required(policy.can_moderate)
def log():
    """The moderation part of the append-only audit log, filtered (read only)."""
    form, query = _log_query()
    pagination = db.paginate(query, page=page_arg(), per_page=50, error_out=False)
    people = people_in_audit(pagination.items)
    args = {k: v for k, v in request.args.items() if k != "seite"}
    return render_template("moderation/log.html", form=form, pagination=pagination, people=people, args=args)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a leading = + - @ would be executed by Excel/LibreOffice.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# A POST: the download itself goes on record (moderation.log_exported), and reads never write.
@bp.route("/protokoll.csv", methods=["POST"])
@policy_required(policy.can_moderate)
def log_csv():
    """The filtered moderation log as CSV (at most 10,000 rows; the filter stays in the query string)."""
    _form, query = _log_query()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            "id",
            "zeitpunkt_utc",
            "person_id",
            "aktion",
            "ziel_typ",
            "ziel_id",
            "ziel",
            "begruendung",
            "details",
        ]
    )
    for entry in db.session.scalars(query.limit(10_000)):
        writer.writerow(
            [
                _cell(v)
                for v in (
                    entry.id,
                    entry.created_at.isoformat(),
                    entry.actor_id,
                    entry.action,
                    entry.target_type,
                    entry.target_id,
                    entry.target_label,
                    entry.reason,
                    entry.details,
                )
            ]
        )
    record(current_user, "moderation.log_exported", None, rows_filter=dict(request.args))
    db.session.commit()
    return Response(
        "\ufeff" + buffer.getvalue(),
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
