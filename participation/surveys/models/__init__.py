"""The surveys' tables: the questionnaire (survey.py) and what people answered (responses.py)."""

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
]
