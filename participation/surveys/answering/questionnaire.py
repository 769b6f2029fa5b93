"""The answering form, shared by citizens, the planner's preview and staff's assisted entry.

Respondents (answering and preview) never see a condition or a question code: a question whose
conditions do not hold is not on the page. One that depends on an answer on the same page is sent
hidden, with its rule as data for static/js/branching.js (live, with JavaScript); without JavaScript
"Weiter" shows the page again once such a question applies (see answering/services.py). Staff's
assisted entry shows every page and question, with when it applies in words (no codes), because staff
key in paper forms as they are; answers to questions that do not apply are refused at the field.
"""

from __future__ import annotations

from flask import render_template

from participation.surveys.answering.services import (
    HIDDEN_MARK,
    Evaluation,
    applicable,
    depends_on_own_page,
    evaluate,
)
from participation.surveys.conditions import applies_when, client_rule, describe, describe_plain, state
from participation.surveys.models import CHANNEL_LABELS, Survey, SurveyPage
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
    branching: dict[int, dict] = {}
    if mode == "assisted":
        blocks = [(p, p.questions) for p in survey.pages]
        rendered = {q.id for q in survey.questions}
    else:
        raw = applicable(survey, raw, evaluation)
        page = page or evaluation.pages[0]
        visible = [q for q in page.questions if q.id in evaluation.shown or depends_on_own_page(q)]
        on_page = {q.id for q in page.questions}
        for question in visible:
            if depends_on_own_page(question):
                branching[question.id] = {
                    "mode": question.condition_mode,
                    "rules": [
                        client_rule(c, evaluation.values, lambda s: s.id in on_page)
                        for c in question.conditions
                    ],
                }
        blocks = [(page, visible)]
        rendered = {q.id for q in visible}
    hidden = {
        name: values
        for name, values in raw.items()
        if _question_of(name) not in rendered and not name.endswith(HIDDEN_MARK)
    }
    pages = applying_pages(survey, evaluation, page)
    index = pages.index(page) + 1 if page in pages else 1
    shown_errors = show_errors or {}
    # Questions that appeared after "Weiter" (no JavaScript) are announced, not treated as mistakes.
    new = {qid for qid in shown_errors if qid in evaluation.unseen}
    errors = {qid: msg for qid, msg in shown_errors.items() if qid not in new}
    ordered = survey.ordered_questions()
    return render_template(
        "surveys/answering/survey_answer.html",
        survey=survey,
        blocks=blocks,
        raw=raw,
        hidden=hidden,
        errors=errors,
        error_list=[(q, errors[q.id]) for q in ordered if q.id in errors],
        new_list=[q for q in ordered if q.id in new],
        mode=mode,
        page=page,
        page_number=index,
        page_count=max(len(pages), 1),
        is_last=page is None or index >= len(pages),
        qtype=qtype,
        describe=describe,
        describe_plain=describe_plain,
        applies_when=applies_when,
        branching=branching,
        extra=extra or {},
        channel_labels=CHANNEL_LABELS,
        shown=evaluation.shown,
        **context,
    ), status


def applying_pages(survey: Survey, evaluation: Evaluation, current: SurveyPage | None) -> list:
    """The pages that apply given the answers so far: earlier pages that were shown, the current one,
    and later ones unless their conditions already rule them out (a source still to come leaves a
    page undecided; it counts, so the bar never reaches its end before the last page)."""
    if current is None:
        return list(evaluation.pages)
    order = {p.id: index for index, p in enumerate(survey.pages)}
    position = order[current.id]

    def decided(source) -> bool:
        return order[source.page_id] < position

    result = []
    for page in survey.pages:
        if order[page.id] < position:
            applies = page in evaluation.pages
        else:
            applies = page is current or state(page, evaluation.values, decided) is not False
        if applies:
            result.append(page)
    return result


def _question_of(name: str) -> int | None:
    head = name.split("_")[0]
    return int(head[1:]) if head.startswith("q") and head[1:].isdigit() else None
