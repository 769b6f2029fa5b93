"""Assisted entry: staff store an answer taken by phone, at the Bürgerbüro or from paper."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from participation.core import audit
from participation.core.permissions import NotAllowed
from participation.core.types import Actor
from participation.surveys import policy
from participation.surveys.answering.services import (
    AnswersInvalid,
    evaluate,
    inapplicable_answers,
    submit_response,
)
from participation.surveys.conditions import applies_when
from participation.surveys.models import Response, Survey
from participation.surveys.questions import Raw


def enter_response(actor: Actor, survey: Survey, raw: Raw, *, channel: str, code: str | None) -> Response:
    """Store one response on someone's behalf (all pages at once) and record who entered it."""
    if not policy.can_list_managed_surveys(actor):
        raise NotAllowed("enter responses")
    refuse_inapplicable(survey, raw)
    # A survey that is not open is refused by submit_response (NotAnswerable), like any other.
    response = submit_response(survey, raw, code=code, channel=channel, assisted=True)
    details: dict[str, Any] = {"channel": channel, "with_code": bool(code)}
    if not survey.is_anonymous:
        details["response"] = response.id
    audit.record(actor, "surveys.response_entered", survey, **details)
    return response


def refuse_inapplicable(survey: Survey, raw: Raw) -> None:
    """Refuse, at the field, answers to questions that do not apply (staff must not lose them unseen)."""
    evaluation = evaluate(survey, raw)
    stray = inapplicable_answers(survey, raw, evaluation)
    if not stray:
        return
    for question, other in stray:
        if other is not None:
            message = _(
                "Text zu „%(label)s“ bitte nur, wenn „%(label)s“ angekreuzt ist. Kreuzen Sie es an "
                "oder leeren Sie das Textfeld.",
                label=other.label,
            )
        else:
            message = _(
                "Diese Frage entfällt nach den übrigen Angaben – sie gilt nur, wenn %(rule)s. Bitte leeren "
                "Sie das Feld oder prüfen Sie die Angabe, von der sie abhängt. Gespeichert wurde nichts.",
                rule=applies_when(question),
            )
        evaluation.errors[question.id] = message
    raise AnswersInvalid(evaluation)
