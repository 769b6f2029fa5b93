"""Survey results: every figure is a SQL aggregate; a fixed number of queries however many responses.

The queries live in results_queries (one grouped scan of the answers does the heavy part); this module
turns their rows into the figures the pages show, and suppresses small cells in public results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from participation.surveys import results_queries as queries
from participation.surveys.models import CHANNEL_LABELS, Question
from participation.surveys.results_sql import ResultFilter, is_conditional, response_conditions

CATEGORICAL = ("single", "multiple", "yesno", "scale", "matrix", "ranking")
NUMERIC = ("number", "scale", "matrix")
TEXT = ("short_text", "long_text")
CHOICE = ("single", "multiple")


@dataclass
class Stats:
    """Summary of numeric answers (scale, number, matrix row); n excludes "weiß nicht"."""

    n: int
    mean: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    sd: float | None = None


@dataclass
class Cell:
    """One count with its share of the base; count None = suppressed (too few respondents)."""

    label: str
    code: str
    count: int | None
    pct: float | None = None


@dataclass
class RowResult:
    """A matrix row: its distribution over the scale points and its statistics."""

    label: str
    code: str
    cells: list[Cell]
    stats: Stats | None
    dont_know: int | None = 0


@dataclass
class RankResult:
    label: str
    code: str
    mean_rank: float | None
    first: int | None


@dataclass
class QuestionResult:
    """All figures of one question; base = respondents who were shown it."""

    question: Question
    base: int
    answered: int | None
    not_shown: int
    no_answer: int | None
    dont_know: int | None = None
    cells: list[Cell] = field(default_factory=list)
    stats: Stats | None = None
    rows: list[RowResult] = field(default_factory=list)
    ranks: list[RankResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    first_date: date | None = None
    last_date: date | None = None
    suppressed: bool = False

    @property
    def multiple(self) -> bool:
        return self.question.qtype == "multiple"


@dataclass
class CrossTable:
    row_question: Question
    col_question: Question
    row_labels: list[str]
    col_labels: list[str]
    counts: list[list[int | None]]


@dataclass
class Results:
    """Everything the results page, the report and the charts show."""

    total: int
    questions: list[QuestionResult]
    per_day: list[tuple[date, int | None]]
    channels: list[Cell]
    codes_issued: int = 0
    codes_used: int = 0
    cross: CrossTable | None = None
    hidden_too_few: bool = False
    threshold: int = 5

    @property
    def response_rate(self) -> float | None:
        return self.codes_used / self.codes_issued * 100 if self.codes_issued else None


class Suppressor:
    """Public results: counts of 1 .. threshold-1 become None so no individual can be singled out."""

    def __init__(self, active: bool, threshold: int):
        self.active, self.threshold = active, threshold

    def count(self, value: int | None) -> int | None:
        if value is None:
            return None
        return None if self.active and 0 < value < self.threshold else value

    def small(self, value: int) -> bool:
        return self.active and value < self.threshold


def _pct(count: int | None, base: int) -> float | None:
    return None if count is None or not base else count / base * 100


def _float(value) -> float | None:
    return None if value is None else float(value)


def compute(
    survey,
    flt: ResultFilter | None = None,
    *,
    public: bool = False,
    threshold: int = 5,
    cross: tuple[int, int] | None = None,
    with_texts: bool = True,
) -> Results:
    """All results of a survey (optionally filtered); public=True applies small-cell suppression."""
    guard = Suppressor(public, threshold)
    where = response_conditions(survey.id, flt)
    questions = [q for q in survey.ordered_questions() if q.qtype != "display"]

    multi_row = [q.id for q in questions if q.qtype in queries.MULTI_ROW]
    people = queries.respondents(where, [q for q in questions if is_conditional(q)], multi_row)
    total = people.total
    if guard.small(total):
        return Results(total, [], [], [], hidden_too_few=True, threshold=threshold)
    scan = queries.scan_answers(survey.id, flt, [q.id for q in questions if q.qtype == "number"])
    answered = {**scan.answered, **people.answered}
    dates = queries.date_ranges(survey.id, flt, [q.id for q in questions if q.qtype == "date"])
    texts = (
        queries.text_preview(survey.id, flt, [q.id for q in questions if q.qtype in TEXT])
        if with_texts and not public
        else {}
    )

    results = []
    for question in questions:
        base = people.shown.get(question.id, total)
        count = answered.get(question.id, 0)
        result = QuestionResult(
            question=question,
            base=base,
            answered=guard.count(count),
            not_shown=total - base,
            no_answer=guard.count(base - count),
            dont_know=guard.count(scan.dont_know.get(question.id, 0)),
        )
        if guard.small(base):
            result.suppressed = True
            results.append(result)
            continue
        _fill(result, scan.groups.get(question.id, []), scan, guard)
        if question.id in dates and not guard.small(count):
            result.first_date, result.last_date = dates[question.id]
        result.texts = texts.get(question.id, [])
        results.append(result)

    codes_issued, codes_used = queries.codes_issued_and_used(survey)
    return Results(
        total=total,
        questions=results,
        per_day=_per_day(people.by_day_channel, guard),
        channels=_channels(people.by_day_channel, total, guard),
        codes_issued=codes_issued,
        codes_used=codes_used,
        cross=_cross(survey, where, cross, guard) if cross else None,
        threshold=threshold,
    )


def _stats(key, scan, guard) -> Stats | None:
    numeric = scan.numeric.get(key)
    if numeric is None or numeric.n == 0:
        return None
    n = numeric.n
    if guard.small(n):
        return Stats(n=guard.count(n) or 0)
    mean = numeric.total / n
    variance = (numeric.squares - n * mean * mean) / (n - 1) if n > 1 else None
    return Stats(
        n=n,
        mean=mean,
        median=numeric.quartile(2),
        q1=numeric.quartile(1),
        q3=numeric.quartile(3),
        minimum=numeric.low,
        maximum=numeric.high,
        sd=math.sqrt(max(variance, 0.0)) if variance is not None else None,
    )


def _fill(result: QuestionResult, groups: list[queries.Group], scan: queries.Scan, guard) -> None:
    question, base = result.question, result.base
    kind = question.qtype
    if kind in CHOICE:
        counts = {g.option_id: g.count for g in groups}
        for option in question.choices:
            count = guard.count(counts.get(option.id, 0))
            result.cells.append(Cell(option.label, option.code, count, _pct(count, base)))
    elif kind == "yesno":
        counts = {int(g.value): g.count for g in groups if g.value is not None}
        for value, label, code in ((1, "Ja", "1"), (0, "Nein", "0")):
            count = guard.count(counts.get(value, 0))
            result.cells.append(Cell(label, code, count, _pct(count, base)))
    elif kind == "scale":
        result.cells = _points(
            question, {int(g.value): g.count for g in groups if g.value is not None}, base, guard
        )
        result.stats = _stats((question.id, None), scan, guard)
    elif kind == "matrix":
        for row in question.rows:
            mine = [g for g in groups if g.row_id == row.id]
            result.rows.append(
                RowResult(
                    row.label,
                    row.code,
                    _points(
                        question, {int(g.value): g.count for g in mine if g.value is not None}, base, guard
                    ),
                    _stats((question.id, row.id), scan, guard),
                    guard.count(sum(g.count for g in mine if g.dont_know)),
                )
            )
    elif kind == "ranking":
        for option in question.choices:
            ranked = [g for g in groups if g.option_id == option.id and g.value is not None]
            n = sum(g.count for g in ranked)
            first = sum(g.count for g in ranked if g.value == 1)
            small = guard.small(n)
            result.ranks.append(
                RankResult(
                    option.label,
                    option.code,
                    None if small or not n else sum(g.value * g.count for g in ranked) / n,
                    None if small else guard.count(first),
                )
            )
    elif kind == "number":
        result.stats = _stats((question.id, None), scan, guard)


def _points(question, counts: dict[int, int], base: int, guard) -> list[Cell]:
    low = int(question.setting("scale_min", 1))
    high = int(question.setting("scale_max", 5))
    cells = []
    for point in range(low, high + 1):
        label = str(point)
        if point == low and question.setting("label_min"):
            label = f"{point} ({question.setting('label_min')})"
        if point == high and question.setting("label_max"):
            label = f"{point} ({question.setting('label_max')})"
        count = guard.count(counts.get(point, 0))
        cells.append(Cell(label, str(point), count, _pct(count, base)))
    return cells


def _per_day(by_day_channel, guard) -> list[tuple[date, int | None]]:
    counts: dict[date, int] = {}
    for day, _channel, n in by_day_channel:
        counts[day] = counts.get(day, 0) + n
    if not counts:
        return []
    first, last = min(counts), max(counts)
    days = []
    day = first
    while day <= last:  # days without responses are shown as zero
        days.append((day, guard.count(counts.get(day, 0))))
        day += timedelta(days=1)
    return days


def _channels(by_day_channel, total: int, guard) -> list[Cell]:
    counts: dict[str, int] = {}
    for _day, channel, n in by_day_channel:
        counts[channel] = counts.get(channel, 0) + n
    cells = []
    for channel, label in CHANNEL_LABELS.items():
        count = guard.count(counts.get(channel.value, 0))
        cells.append(Cell(str(label), channel.value, count, _pct(count, total)))
    return cells


def _cross(survey, where, pair: tuple[int, int], guard) -> CrossTable | None:
    """Respondents per combination of two choice questions' options (multiple choice counts each option)."""
    by_id = {q.id: q for q in survey.questions if q.qtype in CHOICE}
    if pair[0] not in by_id or pair[1] not in by_id or pair[0] == pair[1]:
        return None
    first, second = by_id[pair[0]], by_id[pair[1]]
    counts = queries.pair_counts(where, first.id, second.id)
    return CrossTable(
        first,
        second,
        [o.label for o in first.choices],
        [o.label for o in second.choices],
        [
            [guard.count(counts.get((("o", x.id), ("o", y.id)), 0)) for y in second.choices]
            for x in first.choices
        ],
    )
