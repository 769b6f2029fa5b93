"""The surveys' tables: the questionnaire (survey.py), answers (responses.py), what waits (waiting.py)."""

from participation.surveys.models.responses import (
    Answer,
    Draft,
    Participation,
    ParticipationCode,
    Response,
)
from participation.surveys.models.survey import (
    ACCESS_LABELS,
    CHANNEL_LABELS,
    STATE_LABELS,
    Access,
    Channel,
    Condition,
    Option,
    Question,
    State,
    Survey,
    SurveyPage,
)
from participation.surveys.models.waiting import WaitingResponse

__all__ = [
    "ACCESS_LABELS",
    "CHANNEL_LABELS",
    "STATE_LABELS",
    "Access",
    "Answer",
    "Channel",
    "Condition",
    "Draft",
    "Option",
    "Participation",
    "ParticipationCode",
    "Question",
    "Response",
    "State",
    "Survey",
    "SurveyPage",
    "WaitingResponse",
]
