"""Assisted entry: staff store an answer taken by phone, at the Bürgerbüro or from paper."""

from __future__ import annotations

from typing import Any

from participation.core import audit
from participation.core.permissions import NotAllowed
from participation.core.types import Actor
from participation.surveys import policy
from participation.surveys.answering.services import submit_response
from participation.surveys.models import Response, Survey
from participation.surveys.questions import Raw


def enter_response(actor: Actor, survey: Survey, raw: Raw, *, channel: str, code: str | None) -> Response:
    """Store one response on someone's behalf (all pages at once) and record who entered it."""
    if not policy.can_list_managed_surveys(actor):
        raise NotAllowed("enter responses")
    # A survey that is not open is refused by submit_response (NotAnswerable), like any other.
    response = submit_response(survey, raw, code=code, channel=channel, assisted=True)
    details: dict[str, Any] = {"channel": channel, "with_code": bool(code)}
    if not survey.is_anonymous:
        details["response"] = response.id
    audit.record(actor, "surveys.response_entered", survey, **details)
    return response
