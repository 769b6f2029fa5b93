"""The results filter from the request (query or export form): results pages, report and exports."""

from __future__ import annotations

from datetime import date

from flask import request

from participation.surveys.models import CHANNEL_LABELS, Survey
from participation.surveys.results import categories as results_categories
from participation.surveys.results.sql import ResultFilter


def _date_arg(name: str) -> date | None:
    """A day (YYYY-MM-DD) from the query string, or None."""
    try:
        return date.fromisoformat(request.values.get(name, ""))
    except ValueError:
        return None


def read_filter(survey: Survey, staff: bool) -> ResultFilter:
    """The filter from ?antwort= (a category key) and ?kanal=&von=&bis=: staff only, the public gets none.

    Public tables are fixed, as a statistics office publishes them: a filtered table compared with the
    unfiltered one would give away the small groups each of them protects on its own.
    An unknown or tampered key filters nothing (the page then shows everyone, as the select says).
    """
    if not staff:
        return ResultFilter()
    found = results_categories.find(survey.questions, request.values.get("antwort", "").strip())
    question, category = found if found else (None, None)
    channel = request.values.get("kanal")
    if channel not in {c.value for c in CHANNEL_LABELS}:
        channel = None
    return ResultFilter(
        channel=channel,
        date_from=_date_arg("von"),
        date_to=_date_arg("bis"),
        question_id=question.id if question else None,
        option_id=category.option_id if category else None,
        value=category.value if category else None,
    )


def filter_key(flt: ResultFilter) -> str:
    """The ?antwort= value of the current filter (to keep it selected)."""
    if flt.option_id is not None:
        return str(flt.option_id)
    if flt.value is not None:
        return f"q{flt.question_id}v{flt.value}"
    return ""
