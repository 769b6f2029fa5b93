"""Preview, participation codes (CSV and print) and assisted entry by staff."""

from __future__ import annotations

import csv
import io

from flask import Response as HttpResponse
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from participation.core import audit
from participation.core.downloads import attachment_headers
from participation.core.permissions import InvalidState, require
from participation.extensions import db
from participation.surveys import answering, policy
from participation.surveys.answering import AnswersInvalid, CodeRejected
from participation.surveys.codes import code_counts, generate_codes
from participation.surveys.forms import CodesForm
from participation.surveys.models import Channel
from participation.surveys.views import bp, check_csrf, load_editable, load_survey, render_questionnaire


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
    raw = answering.raw_from_form(survey, request.form)
    evaluation = answering.evaluate(survey, raw)
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


@bp.route("/verwaltung/<int:survey_id>/codes", methods=["GET", "POST"])
def codes(survey_id: int):
    """Generate one-time codes: they are shown once, as CSV download or printable page, then only hashed."""
    survey = load_editable(survey_id)
    form = CodesForm()
    if form.validate_on_submit():
        created = generate_codes(current_user, survey, form.count.data)
        db.session.commit()
        if request.form.get("format") == "print":
            return render_template("surveys/codes_print.html", survey=survey, codes=created)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(["umfrage", "code", "adresse"])
        address = url_for("surveys.survey_detail", survey_id=survey.id, _external=True)
        for code in created:
            writer.writerow([survey.title, code, address])
        body = "\ufeff" + buffer.getvalue()  # BOM: Excel opens UTF-8 correctly
        headers = attachment_headers(f"teilnahmecodes-umfrage-{survey.id}.csv")
        return HttpResponse(body, mimetype="text/csv", headers=headers)
    total, used = code_counts(survey)
    return render_template(
        "surveys/codes.html", survey=survey, form=form, total=total, used=used
    ), 422 if form.errors else 200


@bp.route("/verwaltung/<int:survey_id>/erfassung", methods=["GET", "POST"])
def assisted_entry(survey_id: int):
    """Staff enter an answer taken by phone, at the Bürgerbüro or from paper; all pages on one form."""
    survey = load_survey(survey_id)
    require(policy.can_list_managed_surveys(current_user))
    if not policy.can_enter_responses(current_user, survey):
        flash(_("Antworten können nur erfasst werden, solange die Umfrage geöffnet ist."), "warning")
        return redirect(url_for("surveys.manage_list"))
    if request.method == "GET":
        return render_questionnaire(
            survey, {}, mode="assisted", extra={"channel": Channel.TELEFON.value, "code": ""}
        )
    check_csrf()
    raw = answering.raw_from_form(survey, request.form)
    channel = request.form.get("channel", "")
    code = request.form.get("code", "").strip()
    extra = {"channel": channel, "code": code}
    if channel not in {c.value for c in Channel} or channel == Channel.ONLINE.value:
        return render_questionnaire(
            survey,
            raw,
            mode="assisted",
            extra=extra,
            status=422,
            notice=_("Bitte wählen Sie, wie die Antwort eingegangen ist."),
        )
    try:
        response = answering.submit_response(survey, raw, code=code or None, channel=channel, assisted=True)
        details = {"channel": channel, "with_code": bool(code)}
        if not survey.is_anonymous:
            details["response"] = response.id
        audit.record(current_user, "surveys.response_entered", survey, **details)
        db.session.commit()
    except AnswersInvalid as invalid:
        return render_questionnaire(
            survey,
            raw,
            mode="assisted",
            evaluation=invalid.evaluation,
            show_errors=invalid.evaluation.errors,
            extra=extra,
            status=422,
        )
    except (CodeRejected, IntegrityError):
        db.session.rollback()
        return render_questionnaire(
            survey,
            raw,
            mode="assisted",
            extra=extra,
            status=422,
            notice=_("Dieser Teilnahmecode ist ungültig oder wurde bereits verwendet."),
        )
    except InvalidState:
        db.session.rollback()
        flash(_("Antworten können nur erfasst werden, solange die Umfrage geöffnet ist."), "warning")
        return redirect(url_for("surveys.manage_list"))
    flash(
        _(
            "Die Antwort ist gespeichert (Eingang: %(channel)s). Sie können die nächste erfassen.",
            channel=_channel_label(channel),
        ),
        "success",
    )
    return redirect(url_for("surveys.assisted_entry", survey_id=survey_id))


def _channel_label(channel: str) -> str:
    from participation.surveys.models import CHANNEL_LABELS

    return str(CHANNEL_LABELS[Channel(channel)])
