"""The answering form, shared by citizens, the planner's preview and staff's assisted entry."""

from __future__ import annotations

from flask import render_template

from participation.surveys.answering.services import Evaluation, evaluate
from participation.surveys.conditions import describe
from participation.surveys.models import CHANNEL_LABELS, Question, Survey, SurveyPage
from participation.surveys.questions import qtype


def render_questionnaire(
    survey: Survey,
    raw: dict,
    *,
    mode: str,
    page=None,
    evaluation: Evaluation | None = None,
    show_errors: dict | None = None,
    extra: dict | None = None,
    status: int = 200,
    **context,
):
    """The answering form: one page (citizens, preview) or all pages (assisted entry)."""
    evaluation = evaluation or evaluate(survey, raw)
    if mode == "assisted":
        blocks = [(p, p.questions) for p in survey.pages]
        rendered = {q.id for q in survey.questions}
    else:
        page = page or evaluation.pages[0]
        visible = [q for q in page.questions if q.id in evaluation.shown or _depends_on_page(q, page)]
        blocks = [(page, visible)]
        rendered = {q.id for q in visible}
    hidden = {name: values for name, values in raw.items() if _question_of(survey, name) not in rendered}
    pages = _potential_pages(survey, evaluation, page)
    index = pages.index(page) + 1 if page in pages else 1
    errors = show_errors or {}
    error_list = [(q, errors[q.id]) for q in survey.ordered_questions() if q.id in errors]
    return render_template(
        "surveys/answering/survey_answer.html",
        survey=survey,
        blocks=blocks,
        raw=raw,
        hidden=hidden,
        errors=errors,
        error_list=error_list,
        mode=mode,
        page=page,
        page_number=index,
        page_count=max(len(pages), 1),
        is_last=page is None or index >= len(pages),
        qtype=qtype,
        describe=describe,
        extra=extra or {},
        channel_labels=CHANNEL_LABELS,
        shown=evaluation.shown,
        **context,
    ), status


def _potential_pages(survey: Survey, evaluation: Evaluation, current) -> list:
    """Pages shown so far plus later pages whose conditions cannot be decided yet (for the progress bar)."""
    result = []
    for page in survey.pages:
        undecided = any(evaluation.values.get(c.source_id) is None for c in page.conditions)
        if page in evaluation.pages or (
            undecided and current is not None and page.position > current.position
        ):
            result.append(page)
    return result


def _depends_on_page(question: Question, page: SurveyPage) -> bool:
    # Without JavaScript a question cannot appear while its page is filled in: show it with its condition.
    return any(c.source.page_id == page.id for c in question.conditions)


def _question_of(survey: Survey, name: str) -> int | None:
    head = name.split("_")[0]
    return int(head[1:]) if head.startswith("q") and head[1:].isdigit() else None
