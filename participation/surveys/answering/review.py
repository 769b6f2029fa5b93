"""The summary before sending ("Ihre Antworten prüfen"): the answers given, page by page, with a way back."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from participation.surveys.answering.questionnaire import render_questionnaire
from participation.surveys.answering.services import Evaluation
from participation.surveys.models import Survey
from participation.surveys.questions import qtype


def review_sections(survey: Survey, evaluation: Evaluation) -> list[tuple]:
    """(page, its number, [(question text, answer as read)]) for every shown page with questions."""
    sections = []
    for number, page in enumerate(evaluation.pages, start=1):
        rows = []
        for question in page.questions:
            if question.id not in evaluation.shown or not qtype(question).answerable:
                continue
            value = evaluation.values.get(question.id)
            shown = qtype(question).display(question, value) if value is not None else ""
            rows.append((question.text, shown or _("keine Angabe")))
        if rows:
            sections.append((page, number, rows))
    return sections


def render_review(survey: Survey, raw: dict, evaluation: Evaluation, *, mode: str, extra: dict):
    """The summary page; answers that turn out invalid send the person to the first page with an error."""
    if evaluation.errors:
        first = next(p for p in evaluation.pages if evaluation.errors_on(p))
        return render_questionnaire(
            survey,
            raw,
            mode=mode,
            page=first,
            evaluation=evaluation,
            show_errors=evaluation.errors_on(first),
            extra=extra,
            status=422,
        )
    return render_template(
        "surveys/answering/survey_review.html",
        survey=survey,
        raw=raw,
        mode=mode,
        extra=extra,
        sections=review_sections(survey, evaluation),
        page_count=len(evaluation.pages),
        last_page=evaluation.pages[-1],
    ), 200
