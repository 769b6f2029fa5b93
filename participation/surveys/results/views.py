"""Results pages: the full results for the survey's planners, suppressed public results once published.

The public results are fixed tables (no filter, no cross-table), so no two of them can be set side by
side to work out a group that each protects on its own.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, flash, make_response, render_template, request
from flask_babel import format_decimal, pgettext
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.downloads import attachment_headers
from participation.core.i18n import format_day
from participation.core.paging import page_arg
from participation.core.permissions import require
from participation.surveys import policy, services
from participation.surveys.answering.batches import waiting_count
from participation.surveys.exports import crosstab_files
from participation.surveys.exports.naming import export_filename
from participation.surveys.models import CHANNEL_LABELS
from participation.surveys.policy import can_view_all_results, can_view_public_results
from participation.surveys.results import categories as results_categories
from participation.surveys.results import charts, numbering
from participation.surveys.results.crosstab import PERCENTAGES
from participation.surveys.results.filters import filter_key, read_filter
from participation.surveys.results.queries import respondents, text_answers, text_count
from participation.surveys.results.sql import is_conditional, response_conditions
from participation.surveys.views import bp, load_survey
from participation.surveys.weighting.contract import SurveyWeights
from participation.surveys.weighting.service import representativeness, survey_weights


def threshold() -> int:
    """Smallest group shown in public results (SURVEY_RESULTS_MIN_CELL, default 5)."""
    return int(current_app.config.get("SURVEY_RESULTS_MIN_CELL", 5))


# --- formatting (German by default, the current locale otherwise) ------------------------------------


def fmt_num(value, digits: int = 2) -> str:
    """A number in the request's locale, rounded; a dash when there is none."""
    if value is None:
        return "–"
    return format_decimal(round(value, digits), format="#,##0." + "#" * digits if digits else "#,##0")


def fmt_pct(value) -> str:
    """A share with one decimal and a percent sign; a dash when there is none."""
    return "–" if value is None else format_decimal(round(value, 1), format="#,##0.0") + " %"


def fmt_day(value: date | None) -> str:
    """A day in the reader's language ("06.11.2026" / "6 Nov 2026"); a dash when there is none."""
    return format_day(value) if value else "–"


def helpers(results) -> dict:
    """Formatters and chart builders for the results templates."""

    def fmt_count(value) -> str:
        # None: suppressed in public results (small, or a count a small one could be worked out from).
        return (
            pgettext("suppressed count", "geschützt")
            if value is None
            else format_decimal(value, format="#,##0")
        )

    def cells_chart(cells, label, uid):
        if results.weights is not None:  # the bars show the weighted shares; the chart's label says so
            label = _("%(label)s Anteile gewichtet.", label=label)
            items = [
                (c.label, c.weighted_pct, f"{fmt_pct(c.weighted_pct)} ({fmt_count(c.count)})") for c in cells
            ]
            return charts.bar_chart(items, label, uid)
        items = [(c.label, c.pct, f"{fmt_count(c.count)} ({fmt_pct(c.pct)})") for c in cells]
        return charts.bar_chart(items, label, uid)

    def fmt_weighted(value) -> str:
        # A sum of weights: one decimal, so nobody reads it as a count of people.
        return "–" if value is None else format_decimal(round(value, 1), format="#,##0.0")

    def day_chart(days):
        return charts.column_chart([(fmt_day(d), n) for d, n in days], _("Diagramm: Antworten pro Tag"))

    return {
        "fmt_num": fmt_num,
        "fmt_pct": fmt_pct,
        "fmt_day": fmt_day,
        "fmt_count": fmt_count,
        "fmt_weighted": fmt_weighted,
        "fmt_p": fmt_p,
        "question_label": numbering.label,
        "cells_chart": cells_chart,
        "day_chart": day_chart,
    }


def fmt_p(value: float) -> str:
    """A p-value as a council paper states it: "< 0,001" or "0,042" (three decimals)."""
    if value < 0.001:
        return "< " + format_decimal(0.001, format="0.000")
    return format_decimal(value, format="0.000")


def panel_weights(panel) -> SurveyWeights | None:
    """The weights the results are shown with: the panel's, when the planner switched weighting on."""
    if panel is None or not panel.settings.enabled:
        return None
    return panel.weights


def _int_arg(name: str) -> int | None:
    """A whole number from the query string, or None."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def load_results_survey(survey_id: int):
    """The survey and whether the current user sees everything (staff) or the public results.

    Results not (yet) public: a page that says so (403), for visitors too, instead of a login form.
    """
    survey = load_survey(survey_id)
    if not policy.can_view_survey(current_user, survey):
        abort(404)
    staff = can_view_all_results(current_user, survey)
    if not (staff or can_view_public_results(current_user, survey)):
        page = render_template("surveys/results/results_unpublished.html", survey=survey)
        abort(make_response(page, 403))
    return survey, staff


def _cross_args(staff: bool) -> tuple[tuple[int, int] | None, str]:
    """The cross-table's questions (?zeilen=&spalten=) and its shares (?prozent=): staff only.

    The public gets none: a row total beside the question's own count would give away the few who
    skipped the other question (107 chose "Rad", 103 in the cross-table: 4 did not answer).
    """
    if not staff:
        return None, ""
    rows, columns = _int_arg("zeilen"), _int_arg("spalten")
    percent = request.args.get("prozent", "")
    return ((rows, columns) if rows and columns else None), percent if percent in PERCENTAGES else ""


@bp.route("/<int:survey_id>/ergebnisse")
def results_page(survey_id: int):
    """Results: counts, shares, statistics, charts with data tables; filter and cross-table for staff."""
    survey, staff = load_results_survey(survey_id)
    flt = read_filter(survey, staff)
    pair, percent = _cross_args(staff)
    public_texts = not staff and policy.can_read_public_texts(current_user, survey)
    # Weighting is for the planners: public results are protected counts of real respondents.
    panel = representativeness(survey) if staff else None
    results = services.compute(
        survey,
        flt,
        public=not staff,
        threshold=threshold(),
        cross=pair,
        public_texts=public_texts,
        weights=panel_weights(panel),
    )
    categorical = [  # the filter's and cross-table's choices: staff only
        (q, results_categories.categories(q))
        for q in survey.ordered_questions()
        if staff and q.qtype in results_categories.CATEGORICAL
    ]
    return render_template(
        "surveys/results/results_page.html",
        survey=survey,
        results=results,
        staff=staff,
        flt=flt,
        selected=filter_key(flt),
        public_texts=public_texts,
        cross=pair or (None, None),
        percent=percent,
        # The page's own query for the download links ("format" is the download's own choice).
        cross_args={k: v for k, v in request.args.items() if k != "format"},
        numbers=numbering.numbers(survey),
        categorical=categorical,
        channel_labels=CHANNEL_LABELS,
        # Anonymous responses reach the figures in batches (answering/batches.py): say what is not in yet.
        waiting=waiting_count(survey) if staff else 0,
        weighting_panel=panel,
        **helpers(results),
    )


def _texts_protected(survey, question) -> bool:
    """Public texts: hidden when few answered, or few of those shown the question did not (counts show)."""
    answered = text_count(survey, question)
    conditional = [question] if is_conditional(question) else []
    people = respondents(response_conditions(survey.id, None), conditional, [])
    left_empty = people.shown.get(question.id, people.total) - answered
    return answered < threshold() or 0 < left_empty < threshold()


@bp.route("/<int:survey_id>/ergebnisse/texte/<int:question_id>")
def results_texts(survey_id: int, question_id: int):
    """All answers to one free-text question, searchable and paginated (staff; the public if published)."""
    survey = load_survey(survey_id)
    staff = can_view_all_results(current_user, survey)
    require(staff or policy.can_read_public_texts(current_user, survey))
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None or question.qtype not in ("short_text", "long_text"):
        abort(404)
    search = request.args.get("q", "").strip()[:100]
    page = page_arg()
    # The public reads every answer, unfiltered: a filter could narrow the texts to a few people.
    flt = read_filter(survey, True) if staff else None
    too_few = not staff and _texts_protected(survey, question)
    texts, count = ([], 0) if too_few else text_answers(survey, question, flt, search, page)
    per_page = 25
    return render_template(
        "surveys/results/results_texts.html",
        survey=survey,
        question=question,
        heading=numbering.label(question, numbering.numbers(survey)[question.id], staff),
        texts=texts,
        count=count,
        too_few=too_few,
        threshold=threshold(),
        search=search,
        page=page,
        pages=max((count + per_page - 1) // per_page, 1),
        first=(page - 1) * per_page + 1,
    )


@bp.route("/<int:survey_id>/ergebnisse/kreuztabelle")
def results_crosstab(survey_id: int):
    """The cross-table as XLSX or German CSV, with shares and the test: staff only (a page says so)."""
    survey, staff = load_results_survey(survey_id)
    if not staff:
        page = render_template("surveys/results/results_staff_only.html", survey=survey)
        abort(make_response(page, 403))
    pair, _percent = _cross_args(staff)
    fmt = "xlsx" if request.args.get("format") == "xlsx" else "csv"
    results = services.compute(
        survey, read_filter(survey, staff), threshold=threshold(), cross=pair, weights=survey_weights(survey)
    )
    if results.cross is None:
        # No pair chosen, a question that cannot be crossed, or too few respondents: back to the choice.
        flash(
            _("Bitte wählen Sie für die Kreuztabelle zwei verschiedene Fragen (Zeilen und Spalten)."), "info"
        )
        return results_page(survey_id)
    if fmt == "xlsx":
        chunks = crosstab_files.xlsx_file(results.cross)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        chunks, mimetype = crosstab_files.csv_file(results.cross), "text/csv"
    name = export_filename(survey.title, survey.id, services.today(), f"kreuztabelle-{fmt}", fmt)
    headers = attachment_headers(name)
    return Response(b"".join(chunks), mimetype=mimetype, headers=headers)
