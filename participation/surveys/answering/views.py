"""Citizen side: list, introduction, answering page by page with drafts and a summary, "Meine Teilnahmen"."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
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
from participation.surveys.answering import drafts
from participation.surveys.answering.questionnaire import render_questionnaire
from participation.surveys.answering.receipt_views import RECEIPT_KEY, receipt_of
from participation.surveys.answering.review import render_review
from participation.surveys.answering.services import answers_from_form
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
    """Introduction, privacy notice, and how to take part (or go on where one stopped)."""
    survey = load_public_survey(survey_id)
    participated = (
        survey.access == Access.ACCOUNT.value
        and current_user.is_authenticated
        and services.has_participated(survey, current_user)
    )
    resume = _saved_resume(survey)
    return render_template(
        "surveys/answering/survey_detail.html",
        survey=survey,
        participated=participated,
        own=services.own_response(survey, current_user),
        resume=resume,
        project=linked_project(survey),
    )


def linked_project(survey: Survey):
    """Slug and title of the project the survey belongs to (None when it has none)."""
    if survey.project_id is None:
        return None
    return db.session.execute(
        select(Project.slug, Project.title).where(Project.id == survey.project_id)
    ).one_or_none()


def _saved_resume(survey: Survey) -> drafts.Resume | None:
    """The account's draft, or an open survey's draft in the session (codes resume when typed in)."""
    if survey.state is not State.OPEN:
        return None
    if survey.access == Access.OPEN.value:
        return drafts.session_resume(session, survey)
    return drafts.account_resume(current_user, survey)


@bp.route("/<int:survey_id>/teilnehmen", methods=["GET", "POST"])
def answer(survey_id: int):
    """Answer page by page; answers of other pages travel along as hidden fields (no JavaScript)."""
    survey = load_public_survey(survey_id)
    if survey.state is not State.OPEN:
        flash(_("Diese Umfrage ist derzeit nicht geöffnet."), "warning")
        return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
    if survey.access == Access.ACCOUNT.value:
        require(policy.can_participate_now(current_user))
    if request.method == "GET":
        return _start(survey, services.own_response(survey, current_user))
    # A posted page needs one's own response only to change it; without changes allowed a second
    # submission is refused by the one-response-per-account key (the same message), without a lookup.
    existing = services.own_response(survey, current_user) if survey.allow_changes else None
    check_csrf()
    code = request.form.get("code", "") if survey.access == Access.CODE.value else None
    if code is not None and not services.code_is_usable(survey, code):
        flash(_("Dieser Teilnahmecode ist ungültig oder wurde bereits verwendet."), "error")
        return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
    if request.form.get("action") == "start":
        return _resume(survey, drafts.code_resume(survey, code) if code else None, {"code": code})
    return _step(survey, existing, code)


def _start(survey: Survey, existing: Response | None):
    """The first page: a saved draft (where it stopped), one's own response to change, or empty."""
    if survey.access == Access.CODE.value:
        return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
    if survey.access == Access.ACCOUNT.value and services.has_participated(survey, current_user):
        if existing is None or not survey.allow_changes:
            flash(_("Sie haben an dieser Umfrage bereits teilgenommen."), "info")
            return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
        return render_questionnaire(survey, services.response_raw(survey, existing), mode="answer")
    return _resume(survey, _saved_resume(survey), {})


def _resume(survey: Survey, resume: drafts.Resume | None, extra: dict):
    """The questionnaire at a draft's page with its answers, or empty from the first page."""
    if resume is None:
        return render_questionnaire(survey, {}, mode="answer", extra=extra)
    pages = services.evaluate(survey, resume.raw).pages
    page = pages[max(0, min(resume.page_index, len(pages) - 1))]
    return render_questionnaire(
        survey, resume.raw, mode="answer", page=page, extra=extra, resumed=resume.started_at
    )


def _step(survey: Survey, existing: Response | None, code: str | None):
    """One posted page: back, jump, save a draft, show errors, go on, review, or submit."""
    raw, evaluation = answers_from_form(survey, request.form)
    pages = evaluation.pages
    current = next((p for p in pages if str(p.id) == request.form.get("page")), pages[0])
    index = pages.index(current)
    action = request.form.get("action", "next")
    extra = {"code": code}
    if action == "back":
        return render_questionnaire(survey, raw, mode="answer", page=pages[max(index - 1, 0)], extra=extra)
    if action.startswith("page-"):
        # "Ändern" on the summary: back to that page with every answer kept.
        target = next((p for p in pages if f"page-{p.id}" == action), current)
        return render_questionnaire(survey, raw, mode="answer", page=target, extra=extra)
    if action == "save":
        return _save(survey, raw, index, current, code)
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
            # A question that only now applies is news, not a mistake: the page is fine (200).
            status=422 if set(errors) - evaluation.unseen else 200,
        )
    if index < len(pages) - 1:
        return render_questionnaire(survey, raw, mode="answer", page=pages[index + 1], extra=extra)
    if action == "submit":
        # The summary's "Antworten absenden" (and any client that submits from the last shown page).
        return _submit(survey, existing, raw, code, current, evaluation)
    # The last shown page: "Weiter" shows the summary (later pages turned out to be hidden).
    return render_review(survey, raw, evaluation, mode="answer", extra=extra)


def _save(survey: Survey, raw: dict, index: int, current, code: str | None):
    """Keep the answers to go on later: by account, by code, or (open surveys) in the session only."""
    extra = {"code": code}
    try:
        message = _keep_draft(survey, raw, index, code)
    except SurveyStateError as exc:  # the code was used or the survey ended meanwhile
        db.session.rollback()
        flash(exc.user_message, "warning")
        return redirect(url_for("surveys.survey_detail", survey_id=survey.id))
    if message is None:
        flash(_("Ihre Antworten sind zu lang, um sie ohne Konto zwischenzuspeichern."), "warning")
        return render_questionnaire(survey, raw, mode="answer", page=current, extra=extra)
    db.session.commit()
    flash(message, "success")
    return render_questionnaire(survey, raw, mode="answer", page=current, extra=extra)


def _keep_draft(survey: Survey, raw: dict, index: int, code: str | None) -> str | None:
    """Save by code, in the session (open surveys) or by account; the message to show (None: too long)."""
    if code:
        drafts.save_code_draft(survey, code, raw, index)
        return _("Ihre Antworten sind gespeichert. Mit demselben Code können Sie später weitermachen.")
    if survey.access == Access.OPEN.value:
        if not drafts.save_session_draft(session, survey, raw, index):
            return None
        return _("Ihre Antworten sind in diesem Browser gespeichert, bis Sie ihn schließen.")
    if not policy.can_use_drafts(current_user, survey):
        abort(403)
    drafts.save_draft(current_user, survey, raw, index)
    return _("Ihre Antworten sind gespeichert. Sie können später weitermachen.")


def _submit(survey: Survey, existing: Response | None, raw: dict, code: str | None, current, evaluation):
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
    survey_id = survey.id
    try:
        # Without permission to change, a second submission is a second response: refused as such.
        if existing is not None and survey.allow_changes:
            response = services.change_response(survey, existing, raw)
        else:
            user = current_user if current_user.is_authenticated else None
            # No own response found above: not asked again (the unique key settles races).
            response = services.submit_response(
                survey, raw, user=user, code=code, known_new=existing is None, evaluation=evaluation
            )
        if code:
            drafts.delete_code_draft(survey, code)
        # Taken before the commit: reading the survey after it would load its row again.
        receipt = receipt_of(survey, response)
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
    drafts.clear_session_draft(session, survey_id)
    session[RECEIPT_KEY] = receipt
    return redirect(url_for("surveys.thanks", survey_id=survey_id))


def _open_submission_allowed(survey: Survey) -> bool:
    """Open surveys: a per-address limit on submissions, one round trip to the limiter's storage.

    `hit` counts and answers in one: in a fixed window a refused attempt counted too changes nothing.
    """
    item = parse(current_app.config.get("SURVEY_OPEN_LIMIT", "20 per hour"))
    return bool(limiter.limiter.hit(item, "survey-open", f"{client_key()}:{survey.id}"))


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
