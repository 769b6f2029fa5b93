"""The surveys part of "Meine Daten" and of account deletion."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from participation.extensions import db
from participation.surveys.answering.services import response_values
from participation.surveys.models import Draft, Participation, Response, Survey
from participation.surveys.questions import qtype


def export_surveys(user) -> dict[str, Any]:
    """Non-anonymous responses with their answers; anonymous participation only as "took part"."""
    responses = []
    for response, survey in db.session.execute(
        select(Response, Survey)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Response.user_id == user.id)
    ).all():
        values = response_values(survey, response)
        responses.append(
            {
                "survey": survey.title,
                "submitted_on": response.submitted_on.isoformat(),
                "channel": response.channel,
                "answers": [
                    {"code": q.code, "question": q.text, "answer": qtype(q).display(q, v)}
                    for q, v in values.items()
                ],
            }
        )
    anonymous = db.session.scalars(
        select(Survey.title)
        .join(Participation, Participation.survey_id == Survey.id)
        .where(Participation.user_id == user.id)
    ).all()
    drafts = db.session.scalars(
        select(Survey.title).join(Draft, Draft.survey_id == Survey.id).where(Draft.user_id == user.id)
    ).all()
    return {"responses": responses, "anonymous_participations": list(anonymous), "drafts": list(drafts)}


def erase_surveys(user) -> None:
    """Responses stay (they count in results) but lose the link to the person; drafts and marks go."""
    db.session.execute(
        update(Response)
        .where(Response.user_id == user.id)
        .values(user_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(Draft).where(Draft.user_id == user.id))
    db.session.execute(delete(Participation).where(Participation.user_id == user.id))
