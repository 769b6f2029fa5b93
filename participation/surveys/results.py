"""Survey results: every figure is a SQL aggregate; a fixed number of queries however many responses.

Counts per option/point/row come from one GROUP BY, numeric summaries (n, mean, sd, min, max) from
another, quartiles from a window-function query that returns at most six ordered values per question,
and the "shown" bases from one query with a conditional SUM per conditional question.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from participation.core.search import contains
from participation.extensions import db
from participation.surveys.models import CHANNEL_LABELS, Answer, ParticipationCode, Question, Response
from participation.surveys.results_sql import (
    ResultFilter,
    is_conditional,
    response_conditions,
    shown_sql,
)

CATEGORICAL = ("single", "multiple", "yesno", "scale", "matrix", "ranking")
NUMERIC = ("number", "scale", "matrix")
TEXT = ("short_text", "long_text")
CHOICE = ("single", "multiple")
TEXT_PREVIEW = 5


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
    conditional = [q for q in questions if is_conditional(q)]

    # 1. Respondents, and how many were shown each conditional question.
    columns = [func.count()] + [
        func.coalesce(func.sum(case((shown_sql(q), 1), else_=0)), 0) for q in conditional
    ]
    row = db.session.execute(select(*columns).select_from(Response).where(*where)).one()
    total = int(row[0])
    shown = {q.id: int(v) for q, v in zip(conditional, row[1:], strict=True)}
    if guard.small(total):
        return Results(total, [], [], [], hidden_too_few=True, threshold=threshold)

    joined = (Answer, Response, Answer.response_id == Response.id)
    # 2. Respondents per question (distinct: multiple choice has one row per chosen option).
    per_question = {
        qid: (int(n), int(dk or 0))
        for qid, n, dk in db.session.execute(
            select(
                Answer.question_id,
                func.count(func.distinct(Answer.response_id)),
                func.sum(case((Answer.dont_know.is_(True), 1), else_=0)),
            )
            .select_from(Answer)
            .join(Response, joined[2])
            .where(*where)
            .group_by(Answer.question_id)
        )
    }
    # 3. Counts per option / scale point / matrix cell, plus ranking sums and first places.
    bucket = case((Question.qtype.in_(("scale", "matrix", "yesno")), Answer.value_number), else_=None)
    groups: dict[int, list] = {}
    for qid, option_id, row_id, value, dk, n, first, rank_sum in db.session.execute(
        select(
            Answer.question_id,
            Answer.option_id,
            Answer.row_id,
            bucket,
            Answer.dont_know,
            func.count(),
            func.sum(case((Answer.rank == 1, 1), else_=0)),
            func.sum(Answer.rank),
        )
        .select_from(Answer)
        .join(Response, joined[2])
        .join(Question, Question.id == Answer.question_id)
        .where(*where, Question.qtype.in_(CATEGORICAL))
        .group_by(Answer.question_id, Answer.option_id, Answer.row_id, bucket, Answer.dont_know)
    ):
        groups.setdefault(qid, []).append((option_id, row_id, value, dk, int(n), first, rank_sum))
    # 4. Numeric summaries per question (and matrix row); sum of squares gives the standard deviation.
    number = Answer.value_number
    summaries = {}
    for qid, row_id, n, total_sum, squares, low, high, first_day, last_day in db.session.execute(
        select(
            Answer.question_id,
            Answer.row_id,
            func.count(number),
            func.sum(number),
            func.sum(number * number),
            func.min(number),
            func.max(number),
            func.min(Answer.value_date),
            func.max(Answer.value_date),
        )
        .select_from(Answer)
        .join(Response, joined[2])
        .join(Question, Question.id == Answer.question_id)
        .where(*where, Question.qtype.in_(NUMERIC + ("date",)))
        .group_by(Answer.question_id, Answer.row_id)
    ):
        summaries[(qid, row_id)] = (int(n), total_sum, squares, low, high, first_day, last_day)
    quartiles = _quartiles(where)
    texts = (
        _text_preview(where, [q.id for q in questions if q.qtype in TEXT])
        if with_texts and not public
        else {}
    )

    results = []
    for question in questions:
        base = shown.get(question.id, total)
        answered, dont_know = per_question.get(question.id, (0, 0))
        result = QuestionResult(
            question=question,
            base=base,
            answered=guard.count(answered),
            not_shown=total - base,
            no_answer=guard.count(base - answered),
            dont_know=guard.count(dont_know),
        )
        if guard.small(base):
            result.suppressed = True
            results.append(result)
            continue
        _fill(result, groups.get(question.id, []), summaries, quartiles, guard)
        result.texts = texts.get(question.id, [])
        results.append(result)

    return Results(
        total=total,
        questions=results,
        per_day=_per_day(where, guard),
        channels=_channels(where, total, guard),
        codes_issued=(codes := _codes(survey))[0],
        codes_used=codes[1],
        cross=_cross(survey, where, cross, guard) if cross else None,
        threshold=threshold,
    )


def _stats(key, summaries, quartiles, guard) -> Stats | None:
    if key not in summaries:
        return None
    n, total_sum, squares, low, high, _first, _last = summaries[key]
    if n == 0 or guard.small(n):
        return Stats(n=guard.count(n) or 0) if n else None
    mean = float(total_sum) / n
    variance = (float(squares) - n * mean * mean) / (n - 1) if n > 1 else None
    q = quartiles.get(key, {})
    return Stats(
        n=n,
        mean=mean,
        median=q.get(2),
        q1=q.get(1),
        q3=q.get(3),
        minimum=_float(low),
        maximum=_float(high),
        sd=math.sqrt(max(variance, 0.0)) if variance is not None else None,
    )


def _fill(result: QuestionResult, rows: list, summaries, quartiles, guard) -> None:
    question, base = result.question, result.base
    kind = question.qtype
    if kind in CHOICE:
        counts = {option_id: n for option_id, _r, _v, _dk, n, _f, _s in rows}
        for option in question.choices:
            count = guard.count(counts.get(option.id, 0))
            result.cells.append(Cell(option.label, option.code, count, _pct(count, base)))
    elif kind == "yesno":
        counts = {int(v): n for _o, _r, v, _dk, n, _f, _s in rows if v is not None}
        for value, label, code in ((1, "Ja", "1"), (0, "Nein", "0")):
            count = guard.count(counts.get(value, 0))
            result.cells.append(Cell(label, code, count, _pct(count, base)))
    elif kind == "scale":
        result.cells = _points(
            question, {int(v): n for _o, _r, v, _dk, n, _f, _s in rows if v is not None}, base, guard
        )
        result.stats = _stats((question.id, None), summaries, quartiles, guard)
    elif kind == "matrix":
        for row in question.rows:
            points = {int(v): n for _o, r, v, _dk, n, _f, _s in rows if r == row.id and v is not None}
            dont_know = sum(n for _o, r, _v, dk, n, _f, _s in rows if r == row.id and dk)
            result.rows.append(
                RowResult(
                    row.label,
                    row.code,
                    _points(question, points, base, guard),
                    _stats((question.id, row.id), summaries, quartiles, guard),
                    guard.count(dont_know),
                )
            )
    elif kind == "ranking":
        by_option = {o: (n, f, s) for o, _r, _v, _dk, n, f, s in rows}
        for option in question.choices:
            n, first, rank_sum = by_option.get(option.id, (0, 0, 0))
            small = guard.small(n)
            result.ranks.append(
                RankResult(
                    option.label,
                    option.code,
                    None if small or not n else float(rank_sum) / n,
                    None if small else guard.count(int(first or 0)),
                )
            )
    elif kind == "number":
        result.stats = _stats((question.id, None), summaries, quartiles, guard)
    elif kind == "date" and (question.id, None) in summaries and not guard.small(result.answered or 0):
        result.first_date, result.last_date = summaries[(question.id, None)][5:7]


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


def _quartiles(where) -> dict:
    """Quartiles by linear interpolation (like Excel QUARTIL.INKL): SQL picks the two neighbours."""
    number = Answer.value_number
    partition = (Answer.question_id, Answer.row_id)
    ranked = (
        select(
            Answer.question_id.label("qid"),
            Answer.row_id.label("rid"),
            number.label("v"),
            func.row_number().over(partition_by=partition, order_by=number).label("rn"),
            func.count().over(partition_by=partition).label("cnt"),
        )
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .join(Question, Question.id == Answer.question_id)
        .where(*where, Question.qtype.in_(NUMERIC), number.is_not(None))
        .subquery()
    )
    wanted = []
    for k in (1, 2, 3):
        h = (ranked.c.cnt - 1) * k
        low = h // 4 + 1  # floor division of integers, the same on both databases
        wanted.append(ranked.c.rn == low)
        wanted.append(ranked.c.rn == low + case((h % 4 != 0, 1), else_=0))
    picked: dict = {}
    for qid, rid, value, rn, cnt in db.session.execute(
        select(ranked.c.qid, ranked.c.rid, ranked.c.v, ranked.c.rn, ranked.c.cnt).where(or_(*wanted))
    ):
        picked.setdefault((qid, rid), {})[int(rn)] = (float(value), int(cnt))
    result = {}
    for key, values in picked.items():
        cnt = next(iter(values.values()))[1]
        result[key] = {}
        for k in (1, 2, 3):
            h = (cnt - 1) * k
            low, frac = h // 4 + 1, (h % 4) / 4
            lo = values[low][0]
            hi = values.get(low + 1, values[low])[0] if frac else lo
            result[key][k] = lo + (hi - lo) * frac
    return result


def _text_preview(where, question_ids: list[int]) -> dict[int, list[str]]:
    """The first few texts per free-text question, in one query (the full list is paginated)."""
    if not question_ids:
        return {}
    numbered = (
        select(
            Answer.question_id.label("qid"),
            Answer.value_text.label("text"),
            func.row_number().over(partition_by=Answer.question_id, order_by=Answer.id).label("rn"),
        )
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .where(*where, Answer.question_id.in_(question_ids), Answer.value_text.is_not(None))
        .subquery()
    )
    texts: dict[int, list[str]] = {}
    for qid, text in db.session.execute(
        select(numbered.c.qid, numbered.c.text).where(numbered.c.rn <= TEXT_PREVIEW).order_by(numbered.c.rn)
    ):
        texts.setdefault(qid, []).append(text)
    return texts


def text_answers(survey, question, flt: ResultFilter | None, search: str, page: int, per_page: int = 25):
    """One page of a free-text question's answers, optionally containing a search term."""
    where = response_conditions(survey.id, flt) + [
        Answer.question_id == question.id,
        Answer.value_text.is_not(None),
    ]
    if search:
        where.append(contains(Answer.value_text, search))
    base = select(Answer.value_text).select_from(Answer).join(Response, Answer.response_id == Response.id)
    count = db.session.scalar(select(func.count()).select_from(base.where(*where).subquery()))
    rows = db.session.scalars(
        base.where(*where).order_by(Answer.id).offset((page - 1) * per_page).limit(per_page)
    )
    return list(rows), int(count or 0)


def _per_day(where, guard) -> list[tuple[date, int | None]]:
    counts = dict(
        db.session.execute(
            select(Response.submitted_on, func.count()).where(*where).group_by(Response.submitted_on)
        ).all()
    )
    if not counts:
        return []
    first, last = min(counts), max(counts)
    days = []
    day = first
    while day <= last:  # days without responses are shown as zero
        days.append((day, guard.count(int(counts.get(day, 0)))))
        day += timedelta(days=1)
    return days


def _channels(where, total: int, guard) -> list[Cell]:
    counts = dict(
        db.session.execute(
            select(Response.channel, func.count()).where(*where).group_by(Response.channel)
        ).all()
    )
    cells = []
    for channel, label in CHANNEL_LABELS.items():
        count = guard.count(int(counts.get(channel.value, 0)))
        cells.append(Cell(str(label), channel.value, count, _pct(count, total)))
    return cells


def _codes(survey) -> tuple[int, int]:
    issued, used = db.session.execute(
        select(func.count(), func.count(ParticipationCode.used_on)).where(
            ParticipationCode.survey_id == survey.id
        )
    ).one()
    return int(issued), int(used)


def _cross(survey, where, pair: tuple[int, int], guard) -> CrossTable | None:
    """Respondents per combination of two choice questions' options (multiple choice counts each option)."""
    by_id = {q.id: q for q in survey.questions if q.qtype in CHOICE}
    if pair[0] not in by_id or pair[1] not in by_id or pair[0] == pair[1]:
        return None
    first, second = by_id[pair[0]], by_id[pair[1]]
    a, b = aliased(Answer), aliased(Answer)
    counts = {
        (x, y): int(n)
        for x, y, n in db.session.execute(
            select(a.option_id, b.option_id, func.count())
            .select_from(a)
            .join(b, and_(b.response_id == a.response_id, b.question_id == second.id))
            .join(Response, Response.id == a.response_id)
            .where(*where, a.question_id == first.id)
            .group_by(a.option_id, b.option_id)
        )
    }
    return CrossTable(
        first,
        second,
        [o.label for o in first.choices],
        [o.label for o in second.choices],
        [[guard.count(counts.get((x.id, y.id), 0)) for y in second.choices] for x in first.choices],
    )
