"""Survey results: every figure is a SQL aggregate; a fixed number of queries however many responses.

The queries live in queries.py (one grouped scan of the answers does the heavy part); this module
turns their rows into the figures the pages show; disclosure.py suppresses small cells in public.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from participation.surveys.models import CHANNEL_LABELS, Question
from participation.surveys.results import crosstab, queries, weighted
from participation.surveys.results.categories import scale_points
from participation.surveys.results.crosstab import CrossTable
from participation.surveys.results.disclosure import Suppressor
from participation.surveys.results.sql import ResultFilter, is_conditional, response_conditions
from participation.surveys.results.weighted import WeightedStats
from participation.surveys.weighting.contract import SurveyWeights

TEXT = ("short_text", "long_text")


@dataclass
class Stats:
    """Summary of numeric answers (scale, number, matrix row); n excludes "weiß nicht"."""

    n: int | None
    mean: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    sd: float | None = None
    weighted: WeightedStats | None = None  # staff results with weighting on (weighted.py)


@dataclass
class Cell:
    """One count with its share of the base; count None = suppressed (too few respondents)."""

    label: str
    code: str
    count: int | None
    pct: float | None = None
    weighted: float | None = None  # sum of the weights (weighting on)
    weighted_pct: float | None = None


@dataclass
class RowResult:
    """A matrix row: its distribution over the scale points and its statistics."""

    label: str
    code: str
    cells: list[Cell]
    stats: Stats | None
    dont_know: int | None = 0
    no_answer: int | None = None  # shown the matrix, this row left empty (public: protected with the rest)


@dataclass
class RankResult:
    label: str
    code: str
    mean_rank: float | None
    first: int | None
    weighted_mean_rank: float | None = None
    weighted_first_pct: float | None = None  # weighted share of those who answered who ranked it first


@dataclass
class QuestionResult:
    """All figures of one question; base = respondents who were shown it."""

    question: Question
    base: int | None  # None: protected (public results only)
    answered: int | None
    not_shown: int | None
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
    number: int = 0  # as the respondent counted: 1, 2, 3 … (text blocks have none)
    few_not_shown: bool = False  # public: withheld because only a few were not shown the question
    weighted_base: float | None = None  # sum of the weights of those shown the question (weighting on)

    @property
    def multiple(self) -> bool:
        return self.question.qtype == "multiple"


@dataclass
class Results:
    """Everything the results page, the report and the charts show."""

    total: int
    questions: list[QuestionResult]
    per_day: list[tuple[date, int | None]]
    channels: list[Cell]
    codes_issued: int = 0
    codes_used: int | None = 0  # None: protected (few used a code, or few answered without one)
    # Responses that came in without deduplication (open mode, assisted entries without a code).
    not_deduplicated: int = 0
    cross: CrossTable | None = None
    hidden_too_few: bool = False
    threshold: int = 5
    weights: SurveyWeights | None = None  # set when the figures are also shown weighted
    weighted_total: float | None = None

    @property
    def response_rate(self) -> float | None:
        if self.codes_used is None or not self.codes_issued:
            return None
        return self.codes_used / self.codes_issued * 100


def _pct(count: int | None, base: int) -> float | None:
    return None if count is None or not base else count / base * 100


def compute(
    survey,
    flt: ResultFilter | None = None,
    *,
    public: bool = False,
    threshold: int = 5,
    cross: tuple[int, int] | None = None,
    with_texts: bool = True,
    public_texts: bool = False,
    weights: SurveyWeights | None = None,
) -> Results:
    """All results of a survey (optionally filtered); public=True applies small-cell suppression.

    Free texts: always for staff (with_texts); in public results only with public_texts, and only for
    questions at least `threshold` respondents answered. With `weights` (staff only) every figure gets
    its weighted counterpart beside it (weighted.py: two more statements).
    """
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
        if with_texts and (public_texts or not public)
        else {}
    )

    results = []
    for number, question in enumerate(questions, start=1):
        base = people.shown.get(question.id, total)
        count = answered.get(question.id, 0)
        answered_shown, no_answer = guard.protect([count, base - count])
        result = QuestionResult(
            question=question,
            base=base,
            answered=answered_shown,
            not_shown=total - base,
            no_answer=no_answer,
            dont_know=guard.count(scan.dont_know.get(question.id, 0)),
            number=number,
        )
        # Few shown the question, or few not shown it (total − base): its figures stay hidden.
        if guard.small(base) or guard.count(total - base) is None:
            _withhold(result, guard, total)
            results.append(result)
            continue
        _fill(result, scan.groups.get(question.id, []), scan, guard, count)
        # The earliest and latest date are one respondent's answer each: never in public.
        if question.id in dates and not guard.active:
            result.first_date, result.last_date = dates[question.id]
        # A list of texts shows how many answered: only where that count is published.
        result.texts = [] if guard.small(count) or result.answered is None else texts.get(question.id, [])
        results.append(result)

    codes_issued, codes_used = queries.codes_issued_and_used(survey)
    out = Results(
        total=total,
        questions=results,
        per_day=_per_day(people.by_day_channel, guard),
        channels=_channels(people.by_day_channel, total, guard),
        codes_issued=codes_issued,
        codes_used=guard.chosen(codes_used, total),
        not_deduplicated=people.not_deduplicated,
        cross=crosstab.build(survey, where, cross, guard, None if public else weights) if cross else None,
        threshold=threshold,
    )
    if weights is not None and not public:
        weighted.apply(out, survey, flt, where, weights)
    return out


def _withhold(result: QuestionResult, guard, total: int) -> None:
    """A question too few were shown (or not shown): in public only base and "nicht gezeigt", protected."""
    result.suppressed = True
    base = result.base or 0
    result.few_not_shown = not guard.small(base)
    if guard.active:
        # base + not shown = the published total: both go if either is small.
        result.base, result.not_shown = guard.protect([base, total - base])
        result.answered = result.no_answer = result.dont_know = None


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
        # Public results never show the extremes: each is one person's answer.
        minimum=None if guard.active else numeric.low,
        maximum=None if guard.active else numeric.high,
        sd=math.sqrt(max(variance, 0.0)) if variance is not None else None,
    )


def _fill(
    result: QuestionResult, groups: list[queries.Group], scan: queries.Scan, guard, answered: int
) -> None:
    question, base = result.question, result.base or 0  # shown: the base is published
    kind = question.qtype
    no_answer = base - answered
    if kind == "single":
        counts = {g.option_id: g.count for g in groups}
        raw = [counts.get(option.id, 0) for option in question.choices]
        shown = _with_no_answer(result, guard, raw, no_answer)
        result.cells = [
            Cell(option.label, option.code, count, _pct(count, base))
            for option, count in zip(question.choices, shown, strict=True)
        ]
    elif kind == "multiple":
        counts = {g.option_id: g.count for g in groups}
        for option in question.choices:
            count = guard.chosen(counts.get(option.id, 0), base)
            result.cells.append(Cell(option.label, option.code, count, _pct(count, base)))
    elif kind == "yesno":
        counts = {int(g.value): g.count for g in groups if g.value is not None}
        shown = _with_no_answer(result, guard, [counts.get(1, 0), counts.get(0, 0)], no_answer)
        result.cells = [
            Cell(label, code, count, _pct(count, base))
            for (label, code), count in zip((("Ja", "1"), ("Nein", "0")), shown, strict=True)
        ]
    elif kind == "scale":
        points = scale_points(question)
        counts = {int(g.value): g.count for g in groups if g.value is not None}
        raw = [counts.get(point, 0) for point, _label in points]
        dont_know = sum(g.count for g in groups if g.dont_know)
        k = len(raw)
        # Published sums: the points give n, with "weiß nicht" the answered, with no answer the base.
        shown, withheld = guard.protect_sums(
            raw + [dont_know, no_answer], [list(range(k)), list(range(k + 1)), list(range(k + 2))]
        )
        result.cells = _cells(points, shown[:k], base)
        result.dont_know, result.no_answer = shown[k], shown[k + 1]
        if 1 in withheld or result.no_answer is None:
            result.answered = None
        result.stats = None if 0 in withheld else _stats((question.id, None), scan, guard)
        result.suppressed = 2 in withheld
    elif kind == "matrix":
        points = scale_points(question)
        k = len(points)
        # The question's "weiß nicht" adds up answers over rows: in public only per row.
        result.dont_know = None if guard.active else result.dont_know
        for row in question.rows:
            mine = [g for g in groups if g.row_id == row.id]
            counts = {int(g.value): g.count for g in mine if g.value is not None}
            raw = [counts.get(point, 0) for point, _label in points]
            dont_know = sum(g.count for g in mine if g.dont_know)
            # Published sums: the points give the row's n; with "weiß nicht" and no answer the base.
            shown, withheld = guard.protect_sums(
                raw + [dont_know, base - sum(raw) - dont_know], [list(range(k)), list(range(k + 2))]
            )
            hidden = 1 in withheld
            result.rows.append(
                RowResult(
                    row.label,
                    row.code,
                    _cells(points, [None] * k if hidden else shown[:k], base),
                    None if withheld else _stats((question.id, row.id), scan, guard),
                    None if hidden else shown[k],
                    None if hidden else shown[k + 1],
                )
            )
    elif kind == "ranking":
        firsts, means = [], []
        for option in question.choices:
            ranks = [(g.value, g.count) for g in groups if g.option_id == option.id and g.value is not None]
            n = sum(count for _rank, count in ranks)
            firsts.append(sum(count for rank, count in ranks if rank == 1))
            means.append(None if guard.small(n) or not n else sum(rank * count for rank, count in ranks) / n)
        # Every ranking has exactly one first place: the first places sum to the respondents.
        for option, mean, first in zip(question.choices, means, guard.protect(firsts), strict=True):
            result.ranks.append(RankResult(option.label, option.code, mean, first))
    elif kind == "number":
        result.stats = _stats((question.id, None), scan, guard)
        if result.stats is not None and result.answered is None:
            result.stats.n = None  # n is the answered count, protected together with "keine Antwort"


def _with_no_answer(result: QuestionResult, guard, raw: list[int], no_answer: int) -> list[int | None]:
    """Protect the options together with "keine Antwort" (they sum to the published base)."""
    k = len(raw)
    shown, withheld = guard.protect_sums(raw + [no_answer], [list(range(k)), list(range(k + 1))])
    result.no_answer = shown[k]
    if 0 in withheld or result.no_answer is None:
        result.answered = None
    result.suppressed = 1 in withheld
    return shown[:k]


def _cells(points: list[tuple[int, str]], counts: list[int | None], base: int) -> list[Cell]:
    return [
        Cell(label, str(point), count, _pct(count, base))
        for (point, label), count in zip(points, counts, strict=True)
    ]


def _per_day(by_day_channel, guard) -> list[tuple[date, int | None]]:
    counts: dict[date, int] = {}
    for day, _channel, n in by_day_channel:
        counts[day] = counts.get(day, 0) + n
    if not counts:
        return []
    days = []
    day, last = min(counts), max(counts)
    while day <= last:  # days without responses are shown as zero
        days.append(day)
        day += timedelta(days=1)
    return list(zip(days, guard.protect([counts.get(d, 0) for d in days]), strict=True))


def _channels(by_day_channel, total: int, guard) -> list[Cell]:
    counts: dict[str, int] = {}
    for _day, channel, n in by_day_channel:
        counts[channel] = counts.get(channel, 0) + n
    shown = guard.protect([counts.get(channel.value, 0) for channel in CHANNEL_LABELS])
    return [
        Cell(str(label), channel.value, count, _pct(count, total))
        for (channel, label), count in zip(CHANNEL_LABELS.items(), shown, strict=True)
    ]
