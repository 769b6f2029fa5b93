"""Planner side: survey list, settings, publish/close/duplicate, pages and questions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from participation.core.confirm import confirmation_page, confirmed
from participation.core.forms import SelectChoice
from participation.core.permissions import require
from participation.extensions import db
from participation.projects.models import Project
from participation.surveys import policy, services
from participation.surveys.answering.batches import waiting_counts
from participation.surveys.answering.sealing import response_count
from participation.surveys.builder import confirmations
from participation.surveys.builder.forms import (
    NewQuestionForm,
    PageForm,
    SurveyForm,
    to_local,
    to_utc,
)
from participation.surveys.errors import SurveyStateError
from participation.surveys.models import Response, State, Survey, SurveyPage
from participation.surveys.questions import TYPES
from participation.surveys.views import bp, check_csrf, child, load_editable

SETTINGS_FIELDS = ("title", "intro", "privacy_notice", "access", "anonymous", "allow_changes")


@bp.route("/verwaltung/")
def manage_list():
    """All surveys for staff, with their state and number of responses."""
    require(policy.can_list_managed_surveys(current_user))
    counts = dict(
        db.session.execute(select(Response.survey_id, func.count()).group_by(Response.survey_id)).all()
    )
    # The number received: responses still waiting for their anonymous batch count too.
    for survey_id, waiting in waiting_counts().items():
        counts[survey_id] = counts.get(survey_id, 0) + waiting
    surveys = db.session.scalars(select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc())).all()
    return render_template("surveys/builder/manage_list.html", surveys=surveys, counts=counts)


def _survey_form(survey: Survey | None = None) -> SurveyForm:
    """The settings form with the projects to link to (and local times when editing)."""
    form = SurveyForm(obj=survey) if survey else SurveyForm(access="account", anonymous=True)
    projects = db.session.execute(select(Project.id, Project.title).order_by(Project.title)).all()
    form.project_id.choices = [SelectChoice("", _("– kein Vorhaben –"))] + [
        SelectChoice(str(pid), title) for pid, title in projects
    ]
    if survey and request.method == "GET":
        form.project_id.data = str(survey.project_id or "")
        form.starts_at.data, form.ends_at.data = to_local(survey.starts_at), to_local(survey.ends_at)
    return form


def _form_fields(form: SurveyForm) -> dict:
    """The settings form's data as keyword arguments for the services."""
    fields = {name: getattr(form, name).data for name in SETTINGS_FIELDS}
    fields["project_id"] = int(form.project_id.data) if form.project_id.data else None
    fields["starts_at"], fields["ends_at"] = to_utc(form.starts_at.data), to_utc(form.ends_at.data)
    return fields


@bp.route("/verwaltung/neu", methods=["GET", "POST"])
def create():
    """Start a new survey (a draft with one page)."""
    require(policy.can_create_surveys(current_user))
    form = _survey_form()
    if form.validate_on_submit():
        survey = services.create_survey(current_user, **_form_fields(form))
        db.session.commit()
        flash(_("Die Umfrage ist angelegt. Fügen Sie nun Fragen hinzu."), "success")
        return redirect(url_for("surveys.edit", survey_id=survey.id))
    return render_template(
        "surveys/builder/survey_form.html", form=form, survey=None
    ), 422 if form.errors else 200


@bp.route("/verwaltung/<int:survey_id>")
def edit(survey_id: int):
    """The builder: pages with their questions, actions, state."""
    survey = load_editable(survey_id)
    total, used = services.code_counts(survey)
    return render_template(
        "surveys/builder/survey_builder.html",
        survey=survey,
        types=TYPES,
        new_question=NewQuestionForm(),
        page_form=PageForm(),
        answered=services.has_responses(survey),
        codes_total=total,
        codes_used=used,
    )


@bp.route("/verwaltung/<int:survey_id>/einstellungen", methods=["GET", "POST"])
def settings(survey_id: int):
    """Title, texts, project, participation, anonymity, dates."""
    survey = load_editable(survey_id)
    form = _survey_form(survey)
    if form.validate_on_submit():
        try:
            services.update_survey(current_user, survey, **_form_fields(form))
        except SurveyStateError as exc:
            db.session.rollback()
            flash(exc.user_message, "error")
            return redirect(url_for("surveys.settings", survey_id=survey_id))
        db.session.commit()
        flash(_("Die Einstellungen sind gespeichert."), "success")
        return redirect(url_for("surveys.edit", survey_id=survey.id))
    return render_template(
        "surveys/builder/survey_form.html", form=form, survey=survey
    ), 422 if form.errors else 200


def _act(survey: Survey, action, success: str, *args):
    """Run a builder service, commit, and explain a refusal in German."""
    check_csrf()
    try:
        result = action(current_user, *args)
    except SurveyStateError as exc:
        db.session.rollback()
        flash(exc.user_message, "error")
        return None
    db.session.commit()
    flash(success, "success")
    return result or True


@bp.route("/verwaltung/<int:survey_id>/veroeffentlichen", methods=["POST"])
def publish(survey_id: int):
    """Release the survey; it opens at its start time by itself."""
    survey = load_editable(survey_id)
    _act(survey, services.publish, _("Die Umfrage ist veröffentlicht."), survey)
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@bp.route("/verwaltung/<int:survey_id>/beenden", methods=["POST"])
def close(survey_id: int):
    """End the survey now, after a confirmation step that says how many responses it has."""
    survey = load_editable(survey_id)
    check_csrf()
    # Only a survey that can still be ended asks first; otherwise the service refuses and says why.
    if survey.state in (State.OPEN, State.SCHEDULED) and not confirmed():
        return confirmation_page(confirmations.end_now(survey, response_count(survey)))
    _act(survey, services.close, _("Die Umfrage ist beendet."), survey)
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@bp.route("/verwaltung/<int:survey_id>/ergebnisse", methods=["POST"])
def toggle_results(survey_id: int):
    """Publish the results (or withdraw them); the form's "texts" field does the same for free texts."""
    survey = load_editable(survey_id)
    check_csrf()
    if "texts" in request.form:
        publish_texts = request.form["texts"] == "1"
        # Making something public asks first; hiding it again does not.
        if publish_texts and not survey.texts_published and not confirmed():
            return confirmation_page(confirmations.publish_texts(survey))
        _act(survey, services.set_texts_published, _("Gespeichert."), survey, publish_texts)
    else:
        publish_them = request.form.get("published") == "1"
        if publish_them and not survey.results_published and not confirmed():
            return confirmation_page(confirmations.publish_results(survey))
        _act(survey, services.set_results_published, _("Gespeichert."), survey, publish_them)
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@bp.route("/verwaltung/<int:survey_id>/duplizieren", methods=["POST"])
def duplicate(survey_id: int):
    """Copy the survey as a new draft."""
    survey = load_editable(survey_id)
    copy = _act(survey, services.duplicate_survey, _("Die Kopie ist angelegt."), survey)
    return redirect(url_for("surveys.edit", survey_id=copy.id if copy else survey_id))


@bp.route("/verwaltung/<int:survey_id>/loeschen", methods=["POST"])
def delete(survey_id: int):
    """Delete a survey without responses, after a confirmation step."""
    survey = load_editable(survey_id)
    check_csrf()
    # With responses the service refuses (and says why): no point in asking first.
    if not services.has_responses(survey) and not confirmed():
        return confirmation_page(confirmations.delete(survey))
    if _act(survey, services.delete_survey, _("Die Umfrage ist gelöscht."), survey):
        return redirect(url_for("surveys.manage_list"))
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@bp.route("/verwaltung/<int:survey_id>/seiten", methods=["POST"])
def add_page(survey_id: int):
    """Append a page."""
    survey = load_editable(survey_id)
    form = PageForm()
    if form.validate_on_submit():
        services.add_page(current_user, survey, form.title.data or "")
        db.session.commit()
        flash(_("Die Seite ist angelegt."), "success")
    else:
        flash(_("Bitte prüfen Sie den Seitentitel."), "error")
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@bp.route("/verwaltung/<int:survey_id>/seiten/<int:page_id>/loeschen", methods=["POST"])
def delete_page(survey_id: int, page_id: int):
    """Delete an empty page."""
    survey = load_editable(survey_id)
    page = child(survey, SurveyPage, page_id)
    _act(survey, services.delete_page, _("Die Seite ist gelöscht."), page)
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@bp.route("/verwaltung/<int:survey_id>/seiten/<int:page_id>/fragen", methods=["POST"])
def add_question(survey_id: int, page_id: int):
    """Add a question of a type to a page, then edit its details."""
    survey = load_editable(survey_id)
    page = child(survey, SurveyPage, page_id)
    form = NewQuestionForm()
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie einen Fragetyp und geben Sie den Fragetext ein."), "error")
        return redirect(url_for("surveys.edit", survey_id=survey_id))
    settings = {"scale_min": 1, "scale_max": 5} if form.qtype.data in ("scale", "matrix") else {}
    question = services.add_question(
        current_user, page, form.qtype.data, form.text.data or "", settings=settings
    )
    db.session.commit()
    return redirect(url_for("surveys.edit_question", survey_id=survey_id, question_id=question.id))
