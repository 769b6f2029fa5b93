"""Assisted entry: staff enter an answer taken by phone, at the Bürgerbüro or from paper."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from participation.core.permissions import require
from participation.extensions import db
from participation.surveys import policy, services
from participation.surveys.answering.questionnaire import render_questionnaire
from participation.surveys.errors import SurveyStateError
from participation.surveys.models import CHANNEL_LABELS, Channel
from participation.surveys.views import bp, check_csrf, load_survey, seal_on_write

ASSISTED_CHANNELS = {c.value for c in Channel} - {Channel.ONLINE.value}


@bp.route("/verwaltung/<int:survey_id>/erfassung", methods=["GET", "POST"])
def assisted_entry(survey_id: int):
    """Staff enter an answer taken by phone, at the Bürgerbüro or from paper; all pages on one form."""
    survey = load_survey(survey_id)
    require(policy.can_list_managed_surveys(current_user))
    seal_on_write(survey)
    if not policy.can_enter_responses(current_user, survey):
        flash(_("Antworten können nur erfasst werden, solange die Umfrage geöffnet ist."), "warning")
        return redirect(url_for("surveys.manage_list"))
    if request.method == "GET":
        # The channel of the last entry stays chosen: a stack of paper forms is keyed one after another.
        channel = request.args.get("eingang", "")
        if channel not in ASSISTED_CHANNELS:
            channel = Channel.TELEFON.value
        return render_questionnaire(survey, {}, mode="assisted", extra={"channel": channel, "code": ""})
    check_csrf()
    # Answers to questions that do not apply are kept here, to be refused at their field.
    raw = services.raw_from_form(survey, request.form, applicable_only=False)
    channel = request.form.get("channel", "")
    code = request.form.get("code", "").strip()
    extra = {"channel": channel, "code": code}
    if channel not in ASSISTED_CHANNELS:
        return render_questionnaire(
            survey,
            raw,
            mode="assisted",
            extra=extra,
            status=422,
            notice=_("Bitte wählen Sie, wie die Antwort eingegangen ist."),
        )
    try:
        services.enter_response(current_user, survey, raw, channel=channel, code=code or None)
        db.session.commit()
    except services.AnswersInvalid as invalid:
        return render_questionnaire(
            survey,
            raw,
            mode="assisted",
            evaluation=invalid.evaluation,
            show_errors=invalid.evaluation.errors,
            extra=extra,
            status=422,
        )
    except (services.CodeRejected, IntegrityError):
        db.session.rollback()
        return render_questionnaire(
            survey,
            raw,
            mode="assisted",
            extra=extra,
            status=422,
            notice=_("Dieser Teilnahmecode ist ungültig oder wurde bereits verwendet."),
        )
    except SurveyStateError:
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
    return redirect(url_for("surveys.assisted_entry", survey_id=survey_id, eingang=channel))


def _channel_label(channel: str) -> str:
    """The channel's German name for the confirmation."""
    return str(CHANNEL_LABELS[Channel(channel)])
