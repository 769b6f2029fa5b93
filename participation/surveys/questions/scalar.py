"""Question types, part 3: number, scale, matrix, yes/no, date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from participation.core.i18n import format_day
from participation.surveys.questions.base import (
    DONT_KNOW,
    AnswerError,
    QuestionType,
    _decimal_setting,
    _first,
    _fmt,
    _german,
    _german_date,
    _int_setting,
    answer_row,
)


class NumberType(QuestionType):
    def parse(self, question, raw):
        text = _first(raw, self.name(question)).replace(" ", "")
        if not text:
            return None
        decimal_allowed = bool(question.setting("decimal"))
        text = text.replace(",", ".") if decimal_allowed else text
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise AnswerError(_("Bitte geben Sie eine Zahl ein."))
        if not decimal_allowed and number != number.to_integral_value():
            raise AnswerError(_("Bitte geben Sie eine ganze Zahl ein."))
        if decimal_allowed and -number.as_tuple().exponent > 6:
            raise AnswerError(_("Bitte höchstens sechs Nachkommastellen."))
        low, high = _decimal_setting(question, "min"), _decimal_setting(question, "max")
        if (low is not None and number < low) or (high is not None and number > high):
            raise AnswerError(
                _(
                    "Bitte geben Sie eine Zahl zwischen %(low)s und %(high)s ein.",
                    low=_fmt(low, "−∞"),
                    high=_fmt(high, "∞"),
                )
            )
        return number

    def to_rows(self, question, value):
        return [answer_row(value_number=value)]

    def from_rows(self, question, rows):
        if not rows or rows[0].value_number is None:
            return None
        raw = rows[0].value_number
        # Drivers return Decimal (PostgreSQL) or float (SQLite); str() keeps a float's short form
        # (0.1, not 0.1000…).
        value = Decimal(str(raw) if isinstance(raw, float) else raw).normalize()
        return value if question.setting("decimal") else Decimal(int(value))

    def to_raw(self, question, value):
        if value is None:
            return {}
        text = format(value, "f")
        return {self.name(question): [text.replace(".", ",") if question.setting("decimal") else text]}

    def display(self, question, value):
        return "" if value is None else self.to_raw(question, value)[self.name(question)][0]


class ScaleType(QuestionType):
    def points(self, question) -> list[int]:
        low, high = _int_setting(question, "scale_min", 1), _int_setting(question, "scale_max", 5)
        return list(range(low, high + 1))

    def _parse_point(self, question, text: str):
        if not text:
            return None
        if text == DONT_KNOW and question.setting("dont_know"):
            return DONT_KNOW
        try:
            point = int(text)
        except ValueError:
            point = None
        if point not in self.points(question):
            raise AnswerError(_("Bitte wählen Sie einen Wert der Skala."))
        return point

    def parse(self, question, raw):
        return self._parse_point(question, _first(raw, self.name(question)))

    def to_rows(self, question, value):
        if value == DONT_KNOW:
            return [answer_row(dont_know=True)]
        return [answer_row(value_number=Decimal(value))]

    def from_rows(self, question, rows):
        if not rows:
            return None
        return DONT_KNOW if rows[0].dont_know else int(rows[0].value_number)

    def display(self, question, value):
        if value == DONT_KNOW:
            return _("weiß nicht")
        return "" if value is None else str(value)


class MatrixType(ScaleType):
    def row_name(self, question, row) -> str:
        return f"q{question.id}_r{row.id}"

    def field_names(self, question):
        return [self.row_name(question, row) for row in question.rows]

    def parse(self, question, raw):
        values = {}
        for row in question.rows:
            point = self._parse_point(question, _first(raw, self.row_name(question, row)))
            if point is not None:
                values[row.id] = point
        if values and question.mandatory and len(values) < len(question.rows):
            raise AnswerError(_("Bitte beantworten Sie jede Zeile."))
        return values or None

    def to_rows(self, question, value):
        rows = []
        for row_id, point in value.items():
            rows.extend({**r, "row_id": row_id} for r in ScaleType.to_rows(self, question, point))
        return rows

    def from_rows(self, question, rows):
        if not rows:
            return None
        return {r.row_id: (DONT_KNOW if r.dont_know else int(r.value_number)) for r in rows}

    def to_raw(self, question, value):
        if not value:
            return {}
        by_id = {row.id: row for row in question.rows}
        return {self.row_name(question, by_id[i]): [str(p)] for i, p in value.items() if i in by_id}

    def display(self, question, value):
        if not value:
            return ""
        labels = {row.id: row.label for row in question.rows}
        return "; ".join(
            f"{labels.get(i, '?')}: {ScaleType.display(self, question, p)}" for i, p in value.items()
        )


class YesNoType(QuestionType):
    def parse(self, question, raw):
        text = _first(raw, self.name(question))
        if not text:
            return None
        if text not in ("ja", "nein"):
            raise AnswerError(_("Bitte wählen Sie Ja oder Nein."))
        return text == "ja"

    def to_rows(self, question, value):
        return [answer_row(value_number=Decimal(1 if value else 0))]

    def from_rows(self, question, rows):
        return bool(rows[0].value_number) if rows else None

    def to_raw(self, question, value):
        return {} if value is None else {self.name(question): ["ja" if value else "nein"]}

    def display(self, question, value):
        return "" if value is None else (_("Ja") if value else _("Nein"))


class DateType(QuestionType):
    def parse(self, question, raw):
        text = _first(raw, self.name(question))
        if not text:
            return None
        try:
            value = date.fromisoformat(text) if "-" in text else _german_date(text)
        except ValueError:
            raise AnswerError(_("Bitte geben Sie ein Datum ein (TT.MM.JJJJ).")) from None
        low, high = question.setting("min_date"), question.setting("max_date")
        if (low and value < date.fromisoformat(low)) or (high and value > date.fromisoformat(high)):
            raise AnswerError(
                _(
                    "Bitte geben Sie ein Datum zwischen %(low)s und %(high)s ein.",
                    low=_german(low) or "…",
                    high=_german(high) or "…",
                )
            )
        return value

    def to_rows(self, question, value):
        return [answer_row(value_date=value)]

    def from_rows(self, question, rows):
        return rows[0].value_date if rows else None

    def to_raw(self, question, value):
        return {} if value is None else {self.name(question): [value.isoformat()]}

    def display(self, question, value):
        return format_day(value)  # "06.11.2026" in German, "6 Nov 2026" in English
