"""Question types, part 1: the base class, display text, free text, and shared helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from participation.core.validators import has_forbidden_characters, is_visibly_empty

Raw = dict[str, list[str]]
DONT_KNOW = "dk"


class AnswerError(ValueError):
    """A value a question does not accept; the message is shown at the field.

    `partial` is what was validly chosen all the same (options, while "Sonstiges" lacks its text or the
    number of choices is off): conditions of later questions look at it, so a question that depends on
    "Brunnen" stays on the page (with what was typed into it) while the error is put right. Nothing with
    an error is ever stored."""

    def __init__(self, message: str, partial=None):
        super().__init__(message)
        self.partial = partial


def _first(raw: Raw, name: str) -> str:
    values = raw.get(name) or [""]
    return (values[0] or "").strip()


def _clean_text(value: str, limit: int, *, multiline: bool) -> str:
    if has_forbidden_characters(value, multiline=multiline):
        raise AnswerError(_("Der Text enthält unzulässige Steuerzeichen."))
    if value and is_visibly_empty(value):
        raise AnswerError(_("Der Text enthält keine sichtbaren Zeichen."))
    if len(value) > limit:
        raise AnswerError(
            _("Bitte höchstens %(limit)s Zeichen eingeben (jetzt: %(count)s).", limit=limit, count=len(value))
        )
    return value


def _int_setting(question, key: str, default: int) -> int:
    try:
        return int(question.setting(key, default))
    except (TypeError, ValueError):
        return default


def answer_row(**values) -> dict:
    """An answer row with every value column empty except those given (the typed-row storage)."""
    base = {
        "option_id": None,
        "row_id": None,
        "value_number": None,
        "value_text": None,
        "value_date": None,
        "rank": None,
        "dont_know": False,
    }
    base.update(values)
    return base


@dataclass(frozen=True)
class QuestionType:
    """Base behaviour; subclasses override what differs."""

    key: str
    label: Any
    has_choices: bool = False
    has_rows: bool = False
    answerable: bool = True
    settings: tuple[str, ...] = field(default_factory=tuple)

    def name(self, question) -> str:
        return f"q{question.id}"

    def field_names(self, question) -> list[str]:
        return [self.name(question)]

    def parse(self, question, raw: Raw):
        """The typed value, None when unanswered; AnswerError for values the question refuses."""
        return _first(raw, self.name(question)) or None

    def to_rows(self, question, value) -> list[dict]:
        return [answer_row(value_text=value)]

    def from_rows(self, question, rows) -> Any:
        return rows[0].value_text if rows else None

    def to_raw(self, question, value) -> Raw:
        return {self.name(question): [str(value)]} if value is not None else {}

    def display(self, question, value) -> str:
        """The value as a person reads it (Meine Teilnahmen)."""
        return "" if value is None else str(value)


class DisplayType(QuestionType):
    def field_names(self, question) -> list[str]:
        return []

    def parse(self, question, raw):
        return None

    def to_rows(self, question, value):
        return []


class TextType(QuestionType):
    def parse(self, question, raw):
        multiline = self.key == "long_text"
        value = (raw.get(self.name(question)) or [""])[0].strip()
        if multiline:
            value = value.replace("\r\n", "\n")
        limit = _int_setting(question, "max_length", 2000 if multiline else 200)
        return _clean_text(value, limit, multiline=multiline) or None


def _german_date(text: str) -> date:
    day, month, year = text.split(".")
    return date(int(year), int(month), int(day))


def _german(iso: str | None) -> str | None:
    return date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else None


def _decimal_setting(question, key: str) -> Decimal | None:
    value = question.setting(key)
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _fmt(value: Decimal | None, fallback: str) -> str:
    return fallback if value is None else format(value.normalize(), "f").replace(".", ",")


def _choice_by_id(question, text: str):
    """The option of THIS question with the posted id; tampered or foreign ids are refused."""
    for option in question.choices:
        if str(option.id) == text:
            return option
    raise AnswerError(_("Diese Antwort gibt es bei dieser Frage nicht."))


def _other_text(question, raw: Raw, option) -> str | None:
    if not option.is_other:
        return None
    text = _clean_text(_first(raw, f"q{question.id}_other"), 300, multiline=False)
    if not text:
        raise AnswerError(_("Bitte beschreiben Sie „%(label)s“.", label=option.label))
    return text


def _label_of(question, option_id) -> str:
    return next((o.label for o in question.options if o.id == option_id), "?")
