"""What an export contains: its columns (from the questionnaire and the options) and its rows, streamed.

The questionnaire is turned into plain cell functions once; each response (read in batches, see
reading.py) then only runs those functions over its raw answer rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from participation.surveys.exports import reading
from participation.surveys.exports.reading import (
    A_DATE,
    A_DK,
    A_NUMBER,
    A_OPTION,
    A_RANK,
    A_ROW,
    A_TEXT,
    Visibility,
)
from participation.surveys.exports.writers import decimal_text, defuse
from participation.surveys.models import CHANNEL_LABELS
from participation.surveys.questions import DONT_KNOW, qtype
from participation.surveys.results.sql import ResultFilter

NOT_SHOWN = "nicht gezeigt"
DONT_KNOW_LABEL = "weiß nicht"


@dataclass(frozen=True)
class ExportOptions:
    """The planner's choices: answers as codes or labels, headers, multiple-choice layout, filter."""

    answers: str = "labels"  # "codes" | "labels"
    headers: str = "codes"  # "codes" | "texts" | "both"
    multiple: str = "columns"  # "columns" (0/1) | "joined" | "both"
    filter: ResultFilter = field(default_factory=ResultFilter)


@dataclass
class QuestionColumns:
    """A question's export columns: headers, and how its answer rows become the cells of one response."""

    question_id: int
    headers: list[tuple[str, str]]  # (code, text) per column
    cells: Callable[[list], list]  # the question's raw answer rows -> one value per column

    @property
    def width(self) -> int:
        return len(self.headers)


class Cells:
    """How values become cells: typed (XLSX, ODS) or, for CSV, final text made once per value.

    CSV cells leave here ready for csv.writer (text, int or None), so writing a row costs no further
    per-cell work: numbers carry the chosen decimal mark, text that could run as a formula is defused
    (labels once when the plan is made, free text per value).
    """

    def __init__(self, csv_comma: bool | None):
        self.csv = csv_comma is not None
        self.comma = bool(csv_comma)

    def label(self, text: str):
        return defuse(text) if self.csv else text

    def text(self, value):
        return defuse(value) if self.csv and value is not None else value

    def number(self, value, decimal: bool):
        """A stored number as an int when whole (or the question takes integers), else a decimal."""
        if value is None:
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if not decimal or value.is_integer():
                return int(value)
            value = Decimal(repr(value))
        elif not decimal or value == value.to_integral_value():
            return int(value)
        return decimal_text(value, self.comma) if self.csv else value.normalize()

    def day(self, value):
        if isinstance(value, str):  # SQLite's driver returns dates as ISO text
            return value if self.csv else date.fromisoformat(value)
        return value.isoformat() if self.csv and value is not None else value


def _header(code: str, text: str, mode: str) -> str:
    if mode == "texts":
        return text
    if mode == "both":
        return f"{code} {text}"
    return code


def question_columns(question, options: ExportOptions, out: Cells) -> QuestionColumns:
    """The columns of one question; the cell function reads raw answer rows (no ORM access per row)."""
    as_codes = options.answers == "codes"
    kind, code, text = question.qtype, question.code, question.text
    names = {o.id: out.label(o.code if as_codes else o.label) for o in question.options}
    dont_know = DONT_KNOW if as_codes else out.label(DONT_KNOW_LABEL)
    has_other = kind in ("single", "multiple") and any(o.is_other for o in question.choices)

    def point(row):
        return dont_know if row[A_DK] else (None if row[A_NUMBER] is None else int(row[A_NUMBER]))

    def other(rows):
        return out.text(next((r[A_TEXT] for r in rows if r[A_TEXT]), None))

    headers: list[tuple[str, str]] = []
    if kind == "single":
        headers.append((code, text))
        cells = (lambda rows: [names.get(rows[0][A_OPTION]), other(rows)]) if has_other else None
        cells = cells or (lambda rows: [names.get(rows[0][A_OPTION])])
    elif kind == "multiple":
        joined = options.multiple in ("joined", "both")
        split = options.multiple in ("columns", "both")
        choices = [o.id for o in question.choices]
        order = [o.id for o in question.options]  # the questionnaire's order (answer ids are random)
        if joined:
            headers.append((code, text))
        if split:
            headers += [(f"{code}_{o.code}", f"{text} – {o.label}") for o in question.choices]

        def cells(rows):
            chosen = {r[A_OPTION] for r in rows}
            values = ["|".join(names[i] for i in order if i in chosen)] if joined else []
            if split:
                values += [1 if i in chosen else 0 for i in choices]
            if has_other:
                values.append(other(rows))
            return values
    elif kind in ("matrix", "ranking"):
        keys = [r.id for r in question.rows] if kind == "matrix" else [o.id for o in question.choices]
        labelled = question.rows if kind == "matrix" else question.choices
        headers += [(f"{code}_{o.code}", f"{text} – {o.label}") for o in labelled]
        if kind == "matrix":
            cells = lambda rows: [{r[A_ROW]: point(r) for r in rows}.get(k) for k in keys]  # noqa: E731
        else:
            cells = lambda rows: [{r[A_OPTION]: r[A_RANK] for r in rows}.get(k) for k in keys]  # noqa: E731
    else:
        headers.append((code, text))
        if kind == "scale":
            cells = lambda rows: [point(rows[0])]  # noqa: E731
        elif kind == "yesno":
            yes_no = (0, 1) if as_codes else (out.label("Nein"), out.label("Ja"))
            cells = lambda rows: [yes_no[1 if rows[0][A_NUMBER] else 0]]  # noqa: E731
        elif kind == "number":
            decimal = bool(question.setting("decimal"))
            cells = lambda rows: [out.number(rows[0][A_NUMBER], decimal)]  # noqa: E731
        elif kind == "date":
            cells = lambda rows: [out.day(rows[0][A_DATE])]  # noqa: E731
        else:  # free texts
            cells = lambda rows: [out.text(rows[0][A_TEXT])]  # noqa: E731
    if has_other:
        headers.append((f"{code}_sonst", f"{text} – Sonstiges (Text)"))
    return QuestionColumns(question.id, headers, cells)


def meta_headers(survey) -> list[tuple[str, str]]:
    """Response id, day and channel; account and access only where the survey is not anonymous."""
    headers = [("id", "Antwort-ID"), ("datum", "Datum"), ("kanal", "Kanal")]
    if not survey.is_anonymous:
        headers += [("konto_id", "Konto-ID"), ("zugang", "Zugang")]
    return headers


def warm(survey) -> None:
    """Load every relation the export reads, so it also works after the request's session has closed."""
    for question in survey.questions:
        for target in (question, question.page):
            for condition in target.conditions:
                _ = condition.source, condition.option
        _ = question.options


def iter_table(survey, options: ExportOptions, csv_comma: bool | None = None) -> Iterator[list]:
    """The header row, then one row per response: typed values, or CSV-ready text when csv_comma is set."""
    out = Cells(csv_comma)
    as_codes = options.answers == "codes"
    anonymous = survey.is_anonymous
    plan = [question_columns(q, options, out) for q in survey.ordered_questions() if qtype(q).answerable]
    header = [_header(code, text, options.headers) for code, text in meta_headers(survey)]
    header += [_header(code, text, options.headers) for item in plan for code, text in item.headers]
    yield [out.label(h) for h in header]
    channels = {
        c.value: out.label(c.value if as_codes else str(label)) for c, label in CHANNEL_LABELS.items()
    }
    visibility = Visibility(survey)
    steps = [(item.question_id, item.cells, [None] * item.width, [NOT_SHOWN] * item.width) for item in plan]

    def table_row(record) -> list:
        row = [record.id, out.day(record.submitted_on), channels.get(record.channel, record.channel)]
        if not anonymous:
            row += [record.user_id, record.via]
        answers = record.answers
        shown = visibility.shown(answers)
        for qid, cells, blank, hidden in steps:
            if qid not in shown:
                row += hidden
            elif qid in answers:
                row += cells(answers[qid])
            else:
                row += blank
        return row

    for batch in reading.read_batches(survey.id, options.filter):
        # A batch's rows are made in one go, without the cycle collector (see reading.no_cyclic_gc).
        with reading.no_cyclic_gc():
            rows = [table_row(record) for record in batch]
        yield from rows


def codebook(survey) -> Iterator[list]:
    """Question codes, texts, types, option codes and labels, and what blank cells mean."""
    yield ["Code", "Frage / Text", "Typ", "Antwortcode", "Antwort"]
    for question in survey.ordered_questions():
        kind = qtype(question)
        if not kind.answerable:
            continue
        yield [question.code, question.text, str(kind.label), None, None]
        for option in question.options:
            yield [
                f"{question.code}_{option.code}",
                None,
                "Zeile" if option.kind == "row" else "Option",
                option.code,
                option.label,
            ]
        if question.qtype in ("scale", "matrix"):
            low, high = question.setting("scale_min", 1), question.setting("scale_max", 5)
            yield [
                None,
                None,
                "Skala",
                f"{low}–{high}",
                f"{question.setting('label_min', '')} – {question.setting('label_max', '')}",
            ]
            if question.setting("dont_know"):
                yield [None, None, "Skala", DONT_KNOW, DONT_KNOW_LABEL]
        if question.qtype == "yesno":
            yield [None, None, "Ja/Nein", "1", "Ja"]
            yield [None, None, "Ja/Nein", "0", "Nein"]
    yield []
    yield ["Fehlende Werte", None, None, None, None]
    yield [None, "leere Zelle", None, None, "keine Antwort (Frage gezeigt, nicht beantwortet)"]
    yield [None, NOT_SHOWN, None, None, "Frage wurde wegen einer Bedingung nicht gezeigt"]
    yield [None, "0 / 1", None, None, "Mehrfachauswahl: Option nicht gewählt / gewählt"]
