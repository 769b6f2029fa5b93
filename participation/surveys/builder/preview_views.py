"""The planner's preview: the survey exactly as citizens see it, page by page; nothing is stored."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from participation.surveys import services
from participation.surveys.answering.questionnaire import render_questionnaire
from participation.surveys.views import bp, check_csrf, load_editable


@bp.route("/verwaltung/<int:survey_id>/vorschau", methods=["GET", "POST"])
def preview(survey_id: int):
    """The survey exactly as citizens see it, page by page; nothing is stored."""
    survey = load_editable(survey_id)
    if not any(q.qtype != "display" for q in survey.questions):
        flash(_("Die Umfrage hat noch keine Fragen."), "info")
        return redirect(url_for("surveys.edit", survey_id=survey_id))
    if request.method == "GET":
        return render_questionnaire(survey, {}, mode="preview")
    check_csrf()
    raw = services.raw_from_form(survey, request.form)
    evaluation = services.evaluate(survey, raw)
    pages = evaluation.pages
    current = next((p for p in pages if str(p.id) == request.form.get("page")), pages[0])
    index = pages.index(current)
    if request.form.get("action") == "back":
        return render_questionnaire(survey, raw, mode="preview", page=pages[max(index - 1, 0)])
    errors = evaluation.errors_on(current)
    if errors:
        return render_questionnaire(
            survey, raw, mode="preview", page=current, evaluation=evaluation, show_errors=errors, status=422
        )
    if index < len(pages) - 1:
        return render_questionnaire(survey, raw, mode="preview", page=pages[index + 1])
    flash(_("Vorschau: Die Antworten wären gültig. Es wurde nichts gespeichert."), "success")
    return redirect(url_for("surveys.preview", survey_id=survey_id))
