"""The weighting page (map questions and options, switch, bounds) and the results panel's switch."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import inspect

from participation.core.forms import add_error
from participation.core.permissions import InvalidState
from participation.extensions import db
from participation.surveys.views import bp, check_csrf, load_editable
from participation.surveys.weighting import editing
from participation.surveys.weighting.forms import build_form
from participation.surveys.weighting.mapping import (
    load_mapping,
    load_settings,
    mappable_questions,
    suggest_category,
    suggestions,
)
from participation.surveys.weighting.reference import DIMENSION_LABELS, reference_margins
from participation.surveys.weighting.service import representativeness


@bp.route("/<int:survey_id>/gewichtung", methods=["GET", "POST"])
def weighting(survey_id: int):
    """Map questions to the population's dimensions, each option to a group; switch weighting, set bounds."""
    survey = load_editable(survey_id)
    reference = reference_margins()
    if reference is None:
        return render_template("surveys/weighting/weighting_page.html", survey=survey, form=None, panel=None)
    form = _form(survey, reference)
    if form.validate_on_submit():
        try:
            suggested = editing.save_weighting(
                current_user, survey, reference, form.chosen_questions(),
                {dim: form.chosen_categories(dim) for dim in reference.margins},
                enabled=form.enabled.data, bounds=form.bounds(),
            )  # fmt: skip
        except InvalidState as exc:
            db.session.rollback()
            add_error(form.enabled, exc.user_message)
        else:
            db.session.commit()
            flash(_("Die Gewichtung ist gespeichert."), "success")
            if suggested:
                flash(_("Bitte prüfen Sie unten, welcher Gruppe jede Antwort zugeordnet ist."), "info")
            return redirect(url_for("surveys.weighting", survey_id=survey.id))
    status = 400 if form.errors else 200
    page = render_template(
        "surveys/weighting/weighting_page.html",
        survey=survey,
        form=form,
        reference=reference,
        dimension_labels=DIMENSION_LABELS,
        weighting_panel=representativeness(survey) if not form.errors else None,
    )
    return page, status


def _form(survey, reference):
    """The page's form: saved choices, or on a first visit the questions and groups the labels suggest."""
    settings = load_settings(survey.id)
    mapped = {m.dimension: m for m in load_mapping(survey.id)}
    questions = mappable_questions(survey)
    by_id = {q.id: q for q in questions}
    first_visit = not mapped and not inspect(settings).persistent
    shown = suggestions(survey, reference) if first_visit else {}
    shown.update({dim: by_id[m.question_id] for dim, m in mapped.items() if m.question_id in by_id})
    data = {
        "enabled": settings.enabled,
        "threshold_pp": settings.threshold_pp,
        "min_cases": settings.min_cases,
        "trim_lower": settings.trim_lower,
        "trim_upper": settings.trim_upper,
    }
    for dimension, question in shown.items():
        data[f"question_{dimension}"] = str(question.id)
        saved = mapped[dimension].categories if dimension in mapped else None
        for option in question.choices:
            if saved is not None:
                data[f"option_{option.id}"] = saved.get(option.id, "")
            else:
                data[f"option_{option.id}"] = (
                    suggest_category(option.label, reference.categories(dimension)) or ""
                )
    dimensions = {dim: reference.categories(dim) for dim in reference.margins}
    return build_form(dimensions, questions, shown, data=data)


@bp.route("/<int:survey_id>/gewichtung/schalter", methods=["POST"])
def weighting_switch(survey_id: int):
    """Switch weighting on or off from the results page's panel."""
    survey = load_editable(survey_id)
    check_csrf()
    try:
        editing.switch_weighting(current_user, survey, request.form.get("enabled") == "1")
    except InvalidState as exc:
        db.session.rollback()
        flash(exc.user_message, "error")
        return redirect(url_for("surveys.weighting", survey_id=survey.id))
    db.session.commit()
    flash(
        _("Die Ergebnisse sind jetzt gewichtet.")
        if request.form.get("enabled") == "1"
        else _("Die Ergebnisse sind jetzt ungewichtet."),
        "success",
    )
    # The page's top, not the panel (#gewichtung): the confirmation shows above the content, where the
    # browser starts; with the fragment it sat above the viewport, out of sight.
    return redirect(url_for("surveys.results_page", survey_id=survey.id))
