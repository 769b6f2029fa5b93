"""The planner's preview: what citizens see (same templates, same rules), any page; nothing is stored."""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from participation.surveys import services
from participation.surveys.answering.questionnaire import render_questionnaire
from participation.surveys.answering.review import render_review
from participation.surveys.views import bp, check_csrf, load_editable


@bp.route("/verwaltung/<int:survey_id>/vorschau", methods=["GET", "POST"])
def preview(survey_id: int):
    """The survey exactly as citizens see it, page by page, with a jump to any page; nothing is stored."""
    survey = load_editable(survey_id)
    if not any(q.qtype != "display" for q in survey.questions):
        flash(_("Die Umfrage hat noch keine Fragen."), "info")
        return redirect(url_for("surveys.edit", survey_id=survey_id))
    if request.method == "GET":
        return _jump(survey, {}, request.args.get("seite"))
    check_csrf()
    raw = services.raw_from_form(survey, request.form)
    evaluation = services.evaluate(survey, raw)
    pages = evaluation.pages
    current = next((p for p in pages if str(p.id) == request.form.get("page")), pages[0])
    index = pages.index(current)
    action = request.form.get("action", "next")
    if action == "jump":
        return _jump(survey, raw, request.form.get("goto"))
    if action.startswith("page-"):
        return _jump(survey, raw, action.removeprefix("page-"))
    if action == "back":
        return render_questionnaire(survey, raw, mode="preview", page=pages[max(index - 1, 0)])
    errors = evaluation.errors_on(current)
    if errors:
        return render_questionnaire(
            survey,
            raw,
            mode="preview",
            page=current,
            evaluation=evaluation,
            show_errors=errors,
            status=422 if set(errors) - evaluation.unseen else 200,  # a question newly applying is no error
        )
    if index < len(pages) - 1:
        return render_questionnaire(survey, raw, mode="preview", page=pages[index + 1])
    if action != "submit":
        return render_review(survey, raw, evaluation, mode="preview", extra={})
    flash(_("Vorschau: Die Antworten wären gültig. Es wurde nichts gespeichert."), "success")
    return redirect(url_for("surveys.preview", survey_id=survey_id))


def _jump(survey, raw: dict, page_id: str | None):
    """Any page of the survey with the answers so far; a page they would skip says so (planners only)."""
    target = next((p for p in survey.pages if str(p.id) == (page_id or "")), None)
    if target is None:
        return render_questionnaire(survey, raw, mode="preview")
    evaluation = services.evaluate(survey, raw)
    if target in evaluation.pages:
        return render_questionnaire(survey, raw, mode="preview", page=target, evaluation=evaluation)
    # A page these answers skip: the planner still sees its questions, with a note why citizens would not.
    shown_anyway = replace(
        evaluation,
        pages=[p for p in survey.pages if p in evaluation.pages or p is target],
        shown=evaluation.shown | {q.id for q in target.questions},
    )
    return render_questionnaire(
        survey, raw, mode="preview", page=target, evaluation=shown_anyway, preview_skipped=True
    )
