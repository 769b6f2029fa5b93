"""Citizen side: list, introduction, answering page by page, confirmation, "Meine Teilnahmen"."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from participation.core.permissions import require
from participation.core.ratelimit import client_key
from participation.extensions import db, limiter
from participation.projects.models import Project
from participation.surveys import policy, services
from participation.surveys.answering.questionnaire import render_questionnaire
from participation.surveys.errors import SurveyStateError
from participation.surveys.models import Access, Response, State, Survey
from participation.surveys.questions import qtype
from participation.surveys.views import bp, check_csrf, load_public_survey, load_survey


@bp.route("/")
def survey_list():
    """Open surveys, then finished ones whose results are published."""
    surveys = db.session.scalars(
        select(Survey)
        .where(Survey.published_at.is_not(None))
        .order_by(Survey.ends_at.is_(None), Survey.ends_at, Survey.id.desc())
    ).all()
    open_surveys = [s for s in surveys if s.state is State.OPEN]
    closed = [s for s in surveys if s.state is State.CLOSED and s.results_published]
    return render_template(
        "surveys/answering/survey_list.html", open_surveys=open_surveys, closed_surveys=closed
    )


@bp.route("/<int:survey_id>")
def survey_detail(survey_id: int):
    """Introduction, privacy notice, and how to take part."""
    survey = load_public_survey(survey_id)
    participated = (
        survey.access == Access.ACCOUNT.value
        and current_user.is_authenticated
        and services.has_participated(survey, current_user)
    )
    return render_template(
        "surveys/answering/survey_detail.html",
        survey=survey,
        participated=participated,
        own=services.own_response(survey, current_user),
        draft=services.load_draft(current_user, survey),
        project=linked_project(survey),
    )


def linked_project(survey: Survey):
    """Slug and title of the project the survey belongs to (None when it has none)."""
    if survey.project_id is None:
        return None
    return db.session.execute(
        select(Project.slug, Project.title).where(Project.id == survey.project_id)
    ).one_or_none()


@bp.route("/<int:survey_id>/teilnehmen", methods=["GET", "POST"])
def answer(survey_id: int):
    """Answer page by page; answers of other pages travel along as hidden fields (no JavaScript)."""
    survey = load_public_survey(survey_id)
    if survey.state is not State.OPEN:
        flash(_("Diese Umfrage ist derzeit nicht geöffnet."), "warning")
        return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
    if survey.access == Access.ACCOUNT.value:
        require(policy.can_participate_now(current_user))
    existing = services.own_response(survey, current_user)
    if request.method == "GET":
        return _start(survey, existing)
    check_csrf()
    code = request.form.get("code", "") if survey.access == Access.CODE.value else None
    if code is not None and not services.code_is_usable(survey, code):
        flash(_("Dieser Teilnahmecode ist ungültig oder wurde bereits verwendet."), "error")
        return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
    if request.form.get("action") == "start":
        return render_questionnaire(survey, {}, mode="answer", extra={"code": code})
    return _step(survey, existing, code)


def _start(survey: Survey, existing: Response | None):
    """The first page: a saved draft, one's own response to change, or the empty form."""
    if survey.access == Access.CODE.value:
        return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
    if survey.access == Access.ACCOUNT.value and services.has_participated(survey, current_user):
        if existing is None or not survey.allow_changes:
            flash(_("Sie haben an dieser Umfrage bereits teilgenommen."), "info")
            return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
        return render_questionnaire(survey, services.response_raw(survey, existing), mode="answer")
    draft = services.load_draft(current_user, survey)
    raw, page = (draft.data or {}, None) if draft else ({}, None)
    if draft:
        pages = services.evaluate(survey, raw).pages
        page = pages[min(draft.page, len(pages) - 1)]
    return render_questionnaire(survey, raw, mode="answer", page=page)


def _step(survey: Survey, existing: Response | None, code: str | None):
    """One posted page: back, save a draft, show errors, go on, or submit after the last shown page."""
    raw = services.raw_from_form(survey, request.form)
    evaluation = services.evaluate(survey, raw)
    pages = evaluation.pages
    current = next((p for p in pages if str(p.id) == request.form.get("page")), pages[0])
    index = pages.index(current)
    action = request.form.get("action", "next")
    extra = {"code": code}
    if action == "back":
        return render_questionnaire(survey, raw, mode="answer", page=pages[max(index - 1, 0)], extra=extra)
    if action == "save" and policy.can_use_drafts(current_user, survey):
        services.save_draft(current_user, survey, raw, index)
        db.session.commit()
        flash(_("Ihre Antworten sind gespeichert. Sie können später weitermachen."), "success")
        return render_questionnaire(survey, raw, mode="answer", page=current, extra=extra)
    errors = evaluation.errors_on(current)
    if errors:
        return render_questionnaire(
            survey,
            raw,
            mode="answer",
            page=current,
            evaluation=evaluation,
            show_errors=errors,
            extra=extra,
            status=422,
        )
    if index < len(pages) - 1:
        return render_questionnaire(survey, raw, mode="answer", page=pages[index + 1], extra=extra)
    # The last shown page: "Weiter" and "Absenden" both submit (later pages turned out to be hidden).
    return _submit(survey, existing, raw, code, current)


def _submit(survey: Survey, existing: Response | None, raw: dict, code: str | None, current):
    """Store (or change) the response and thank; refusals go back with an explanation."""
    if survey.access == Access.OPEN.value and not _open_submission_allowed(survey):
        return render_questionnaire(
            survey,
            raw,
            mode="answer",
            page=current,
            extra={"code": code},
            status=429,
            notice=_(
                "Von diesem Anschluss kamen gerade sehr viele Antworten. Bitte "
                "versuchen Sie es später erneut; Ihre Eingaben bleiben erhalten."
            ),
        )
    try:
        # Without permission to change, a second submission is a second response: refused as such.
        if existing is not None and survey.allow_changes:
            services.change_response(survey, existing, raw)
        else:
            services.submit_response(
                survey, raw, user=current_user if current_user.is_authenticated else None, code=code
            )
        db.session.commit()
    except services.AnswersInvalid as invalid:
        first = next(p for p in invalid.evaluation.pages if invalid.evaluation.errors_on(p))
        return render_questionnaire(
            survey,
            raw,
            mode="answer",
            page=first,
            evaluation=invalid.evaluation,
            show_errors=invalid.evaluation.errors_on(first),
            extra={"code": code},
            status=422,
        )
    except (services.AlreadyAnswered, IntegrityError):
        db.session.rollback()
        flash(
            _(
                "Sie haben an dieser Umfrage bereits teilgenommen. "
                "Es wurde nur Ihre erste Antwort gespeichert."
            ),
            "warning",
        )
        return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
    except services.CodeRejected:
        db.session.rollback()
        flash(_("Dieser Teilnahmecode ist ungültig oder wurde bereits verwendet."), "error")
        return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
    except SurveyStateError as exc:
        db.session.rollback()
        flash(exc.user_message, "warning")
        return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
    return redirect(url_for("surveys.thanks", survey_id=survey.id))


def _open_submission_allowed(survey: Survey) -> bool:
    """Open surveys: a per-address limit on submissions, counted only when one is let through."""
    item = parse(current_app.config.get("SURVEY_OPEN_LIMIT", "20 per hour"))
    key = f"{client_key()}:{survey.id}"
    if not limiter.limiter.test(item, "survey-open", key):
        return False
    limiter.limiter.hit(item, "survey-open", key)
    return True


@bp.route("/<int:survey_id>/danke")
def thanks(survey_id: int):
    """Confirmation after submitting."""
    survey = load_public_survey(survey_id)
    return render_template("surveys/answering/survey_thanks.html", survey=survey)


@bp.route("/meine-teilnahmen")
def my_responses():
    """The account's non-anonymous responses (anonymous ones cannot be found again, by design)."""
    require(policy.can_view_my_responses(current_user))
    rows = db.session.execute(
        select(Response, Survey)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Response.user_id == current_user.id)
        .order_by(Response.submitted_on.desc())
    ).all()
    return render_template("surveys/answering/my_responses.html", rows=rows)


@bp.route("/meine-teilnahmen/<response_id>")
def response_detail(response_id: str):
    """One of the account's own responses with its answers."""
    require(policy.can_view_my_responses(current_user))
    response = db.session.get(Response, response_id)
    if response is None or not policy.can_view_response(current_user, response):
        abort(404)
    survey = load_survey(response.survey_id)
    return render_template(
        "surveys/answering/response_detail.html",
        survey=survey,
        response=response,
        values=services.response_values(survey, response),
        q_display=lambda q, v: qtype(q).display(q, v),
    )
