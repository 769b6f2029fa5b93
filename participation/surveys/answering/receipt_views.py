"""The receipt after sending: the date, and for non-anonymous surveys a copy of one's own answers.

What the confirmation page may show lives in the respondent's own signed session cookie (the survey, the
day, and - only in non-anonymous surveys - the response's id): the server keeps no note of who was
thanked for what, and an anonymous response can never be found again, not even by its author.
"""

from __future__ import annotations

from datetime import date

from flask import Response as HttpResponse
from flask import abort, render_template, session
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.downloads import attachment_headers
from participation.core.i18n import format_day
from participation.extensions import db
from participation.surveys import services
from participation.surveys.answering.review import review_sections
from participation.surveys.models import Response, Survey
from participation.surveys.views import bp, load_public_survey

RECEIPT_KEY = "survey_receipt"


def receipt_of(survey: Survey, response: Response) -> dict:
    """What the session keeps for the confirmation page (no response id for anonymous surveys)."""
    return {
        "survey": survey.id,
        "on": response.submitted_on.isoformat(),
        "response": None if survey.is_anonymous else response.id,
    }


def _receipt(survey: Survey) -> tuple[date | None, Response | None]:
    """The day of sending and (non-anonymous surveys only) one's own response, from the session."""
    kept = session.get(RECEIPT_KEY) or {}
    if kept.get("survey") != survey.id:
        # Opened later or from another browser: an account still finds its own non-anonymous response.
        own = services.own_response(survey, current_user)
        return (own.submitted_on if own else None), own
    response = None
    if kept.get("response") and not survey.is_anonymous:
        response = db.session.get(Response, kept["response"])
        if response is not None and response.survey_id != survey.id:
            response = None
    return date.fromisoformat(kept["on"]), response


@bp.route("/<int:survey_id>/danke")
def thanks(survey_id: int):
    """Confirmation after sending: the date and, where the survey is not anonymous, a copy of the answers."""
    survey = load_public_survey(survey_id)
    sent_on, response = _receipt(survey)
    return render_template(
        "surveys/answering/survey_thanks.html",
        survey=survey,
        sent_on=sent_on,
        response=response,
        sections=_copy(survey, response),
    )


def _copy(survey: Survey, response: Response | None) -> list[tuple]:
    """The stored answers laid out like the summary before sending: page by page, in the survey's order."""
    if response is None:
        return []
    return review_sections(survey, services.evaluate(survey, services.response_raw(survey, response)))


@bp.route("/<int:survey_id>/danke/antworten.txt")
def receipt_download(survey_id: int):
    """One's own answers as a text file (non-anonymous surveys; 404 where no copy exists)."""
    survey = load_public_survey(survey_id)
    sent_on, response = _receipt(survey)
    if response is None:
        abort(404)
    lines = [survey.title, _("Abgegeben am %(date)s", date=format_day(sent_on)), ""]
    for page, number, rows in _copy(survey, response):
        lines += [f"== {page.title or _('Seite %(n)s', n=number)} ==", ""]
        for text, shown in rows:
            lines += [text, "  " + shown, ""]
    return HttpResponse(
        "\r\n".join(lines),
        mimetype="text/plain; charset=utf-8",
        headers=attachment_headers(f"antworten_umfrage_{survey.id}.txt"),
    )
