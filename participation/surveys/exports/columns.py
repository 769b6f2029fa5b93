"""What an export contains: its columns (from the questionnaire and the options) and its rows, streamed.

Rows come from one ordered query over responses LEFT JOIN answers, read in batches (a server-side cursor
on PostgreSQL), and are grouped per response: memory stays flat however many responses there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from participation.extensions import db
from participation.surveys.conditions import all_hold
from participation.surveys.models import CHANNEL_LABELS, Answer, Response
from participation.surveys.questions import DONT_KNOW, TYPES, qtype
from participation.surveys.results_sql import ResultFilter, response_conditions

NOT_SHOWN = "nicht gezeigt"
DONT_KNOW_LABEL = "weiß nicht"
BATCH = 5000


@dataclass(frozen=True)
class ExportOptions:
    """The planner's choices: answers as codes or labels, headers, multiple-choice layout, filter."""

    answers: str = "labels"  # "codes" | "labels"
    headers: str = "codes"  # "codes" | "texts" | "both"
    multiple: str = "columns"  # "columns" (0/1) | "joined" | "both"
    filter: ResultFilter = field(default_factory=ResultFilter)


@dataclass
class Column:
    code: str
    text: str
    value: Callable[[dict, set], object]  # (values by question id, shown question ids) -> cell value

    def header(self, mode: str) -> str:
        if mode == "texts":
            return self.text
        if mode == "both":
            return f"{self.code} {self.text}"
        return self.code


@dataclass
class ResponseRow:
    id: str
    submitted_on: date
    channel: str
    via: str
    user_id: int | None
    values: dict
    shown: set


def _number(value: Decimal | None, decimal: bool):
    if value is None:
        return None
    value = Decimal(value).normalize() if not isinstance(value, float) else Decimal(str(value)).normalize()
    if not decimal or value == value.to_integral_value():
        return int(value)
    return value


def build_columns(survey, options: ExportOptions) -> list[Column]:
    """Meta columns (no account, code or time column for anonymous surveys) and one or more per question."""
    as_codes = options.answers == "codes"
    columns = [
        Column("id", "Antwort-ID", lambda r, s: r["_id"]),
        Column("datum", "Datum", lambda r, s: r["_date"]),
        Column(
            "kanal",
            "Kanal",
            lambda r, s: r["_channel"] if as_codes else str(CHANNEL_LABELS.get(r["_channel"], r["_channel"])),
        ),
    ]
    if not survey.is_anonymous:
        columns.append(Column("konto_id", "Konto-ID", lambda r, s: r["_user"]))
        columns.append(Column("zugang", "Zugang", lambda r, s: r["_via"]))
    for question in survey.ordered_questions():
        if qtype(question).answerable:
            columns.extend(_question_columns(question, options, as_codes))
    return columns


def _guard(question, extract):
    """Not shown → NOT_SHOWN, shown but unanswered → None (blank), else the extracted value."""

    def value(values, shown):
        if question.id not in shown:
            return NOT_SHOWN
        answer = values.get(question.id)
        return None if answer is None else extract(answer)

    return value


def _question_columns(question, options: ExportOptions, as_codes: bool) -> list[Column]:
    kind, code, text = question.qtype, question.code, question.text
    name = (lambda o: o.code) if as_codes else (lambda o: o.label)
    by_id = {o.id: o for o in question.options}
    order = {o.id: index for index, o in enumerate(question.options)}
    rank = lambda option_id: order.get(option_id, len(order))  # noqa: E731
    columns: list[Column] = []
    if kind == "single":
        columns.append(Column(code, text, _guard(question, lambda v: name(by_id[v[0]]))))
    elif kind == "multiple":
        if options.multiple in ("joined", "both"):
            columns.append(
                # In the questionnaire's option order, not storage order (answer ids are random).
                Column(code, text, _guard(question, lambda v: "|".join(name(by_id[i]) for i in sorted(v[0], key=rank))))
            )
        if options.multiple in ("columns", "both"):
            for option in question.choices:
                columns.append(
                    Column(
                        f"{code}_{option.code}",
                        f"{text} – {option.label}",
                        _guard(question, lambda v, oid=option.id: 1 if oid in v[0] else 0),
                    )
                )
    elif kind == "matrix":
        for row in question.rows:
            columns.append(
                Column(
                    f"{code}_{row.code}",
                    f"{text} – {row.label}",
                    _guard(question, lambda v, rid=row.id: _point(v.get(rid), as_codes)),
                )
            )
    elif kind == "ranking":
        for option in question.choices:
            columns.append(
                Column(
                    f"{code}_{option.code}",
                    f"{text} – {option.label}",
                    _guard(question, lambda v, oid=option.id: v.get(oid)),
                )
            )
    elif kind == "scale":
        columns.append(Column(code, text, _guard(question, lambda v: _point(v, as_codes))))
    elif kind == "yesno":
        columns.append(
            Column(
                code,
                text,
                _guard(question, lambda v: (1 if v else 0) if as_codes else ("Ja" if v else "Nein")),
            )
        )
    elif kind == "number":
        decimal = bool(question.setting("decimal"))
        columns.append(Column(code, text, _guard(question, lambda v: _number(v, decimal))))
    else:  # texts and dates keep their type
        columns.append(Column(code, text, _guard(question, lambda v: v)))
    if kind in ("single", "multiple") and any(o.is_other for o in question.choices):
        columns.append(
            Column(f"{code}_sonst", f"{text} – Sonstiges (Text)", _guard(question, lambda v: v[1]))
        )
    return columns


def _point(value, as_codes: bool):
    if value is None:
        return None
    if value == DONT_KNOW:
        return DONT_KNOW if as_codes else DONT_KNOW_LABEL
    return int(value)


def warm(survey) -> None:
    """Load every relation the export reads, so it also works after the request's session has closed."""
    for question in survey.questions:
        for target in (question, question.page):
            for condition in target.conditions:
                _ = condition.source, condition.option
        _ = question.options


def iter_responses(survey, flt: ResultFilter | None, connection=None) -> Iterator[ResponseRow]:
    """Every matching response with its typed values and shown questions, in batches from one query.

    `connection`: a dedicated connection (streamed downloads outlive the request's session).
    """
    questions = {q.id: q for q in survey.questions}
    conditional = [q for q in survey.questions if q.conditions or q.page.conditions]
    always = {q.id for q in survey.questions} - {q.id for q in conditional}
    stmt = (
        select(
            Response.id,
            Response.submitted_on,
            Response.channel,
            Response.via,
            Response.user_id,
            Answer.question_id,
            Answer.option_id,
            Answer.row_id,
            Answer.value_number,
            Answer.value_text,
            Answer.value_date,
            Answer.rank,
            Answer.dont_know,
        )
        .select_from(Response)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(*response_conditions(survey.id, flt))
        .order_by(Response.id, Answer.id)
    )
    options = {"yield_per": BATCH, "stream_results": True}
    result = (connection or db.session).execute(stmt, execution_options=options)
    current = None
    rows: dict[int, list] = {}
    for record in result:
        if current is None or record.id != current.id:
            if current is not None:
                yield _finish(current, rows, questions, conditional, always)
            current, rows = record, {}
        if record.question_id is not None:
            rows.setdefault(record.question_id, []).append(record)
    if current is not None:
        yield _finish(current, rows, questions, conditional, always)


def _finish(record, rows, questions, conditional, always) -> ResponseRow:
    values = {}
    for qid, answer_rows in rows.items():
        question = questions.get(qid)
        if question is not None:
            values[qid] = TYPES[question.qtype].from_rows(question, answer_rows)
    shown = set(always)
    # Hidden questions store nothing, so the stored values decide visibility exactly as when answering.
    for question in conditional:
        if all_hold(question.page, values) and all_hold(question, values):
            shown.add(question.id)
    return ResponseRow(
        record.id, record.submitted_on, record.channel, record.via, record.user_id, values, shown
    )


def iter_table(survey, options: ExportOptions, connection=None) -> Iterator[list]:
    """The header row, then one row of typed cell values per response."""
    columns = build_columns(survey, options)
    yield [c.header(options.headers) for c in columns]
    for response in iter_responses(survey, options.filter, connection):
        values = dict(response.values)
        values.update(
            _id=response.id,
            _date=response.submitted_on,
            _channel=response.channel,
            _via=response.via,
            _user=response.user_id,
        )
        yield [c.value(values, response.shown) for c in columns]


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
