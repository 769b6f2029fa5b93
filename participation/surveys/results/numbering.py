"""Questions numbered as the respondent counted them (1, 2, 3 …); the code is for staff only."""

from __future__ import annotations

from participation.surveys.models import Question


def numbers(survey) -> dict[int, int]:
    """Question id -> its number in answering order; text blocks (display) are not questions."""
    asked = [q for q in survey.ordered_questions() if q.qtype != "display"]
    return {q.id: index for index, q in enumerate(asked, start=1)}


def label(question: Question, number: int, staff: bool) -> str:
    """ "3. Wie sicher fühlen Sie sich?" for everyone, with "(Q08)" added for staff."""
    text = f"{number}. {question.text}"
    return f"{text} ({question.code})" if staff and question.code else text
