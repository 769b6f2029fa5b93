"""The question type registry: per type its form fields, validation and mapping to answer rows.

The answering state is the raw form: {field name: [values]} (as posted, kept in drafts and hidden
fields). `parse` turns a question's raw values into a typed value or raises AnswerError with a German
message; `to_rows` maps the value to typed answer rows, `from_rows` and `to_raw` go back.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.surveys.questions.base import (
    DONT_KNOW,
    AnswerError,
    DisplayType,
    QuestionType,
    Raw,
    TextType,
)
from participation.surveys.questions.choice import MultipleChoiceType, RankingType, SingleChoiceType
from participation.surveys.questions.scalar import DateType, MatrixType, NumberType, ScaleType, YesNoType

__all__ = ["DONT_KNOW", "TYPES", "AnswerError", "QuestionType", "Raw", "qtype"]

TYPES: dict[str, QuestionType] = {
    t.key: t
    for t in (
        SingleChoiceType("single", _l("Einfachauswahl"), has_choices=True, settings=("display",)),
        MultipleChoiceType(
            "multiple", _l("Mehrfachauswahl"), has_choices=True, settings=("min_choices", "max_choices")
        ),
        TextType("short_text", _l("Kurzer Text"), settings=("max_length",)),
        TextType("long_text", _l("Langer Text"), settings=("max_length",)),
        NumberType("number", _l("Zahl"), settings=("decimal", "min", "max")),
        ScaleType(
            "scale", _l("Skala"), settings=("scale_min", "scale_max", "label_min", "label_max", "dont_know")
        ),
        MatrixType(
            "matrix",
            _l("Matrix"),
            has_rows=True,
            settings=("scale_min", "scale_max", "label_min", "label_max", "dont_know"),
        ),
        RankingType("ranking", _l("Rangfolge"), has_choices=True),
        YesNoType("yesno", _l("Ja/Nein")),
        DateType("date", _l("Datum"), settings=("min_date", "max_date")),
        DisplayType("display", _l("Text/Zwischenüberschrift (keine Frage)"), answerable=False),
    )
}


def qtype(question) -> QuestionType:
    """The type object of a question (its form fields, validation and answer rows)."""
    return TYPES[question.qtype]
