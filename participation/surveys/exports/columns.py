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
from participation.surveys.questions import qtype
from participation.surveys.results.sql import ResultFilter
from participation.surveys.weighting.contract import SurveyWeights

# Missing values: a value column holds a value or stays empty; why it is empty is in the question's
# status column "<code>_status" (matrix: one per row), empty when answered. One scheme for every format.
NOT_SHOWN = "nicht gezeigt"
DONT_KNOW_LABEL = "weiß nicht"
NO_ANSWER = "keine Antwort"
STATUS_VALUES = (DONT_KNOW_LABEL, NOT_SHOWN, NO_ANSWER)
HEADER_CHARS = 40  # question texts in headers are shortened to this, the code follows in brackets

# Column kinds (writers choose cell types and widths by them).
NUMBER, DATE, TEXT, LONG_TEXT, STATUS = "number", "date", "text", "long_text", "status"
WEIGHT = "gewicht"  # the weight column's code (weighting on)


@dataclass(frozen=True)
class ExportOptions:
    """The planner's choices: answers as codes or labels, headers, multiple-choice layout, filter."""

    answers: str = "labels"  # "codes" | "labels"
    headers: str = "texts"  # "texts" (shortened question text + [code]) | "codes"
    multiple: str = "columns"  # "columns" (0/1) | "joined" | "both"
    filter: ResultFilter = field(default_factory=ResultFilter)
    # Weighting switched on: a weight column after the channel (the file's figures are then weighable).
    weights: SurveyWeights | None = None


@dataclass
class QuestionColumns:
    """A question's export columns: headers, and how its answer rows become the cells of one response."""

    question_id: int
    headers: list[tuple[str, str, str]]  # (code, text, kind) per column, status columns last
    cells: Callable[[list], list]  # the question's raw answer rows -> one value per column
    statuses: int = 1  # how many status columns end the list
    short: list[str] = field(default_factory=list)  # the header texts, shortened, per column

    @property
    def values(self) -> int:
        return len(self.headers) - self.statuses

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


def shorten(text: str, limit: int = HEADER_CHARS) -> str:
    """One line, at most `limit` characters, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" -–:,;") + "…"


def short_header(question_text: str, full: str) -> str:
    """A column's header text, shortened: the question's text and what the column adds (option, row,
    status) are shortened separately, so columns of one question stay told apart."""
    if full == question_text or not full.startswith(question_text + " – "):
        return shorten(full)
    if len(full) <= HEADER_CHARS + 8:  # short enough as it is
        return full
    suffix = full[len(question_text) + 3 :]
    if suffix.endswith(" – Status") and suffix != "Status":
        suffix = shorten(suffix.removesuffix(" – Status"), 16) + " – Status"
    return f"{shorten(question_text, 24)} – {shorten(suffix, 24)}"


def header_label(code: str, text: str, mode: str) -> str:
    """The column header: the code, or the shortened text with the code in brackets."""
    return code if mode == "codes" else f"{shorten(text)} [{code}]"


def question_columns(question, options: ExportOptions, out: Cells) -> QuestionColumns:
    """The columns of one question; the cell function reads raw answer rows (no ORM access per row)."""
    as_codes = options.answers == "codes"
    kind, code, text = question.qtype, question.code, question.text
    names = {o.id: out.label(o.code if as_codes else o.label) for o in question.options}
    dont_know, no_answer = out.label(DONT_KNOW_LABEL), out.label(NO_ANSWER)
    has_other = kind in ("single", "multiple") and any(o.is_other for o in question.choices)
    status = [(f"{code}_status", f"{text} – Status", STATUS)]
    statuses = 1

    def other(rows):
        return out.text(next((r[A_TEXT] for r in rows if r[A_TEXT]), None))

    headers: list[tuple[str, str, str]] = []
    cells: Callable[[list], list]
    if kind == "single":
        headers.append((code, text, TEXT))
        if has_other:
            cells = lambda rows: [names.get(rows[0][A_OPTION]), other(rows), None]  # noqa: E731
        else:
            cells = lambda rows: [names.get(rows[0][A_OPTION]), None]  # noqa: E731
    elif kind == "multiple":
        joined = options.multiple in ("joined", "both")
        split = options.multiple in ("columns", "both")
        choices = [o.id for o in question.choices]
        order = [o.id for o in question.options]  # the questionnaire's order (answer ids are random)
        if joined:
            headers.append((code, text, TEXT))
        if split:
            headers += [(f"{code}_{o.code}", f"{text} – {o.label}", NUMBER) for o in question.choices]

        def cells(rows):
            chosen = {r[A_OPTION] for r in rows}
            values = ["|".join(names[i] for i in order if i in chosen)] if joined else []
            if split:
                values += [1 if i in chosen else 0 for i in choices]
            if has_other:
                values.append(other(rows))
            values.append(None)
            return values
    elif kind == "matrix":
        keys = [r.id for r in question.rows]
        headers += [(f"{code}_{o.code}", f"{text} – {o.label}", NUMBER) for o in question.rows]
        status = [(f"{code}_{o.code}_status", f"{text} – {o.label} – Status", STATUS) for o in question.rows]
        statuses = len(keys)

        def cells(rows):
            by_row = {r[A_ROW]: r for r in rows}
            values, states = [], []
            for key in keys:
                row = by_row.get(key)
                if row is None:
                    values.append(None)
                    states.append(no_answer)
                elif row[A_DK]:
                    values.append(None)
                    states.append(dont_know)
                else:
                    values.append(None if row[A_NUMBER] is None else int(row[A_NUMBER]))
                    states.append(None)
            return values + states
    elif kind == "ranking":
        keys = [o.id for o in question.choices]
        headers += [(f"{code}_{o.code}", f"{text} – {o.label}", NUMBER) for o in question.choices]
        cells = lambda rows: [{r[A_OPTION]: r[A_RANK] for r in rows}.get(k) for k in keys] + [None]  # noqa: E731
    elif kind == "scale":
        headers.append((code, text, NUMBER))

        def cells(rows):
            row = rows[0]
            if row[A_DK]:
                return [None, dont_know]
            return [None if row[A_NUMBER] is None else int(row[A_NUMBER]), None]
    elif kind == "yesno":
        headers.append((code, text, NUMBER if as_codes else TEXT))
        yes_no = (0, 1) if as_codes else (out.label("Nein"), out.label("Ja"))
        cells = lambda rows: [yes_no[1 if rows[0][A_NUMBER] else 0], None]  # noqa: E731
    elif kind == "number":
        headers.append((code, text, NUMBER))
        decimal = bool(question.setting("decimal"))
        cells = lambda rows: [out.number(rows[0][A_NUMBER], decimal), None]  # noqa: E731
    elif kind == "date":
        headers.append((code, text, DATE))
        cells = lambda rows: [out.day(rows[0][A_DATE]), None]  # noqa: E731
    else:  # free texts
        headers.append((code, text, LONG_TEXT if kind == "long_text" else TEXT))
        cells = lambda rows: [out.text(rows[0][A_TEXT]), None]  # noqa: E731
    if has_other:
        headers.append((f"{code}_sonst", f"{text} – Sonstiges (Text)", TEXT))
    headers += status
    short = [short_header(text, full) for _code, full, _kind in headers]
    return QuestionColumns(question.id, headers, cells, statuses, short)


def meta_headers(survey, weights: SurveyWeights | None = None) -> list[tuple[str, str, str]]:
    """Response id, day, channel and (weighting on) weight; account and access unless anonymous."""
    headers = [("id", "Antwort-ID", TEXT), ("datum", "Datum", DATE), ("kanal", "Kanal", TEXT)]
    if weights is not None:
        headers.append((WEIGHT, "Gewicht", NUMBER))
    if not survey.is_anonymous:
        headers += [("konto_id", "Konto-ID", NUMBER), ("zugang", "Zugang", TEXT)]
    return headers


def response_weight(weights: SurveyWeights, answers: dict) -> float:
    """A response's weight from its raw answer rows: the cell of its options for the mapped questions."""
    key = tuple(answers[qid][0][A_OPTION] if answers.get(qid) else None for qid in weights.question_ids)
    return weights.weight(key)


def warm(survey) -> None:
    """Load every relation the export reads, so it also works after the request's session has closed."""
    for question in survey.questions:
        for target in (question, question.page):
            for condition in target.conditions:
                _ = condition.source, condition.option
        _ = question.options


def _plan(survey, options: ExportOptions, out: Cells) -> list[QuestionColumns]:
    return [question_columns(q, options, out) for q in survey.ordered_questions() if qtype(q).answerable]


def columns(survey, options: ExportOptions) -> list[tuple[str, str, str]]:
    """Every column as (code, text, kind), in file order."""
    plan = _plan(survey, options, Cells(None))
    return meta_headers(survey, options.weights) + [header for item in plan for header in item.headers]


def iter_table(
    survey,
    options: ExportOptions,
    csv_comma: bool | None = None,
    *,
    after: str | None = None,
    batch_size: int | None = None,
) -> Iterator[list]:
    """The header row, then one row per response: typed values, or CSV-ready text when csv_comma is set.

    `after` starts after that response id (the API's keyset pages), `batch_size` responses at a time.
    """
    out = Cells(csv_comma)
    as_codes = options.answers == "codes"
    anonymous = survey.is_anonymous
    plan = _plan(survey, options, out)
    weights = options.weights
    header = [
        header_label(code, text, options.headers) for code, text, _kind in meta_headers(survey, weights)
    ]
    for item in plan:
        header += [
            code if options.headers == "codes" else f"{short} [{code}]"
            for (code, _text, _kind), short in zip(item.headers, item.short, strict=True)
        ]
    yield [out.label(label) for label in header]
    channels = {
        c.value: out.label(c.value if as_codes else str(label)) for c, label in CHANNEL_LABELS.items()
    }
    visibility = Visibility(survey)
    not_shown, no_answer = out.label(NOT_SHOWN), out.label(NO_ANSWER)
    steps = [
        (
            item.question_id,
            item.cells,
            [None] * item.values + [no_answer] * item.statuses,
            [None] * item.values + [not_shown] * item.statuses,
        )
        for item in plan
    ]

    def table_row(record) -> list:
        row = [record.id, out.day(record.submitted_on), channels.get(record.channel, record.channel)]
        if weights is not None:
            row.append(out.number(response_weight(weights, record.answers), decimal=True))
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

    for batch in reading.read_batches(survey.id, options.filter, batch_size, after=after):
        # A batch's rows are made in one go, without the cycle collector (see reading.no_cyclic_gc).
        with reading.no_cyclic_gc():
            rows = [table_row(record) for record in batch]
        yield from rows
