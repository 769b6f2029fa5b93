"""The printable report of a survey's results (print view; the PDF report builds on the same figures)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from participation.core.permissions import require
from participation.surveys import services
from participation.surveys.policy import can_export_results
from participation.surveys.results.filters import read_filter
from participation.surveys.results.views import helpers, threshold
from participation.surveys.views import bp, load_survey


@bp.route("/verwaltung/<int:survey_id>/bericht")
def results_report(survey_id: int):
    """A printable report with every chart and table, for "print to PDF".

    It shows what the results page shows (figures, no free texts, no single responses), so like
    that page it is a read and leaves no audit entry; the raw-data exports are POSTs on record.
    """
    survey = load_survey(survey_id)
    require(can_export_results(current_user, survey))
    flt = read_filter(survey, True)
    results = services.compute(survey, flt, threshold=threshold(), with_texts=False)
    return render_template(
        "surveys/results/results_report.html",
        survey=survey,
        results=results,
        staff=True,
        flt=flt,
        today=services.today(),
        **helpers(results),
    )
