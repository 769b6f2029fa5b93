"""The survey report: a print view and the same report as an A4 PDF ("Bericht als PDF").

Both are reads (GET, no audit entry), like the results page: they show the planner's figures and, when
the planner asks for them, only the free texts already released for publication ("Freitexte mit
veröffentlichen"), never a single response or anything the results page would not show. The raw-data
exports, which do hand out single responses, stay POSTs on record.
"""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.downloads import attachment_headers
from participation.core.permissions import require
from participation.surveys.exports.naming import export_filename
from participation.surveys.policy import can_export_results
from participation.surveys.results import charts, pdf
from participation.surveys.results import report as reports
from participation.surveys.results.filters import read_filter
from participation.surveys.results.views import fmt_day, helpers, threshold
from participation.surveys.views import bp, load_survey
from participation.surveys.weighting.service import survey_weights

# The results filter's query arguments, carried from the results page into the report and its PDF.
FILTER_ARGS = ("antwort", "kanal", "von", "bis")


def _build(survey_id: int) -> reports.Report:
    """Load, authorize (the survey's planners and admins) and compute the report."""
    survey = load_survey(survey_id)
    require(can_export_results(current_user, survey))
    flt = read_filter(survey, True)
    return reports.build(
        survey,
        flt,
        threshold=threshold(),
        include_texts=request.args.get("texte") == "1",
        weights=survey_weights(survey),
    )


def _bucket_label(bucket: reports.TimeBucket) -> str:
    """A day ("06.11.2026") or an ISO week ("KW 45/2026")."""
    if bucket.week is None:
        return fmt_day(bucket.first)
    return _("KW %(week)s/%(year)s", week=bucket.week, year=bucket.first.isocalendar().year)


def _ranked(result) -> list:
    """The options by mean rank, best first; options nobody ranked last."""
    return sorted(result.ranks, key=lambda rank: (rank.mean_rank is None, rank.mean_rank or 0))


def _rank_chart(result, fmt_count, fmt_pct):
    """A ranking as bars of first places (share of those who answered); the table beside it has the means."""
    answered = result.answered or 0
    items = []
    for rank in _ranked(result):
        share = rank.first / answered * 100 if rank.first is not None and answered else None
        if rank.weighted_first_pct is not None:  # weighting on: the bar is the weighted share
            text = f"{fmt_pct(rank.weighted_first_pct)} ({fmt_count(rank.first)})"
            items.append((rank.label, rank.weighted_first_pct, text))
            continue
        items.append((rank.label, share, f"{fmt_count(rank.first)} ({fmt_pct(share)})"))
    label = _(
        "Diagramm: Platz 1 je Antwort zu %(label)s; die Werte stehen in der Tabelle daneben.",
        label=result.question.code,
    )
    return charts.bar_chart(items, label, f"rank{result.question.id}")


def _context(report: reports.Report) -> dict:
    """What both report templates render."""
    label = _("Diagramm: Antworten pro Woche") if report.weekly else _("Diagramm: Antworten pro Tag")
    shown = helpers(report.results)
    return {
        "report": report,
        "survey": report.survey,
        "results": report.results,
        "flt": report.flt,
        "staff": True,
        "today": report.today,
        "bucket_label": _bucket_label,
        "timeline": reports.timeline_chart([(_bucket_label(b), b.count) for b in report.timeline], label),
        "filter_args": {k: request.args[k] for k in FILTER_ARGS if request.args.get(k)},
        "ranked": _ranked,
        "rank_chart": lambda result: _rank_chart(result, shown["fmt_count"], shown["fmt_pct"]),
        **shown,
    }


@bp.route("/verwaltung/<int:survey_id>/bericht")
def results_report(survey_id: int):
    """The report as a printable page, with the choice of free texts and the PDF download."""
    report = _build(survey_id)
    return render_template("surveys/results/results_report.html", **_context(report))


@bp.route("/verwaltung/<int:survey_id>/bericht.pdf")
def results_report_pdf(survey_id: int):
    """The same report as a tagged A4 PDF with page numbers and the title in the footer."""
    report = _build(survey_id)
    document = pdf.render(render_template("surveys/results/results_report_pdf.html", **_context(report)))
    survey = report.survey
    name = export_filename(survey.title, survey.id, report.today, "bericht", "pdf")
    return Response(document, mimetype="application/pdf", headers=attachment_headers(name))
