"""Participation overview pages: /auswertung with charts and tables, and every table as CSV or XLSX.

Everything here is a GET that reads: nothing is written, not even an audit row (the files hold only
aggregate figures, suppressed for planners as on the page).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from participation.analytics import overview_files as files
from participation.analytics.overview_forms import OverviewForm, defaults
from participation.analytics.overview_query import Period, scope_options
from participation.analytics.overview_service import TABLE_KEYS, Overview, build, can_view_overview
from participation.core.downloads import attachment_headers
from participation.core.permissions import policy_required
from participation.surveys.answering.services import today
from participation.surveys.results import charts

bp = Blueprint("analytics_overview", __name__, url_prefix="/auswertung")


def _form() -> OverviewForm:
    """The form from the query string, the last twelve months where a date is not given."""
    values = MultiDict(defaults(today()))
    for key in ("von", "bis", "auswahl"):
        if key in request.args:
            values.setlist(key, request.args.getlist(key))
    form = OverviewForm(formdata=values)
    projects, surveys = scope_options()
    choices = [("", _("Alle Projekte und Umfragen"))]
    choices += [(f"p{i}", _("Projekt: %(title)s", title=t)) for i, t in projects]
    choices += [(f"s{i}", _("Umfrage: %(title)s", title=t)) for i, t in surveys]
    form.auswahl.choices = choices
    return form


def _scope_label(form: OverviewForm) -> str:
    return dict(form.auswahl.choices).get(form.auswahl.data or "", "")  # type: ignore[arg-type]


def _charts(overview: Overview) -> dict[str, object]:
    """The decorative SVGs beside the tables (the figures themselves are in the tables)."""
    weeks = overview.tables["wochen"].rows[:-1]
    result: dict[str, object] = {
        "wochen": charts.column_chart(
            [(row[0], row[1]) for row in weeks],
            _("Diagramm: Antworten pro Woche; die Werte stehen in der Tabelle daneben."),
        )
    }
    channel_rows = overview.tables["kanaele"].rows[:-1]
    result["kanaele"] = charts.bar_chart(
        [(row[0], row[2], files.fmt_cell("count", row[1])) for row in channel_rows],
        _("Diagramm: Antworten nach Kanal; die Werte stehen in der Tabelle daneben."),
        "kanaele",
    )
    district_rows = overview.tables["bezirke"].rows[:-1]
    peak = max((row[1] or 0 for row in district_rows), default=0) or 1
    result["bezirke"] = charts.bar_chart(
        [(row[0], (row[1] or 0) / peak * 100, files.fmt_cell("count", row[1])) for row in district_rows],
        _("Diagramm: Antworten nach Bezirk; die Werte stehen in der Tabelle daneben."),
        "bezirke",
    )
    return result


@bp.route("/")
@policy_required(can_view_overview)
def overview():
    """Participation per week, project and survey, channel and district, new accounts, reply times."""
    form = _form()
    if not form.validate():
        return render_template("analytics/overview.html", form=form, overview=None), 200
    result = build(current_user, form.scope(), form.period())
    return render_template(
        "analytics/overview.html",
        form=form,
        overview=result,
        charts=_charts(result),
        keys=TABLE_KEYS,
        fmt_cell=files.fmt_cell,
    )


@bp.route("/<key>.<fmt>")
@policy_required(can_view_overview)
def download(key: str, fmt: str):
    """One table of the overview as German CSV or XLSX (a read: nothing is recorded)."""
    if key not in TABLE_KEYS or fmt not in ("csv", "xlsx"):
        abort(404)
    form = _form()
    if not form.validate():
        abort(400)
    result = build(current_user, form.scope(), form.period())
    table, label = result.tables[key], _scope_label(form)
    chunks = files.xlsx_file(result, table, label) if fmt == "xlsx" else files.csv_file(result, table, label)
    period: Period = result.period
    name = f"beteiligung-{key}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.{fmt}"
    headers = attachment_headers(name)
    mimetype = files.XLSX_TYPE if fmt == "xlsx" else "text/csv"
    return Response(b"".join(chunks), mimetype=mimetype, headers=headers)
