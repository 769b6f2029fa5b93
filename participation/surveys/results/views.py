"""Results pages: the full results for the survey's planners, suppressed public results once published."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, render_template, request
from flask_babel import format_decimal, pgettext
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.i18n import format_day
from participation.core.paging import page_arg
from participation.core.permissions import require
from participation.surveys import policy, services
from participation.surveys.models import CHANNEL_LABELS
from participation.surveys.policy import can_view_all_results, can_view_public_results
from participation.surveys.results import categories as results_categories
from participation.surveys.results import charts
from participation.surveys.results.filters import filter_key, read_filter
from participation.surveys.results.queries import text_answers, text_count
from participation.surveys.views import bp, load_survey


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
        items = [(c.label, c.pct, f"{fmt_count(c.count)} ({fmt_pct(c.pct)})") for c in cells]
        return charts.bar_chart(items, label, uid)

    def day_chart(days):
        return charts.column_chart([(fmt_day(d), n) for d, n in days], _("Diagramm: Antworten pro Tag"))

    return {
        "fmt_num": fmt_num,
        "fmt_pct": fmt_pct,
        "fmt_day": fmt_day,
        "fmt_count": fmt_count,
        "cells_chart": cells_chart,
        "day_chart": day_chart,
    }


def _int_arg(name: str) -> int | None:
    """A whole number from the query string, or None."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def load_results_survey(survey_id: int):
    """The survey and whether the current user sees everything (staff) or the public results."""
    survey = load_survey(survey_id)
    if not policy.can_view_survey(current_user, survey):
        abort(404)
    staff = can_view_all_results(current_user, survey)
    require(staff or can_view_public_results(current_user, survey))
    return survey, staff


@bp.route("/<int:survey_id>/ergebnisse")
def results_page(survey_id: int):
    """Results: counts, shares, statistics, charts with data tables; filter and cross-table."""
    survey, staff = load_results_survey(survey_id)
    flt = read_filter(survey, staff)
    cross = rows, columns = _int_arg("zeilen"), _int_arg("spalten")
    public_texts = not staff and policy.can_read_public_texts(current_user, survey)
    results = services.compute(
        survey,
        flt,
        public=not staff,
        threshold=threshold(),
        cross=(rows, columns) if rows and columns else None,
        public_texts=public_texts,
    )
    categorical = [
        (q, results_categories.categories(q))
        for q in survey.ordered_questions()
        if q.qtype in results_categories.CATEGORICAL
    ]
    return render_template(
        "surveys/results/results_page.html",
        survey=survey,
        results=results,
        staff=staff,
        flt=flt,
        selected=filter_key(flt),
        public_texts=public_texts,
        cross=cross,
        categorical=categorical,
        channel_labels=CHANNEL_LABELS,
        **helpers(results),
    )


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
    too_few = not staff and text_count(survey, question) < threshold()
    texts, count = ([], 0) if too_few else text_answers(survey, question, flt, search, page)
    per_page = 25
    return render_template(
        "surveys/results/results_texts.html",
        survey=survey,
        question=question,
        texts=texts,
        count=count,
        too_few=too_few,
        threshold=threshold(),
        search=search,
        page=page,
        pages=max((count + per_page - 1) // per_page, 1),
        first=(page - 1) * per_page + 1,
    )
