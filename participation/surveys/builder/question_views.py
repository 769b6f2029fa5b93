"""Planner side: one question with its options and conditions; page conditions; moving things."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.forms import SelectChoice
from participation.extensions import db
from participation.surveys import services
from participation.surveys.builder.forms import (
    ConditionForm,
    ConditionModeForm,
    OptionForm,
    PageForm,
    QuestionForm,
)
from participation.surveys.conditions import OPERATOR_LABELS, OPERATORS_FOR_TYPE, describe
from participation.surveys.errors import SurveyStateError
from participation.surveys.models import Condition, Option, Question, SurveyPage
from participation.surveys.questions import TYPES
from participation.surveys.views import bp, check_csrf, child, load_editable


def _back_to(question: Question):
    """Redirect to the question's edit page."""
    return redirect(url_for("surveys.edit_question", survey_id=question.survey_id, question_id=question.id))


def _condition_form(survey, target) -> ConditionForm:
    """Sources: questions asked before the target (earlier pages for a page condition)."""
    ordered = survey.ordered_questions()
    if isinstance(target, Question):
        earlier = ordered[: ordered.index(target)]
    else:
        page_index = survey.pages.index(target)
        earlier = [q for q in ordered if survey.pages.index(q.page) < page_index]
    earlier = [q for q in earlier if q.qtype in OPERATORS_FOR_TYPE]
    form = ConditionForm()
    form.source_id.choices = [SelectChoice(str(q.id), f"{q.code}: {q.text[:60]}") for q in earlier]
    form.operator.choices = [SelectChoice(k, label) for k, label in OPERATOR_LABELS.items()]
    form.option_id.choices = [SelectChoice("", "–")] + [
        SelectChoice(str(o.id), f"{q.code}/{o.code}: {o.label[:40]}") for q in earlier for o in q.choices
    ]
    return form


@bp.route("/verwaltung/<int:survey_id>/fragen/<int:question_id>", methods=["GET", "POST"])
def edit_question(survey_id: int, question_id: int):
    """Wording, type, mandatory flag and the type's settings."""
    survey = load_editable(survey_id)
    question = child(survey, Question, question_id)
    form = QuestionForm(
        obj=question, data=None if request.method == "POST" else dict(question.settings or {})
    )
    if request.method == "GET":
        for key, value in (question.settings or {}).items():
            if key in ("min_date", "max_date") and value:
                getattr(form, key).data = date.fromisoformat(value)
    if form.validate_on_submit():
        try:
            services.update_question(
                current_user,
                question,
                text=form.text.data or "",
                help_text=form.help_text.data or "",
                mandatory=form.mandatory.data,
                settings=form.settings_for(form.qtype.data),
                qtype=form.qtype.data,
            )
        except SurveyStateError as exc:
            db.session.rollback()
            flash(exc.user_message, "error")
            return _back_to(question)
        db.session.commit()
        flash(_("Die Frage ist gespeichert."), "success")
        return _back_to(question)
    return render_template(
        "surveys/builder/question_form.html",
        survey=survey,
        question=question,
        form=form,
        kind=TYPES[question.qtype],
        option_form=OptionForm(formdata=None),
        condition_form=_condition_form(survey, question),
        mode_form=ConditionModeForm(mode=question.condition_mode),
        describe=describe,
        conditions_locked=services.conditions_fixed(survey),
    ), 422 if form.errors else 200


@bp.route("/verwaltung/<int:survey_id>/fragen/<int:question_id>/verschieben", methods=["POST"])
def move_question(survey_id: int, question_id: int):
    """Up or down (without JavaScript)."""
    survey = load_editable(survey_id)
    question = child(survey, Question, question_id)
    check_csrf()
    try:
        services.move_question(current_user, question, request.form.get("direction", "down"))
        db.session.commit()
    except SurveyStateError as exc:
        db.session.rollback()
        flash(exc.user_message, "error")
    return redirect(url_for("surveys.edit", survey_id=survey_id) + f"#frage-{question_id}")


@bp.route("/verwaltung/<int:survey_id>/fragen/<int:question_id>/loeschen", methods=["POST"])
def delete_question(survey_id: int, question_id: int):
    """Delete a question (refused once responses exist)."""
    survey = load_editable(survey_id)
    question = child(survey, Question, question_id)
    check_csrf()
    try:
        services.delete_question(current_user, question)
        db.session.commit()
        flash(_("Die Frage ist gelöscht."), "success")
    except SurveyStateError as exc:
        db.session.rollback()
        flash(exc.user_message, "error")
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@bp.route("/verwaltung/<int:survey_id>/fragen/<int:question_id>/optionen", methods=["POST"])
def add_option(survey_id: int, question_id: int):
    """Add an answer option (or a matrix row)."""
    survey = load_editable(survey_id)
    question = child(survey, Question, question_id)
    form = OptionForm()
    if form.validate_on_submit():
        kind = "row" if TYPES[question.qtype].has_rows else "choice"
        services.add_option(
            current_user,
            question,
            form.label.data or "",
            kind=kind,
            is_other=form.is_other.data,
            exclusive=form.exclusive.data,
        )
        db.session.commit()
        flash(_("Die Antwortmöglichkeit ist hinzugefügt."), "success")
    else:
        flash(_("Bitte geben Sie einen Text für die Antwortmöglichkeit ein."), "error")
    return _back_to(question)


@bp.route("/verwaltung/<int:survey_id>/optionen/<int:option_id>", methods=["POST"])
def update_option(survey_id: int, option_id: int):
    """Relabel an option, move it, or delete it (the pressed button decides)."""
    survey = load_editable(survey_id)
    option = child(survey, Option, option_id)
    question = option.question
    action = request.form.get("action", "save")
    form = OptionForm()
    if not form.validate_on_submit() and action == "save":
        flash(_("Bitte geben Sie einen Text für die Antwortmöglichkeit ein."), "error")
        return _back_to(question)
    check_csrf()
    try:
        if action in ("up", "down"):
            services.move_option(current_user, option, action)
        elif action == "delete":
            services.delete_option(current_user, option)
        else:
            services.update_option(
                current_user,
                option,
                form.label.data or "",
                is_other=form.is_other.data,
                exclusive=form.exclusive.data,
            )
        db.session.commit()
        flash(_("Gespeichert."), "success")
    except SurveyStateError as exc:
        db.session.rollback()
        flash(exc.user_message, "error")
    return _back_to(question)


def _add_condition(survey, target, back):
    """Add a condition to a question or page from the posted form, then go back."""
    form = _condition_form(survey, target)
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie eine frühere Frage und eine Bedingung."), "error")
        return back
    source = child(survey, Question, int(form.source_id.data))
    try:
        services.add_condition(
            current_user,
            target,
            source,
            form.operator.data,
            option_id=int(form.option_id.data) if form.option_id.data else None,
            value=form.value.data or None,
        )
        db.session.commit()
        flash(_("Die Bedingung ist hinzugefügt."), "success")
    except SurveyStateError as exc:
        db.session.rollback()
        flash(exc.user_message, "error")
    return back


@bp.route("/verwaltung/<int:survey_id>/fragen/<int:question_id>/bedingungen", methods=["POST"])
def add_question_condition(survey_id: int, question_id: int):
    """Show this question only if an earlier answer matches."""
    survey = load_editable(survey_id)
    question = child(survey, Question, question_id)
    return _add_condition(survey, question, _back_to(question))


@bp.route("/verwaltung/<int:survey_id>/seiten/<int:page_id>", methods=["GET", "POST"])
def edit_page(survey_id: int, page_id: int):
    """A page's title and the conditions under which it is shown."""
    survey = load_editable(survey_id)
    page = child(survey, SurveyPage, page_id)
    form = PageForm(obj=page)
    if form.validate_on_submit():
        services.rename_page(current_user, page, form.title.data or "")
        db.session.commit()
        flash(_("Die Seite ist gespeichert."), "success")
        return redirect(url_for("surveys.edit_page", survey_id=survey_id, page_id=page_id))
    return render_template(
        "surveys/builder/page_form.html",
        survey=survey,
        page=page,
        form=form,
        condition_form=_condition_form(survey, page),
        mode_form=ConditionModeForm(mode=page.condition_mode),
        describe=describe,
        conditions_locked=services.conditions_fixed(survey),
    )


@bp.route("/verwaltung/<int:survey_id>/seiten/<int:page_id>/bedingungen", methods=["POST"])
def add_page_condition(survey_id: int, page_id: int):
    """Show this page only if an earlier answer matches."""
    survey = load_editable(survey_id)
    page = child(survey, SurveyPage, page_id)
    return _add_condition(
        survey, page, redirect(url_for("surveys.edit_page", survey_id=survey_id, page_id=page_id))
    )


@bp.route("/verwaltung/<int:survey_id>/bedingungen/<int:condition_id>/loeschen", methods=["POST"])
def delete_condition(survey_id: int, condition_id: int):
    """Remove a condition."""
    survey = load_editable(survey_id)
    condition = db.session.get(Condition, condition_id)
    target = (condition.question or condition.page) if condition is not None else None
    if condition is None or target is None or target.survey_id != survey.id:
        abort(404)
    check_csrf()
    try:
        services.delete_condition(current_user, condition)
        db.session.commit()
        flash(_("Die Bedingung ist gelöscht."), "success")
    except SurveyStateError as exc:
        db.session.rollback()
        flash(exc.user_message, "error")
    if isinstance(target, Question):
        return _back_to(target)
    return redirect(url_for("surveys.edit_page", survey_id=survey_id, page_id=target.id))


@bp.route("/verwaltung/<int:survey_id>/verknuepfung", methods=["POST"])
def condition_mode(survey_id: int):
    """AND/OR for a question's or page's conditions."""
    survey = load_editable(survey_id)
    form = ConditionModeForm()
    if request.form.get("question_id"):
        target = child(survey, Question, request.form.get("question_id", type=int) or 0)
        back = _back_to(target)
    else:
        target = child(survey, SurveyPage, request.form.get("page_id", type=int) or 0)
        back = redirect(url_for("surveys.edit_page", survey_id=survey_id, page_id=target.id))
    if form.validate_on_submit():
        try:
            services.set_condition_mode(current_user, target, form.mode.data)
            db.session.commit()
            flash(_("Gespeichert."), "success")
        except SurveyStateError as exc:
            db.session.rollback()
            flash(exc.user_message, "error")
    return back
