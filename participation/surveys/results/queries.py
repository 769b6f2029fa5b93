"""The SQL behind the results: one grouped scan of the answers, and a few small queries around it.

The answers are read once, grouped by (question, option, row, value, "weiß nicht"): that single scan is
what a hand-written aggregate over the same data costs. Window functions over the *grouped* rows (far
fewer than the answers) add n, sum, sum of squares, min and max per numeric question, and the running
count that locates the quartiles; of a number question's value histogram only the rows holding a
quartile come back, so Python never sees one row per response. The weighted figures (weighted_sql.py)
run the same statements with a weight table joined in: a group then weighs the sum of its responses'
weights instead of its count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import (
    BigInteger,
    Float,
    and_,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased

from participation.core.search import contains
from participation.extensions import db
from participation.surveys.models import Answer, ParticipationCode, Response
from participation.surveys.results.sql import ResultFilter, of_responses, response_conditions, shown_sql

# Question types whose answer has several rows per respondent (options, matrix rows, ranks).
MULTI_ROW = ("multiple", "matrix", "ranking")
TEXT_PREVIEW = 5


@dataclass
class Numeric:
    """n, sum, sum of squares, min, max and the quartile positions' values of one numeric variable."""

    n: int
    total: float
    squares: float
    low: float
    high: float
    steps: list[tuple[int, float]] = field(default_factory=list)  # (running count, value), ascending

    def value_at(self, position: int) -> float:
        """The position-th smallest value (1-based), from the running counts."""
        for upto, value in self.steps:
            if upto >= position:
                return value
        return self.steps[-1][1]

    def quartile(self, k: int) -> float:
        """Quartile k by linear interpolation between neighbours (like Excel QUARTIL.INKL)."""
        h = (self.n - 1) * k
        low, frac = h // 4 + 1, (h % 4) / 4
        lo = self.value_at(low)
        return lo + (self.value_at(low + 1) - lo) * frac if frac else lo


@dataclass(frozen=True)
class Group:
    """One group of the scan: answers with the same option, matrix row, number and "weiß nicht"."""

    option_id: int | None
    row_id: int | None
    value: float | None  # the value, or the rank for ranking questions
    dont_know: bool
    count: int


@dataclass
class Scan:
    """What the one grouped scan of the answers yields, keyed by question (and matrix row)."""

    groups: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    numeric: dict[tuple[int, int | None], Numeric] = field(default_factory=dict)
    answered: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    dont_know: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def response_weight(weights):
    """A response's weight from a weight table (response_id, w): a response missing from it weighs 1."""
    return func.coalesce(weights.c.w, literal_column("1.0"))


def scan_statement(
    survey_id: int, flt: ResultFilter | None, number_ids: list[int], holds_quartile, weights=None
):
    """The one grouped scan with its window totals; with a weight table, weighted by the responses' weights.

    A group weighs its count, or given `weights` (a subquery response_id, w) the sum of its responses'
    weights (sw): the running weight (upto) and the sums s1, s2 are taken over that. Unweighted rows carry
    the partition's min and max, weighted ones its total weight. Of a number question's value histogram
    only the rows for which `holds_quartile(windowed columns)` has a true condition come back.
    """
    # A row's number: its value (scale, number, yes/no, matrix) or its rank (ranking); never both.
    number = func.coalesce(Answer.value_number, Answer.rank)
    columns: list = [
        Answer.question_id.label("qid"),
        Answer.option_id.label("oid"),
        Answer.row_id.label("rid"),
        number.label("v"),
        Answer.dont_know.label("dk"),
        func.count().label("c"),
    ]
    if weights is not None:
        columns.append(func.sum(response_weight(weights)).label("sw"))
    # Numbers and non-numbers in separate partitions (NULLs sort differently per database).
    columns.append(case((number.is_(None), 0), else_=1).label("num"))
    source = select(*columns).select_from(Answer)
    if weights is not None:
        source = source.outerjoin(weights, weights.c.response_id == Answer.response_id)
    grouped = (
        of_responses(source, survey_id, flt)
        .group_by(Answer.question_id, Answer.option_id, Answer.row_id, number, Answer.dont_know)
        .cte("grouped")
    )
    g = grouped.c

    def over(expr, whole: bool = True):
        # One partitioning and one order for every window: the database sorts the groups once.
        frame = (None, None) if whole else (None, 0)
        return expr.over(partition_by=(g.qid, g.rid, g.num), order_by=g.v, rows=frame)

    weight = g.c if weights is None else g.sw
    value = type_coerce(g.v, Float)
    running = over(func.sum(weight), whole=False)
    windows = [
        # PostgreSQL's sum(bigint) is numeric: cast, so the quartile positions are integer arithmetic.
        (cast(running, BigInteger) if weights is None else type_coerce(running, Float)).label("upto"),
        cast(over(func.sum(g.c)), BigInteger).label("n"),
        type_coerce(over(func.sum(value * weight)), Float).label("s1"),
        type_coerce(over(func.sum(value * value * weight)), Float).label("s2"),
    ]
    if weights is None:
        windows += [
            type_coerce(over(func.min(g.v)), Float).label("lo"),
            type_coerce(over(func.max(g.v)), Float).label("hi"),
        ]
    else:  # weighted quantiles are read against the partition's total weight
        windows += [
            type_coerce(g.sw, Float).label("sw"),
            type_coerce(over(func.sum(g.sw)), Float).label("total"),
        ]
    windowed = select(g.qid, g.oid, g.rid, value.label("v"), g.dk, g.c, *windows).subquery()
    w = windowed.c
    statement = select(windowed).order_by(w.qid, w.rid, w.upto)
    if number_ids:
        statement = statement.where(or_(w.v.is_(None), w.qid.not_in(number_ids), *holds_quartile(w)))
    return statement


def _holds_quartile(w) -> list:
    """Whether a row holds a quartile's neighbour: positions floor((n-1)k/4)+1 and the next, k = 1, 2, 3."""
    holds = []
    for k in (1, 2, 3):
        position = (w.n - 1) * k // 4 + 1
        for p in (position, position + 1):
            holds.append(and_(w.upto - w.c < p, p <= w.upto))
    return holds


def scan_answers(survey_id: int, flt: ResultFilter | None, number_ids: list[int]) -> Scan:
    """Counts, numeric summaries and quartile values for every question, in one statement."""
    statement = scan_statement(survey_id, flt, number_ids, _holds_quartile)
    scan = Scan()
    for row in db.session.execute(statement):
        if row.dk:
            scan.dont_know[row.qid] += int(row.c)
        if row.v is None:
            scan.answered[row.qid] += int(row.c)
        else:
            key = (row.qid, row.rid)
            if key not in scan.numeric:  # the partition's totals repeat on each of its rows
                scan.answered[row.qid] += int(row.n)
                scan.numeric[key] = Numeric(int(row.n), row.s1, row.s2, row.lo, row.hi)
            scan.numeric[key].steps.append((int(row.upto), row.v))
        scan.groups[row.qid].append(Group(row.oid, row.rid, row.v, bool(row.dk), int(row.c)))
    return scan


def date_ranges(
    survey_id: int, flt: ResultFilter | None, question_ids: list[int]
) -> dict[int, tuple[date, date]]:
    """Earliest and latest answer of each date question."""
    if not question_ids:
        return {}
    statement = select(Answer.question_id, func.min(Answer.value_date), func.max(Answer.value_date)).where(
        Answer.question_id.in_(question_ids)
    )
    return {
        qid: (first, last)
        for qid, first, last in db.session.execute(
            of_responses(statement, survey_id, flt).group_by(Answer.question_id)
        )
        if first is not None
    }


@dataclass
class Respondents:
    """Respondents per (day, channel), and per question: shown (conditional ones) and answered (multi-row)."""

    by_day_channel: list[tuple[date, str, int]]
    shown: dict[int, int]
    answered: dict[int, int]
    # Open-mode responses and assisted entries without a code: nothing stops one person sending several.
    not_deduplicated: int = 0

    @property
    def total(self) -> int:
        return sum(n for _day, _channel, n in self.by_day_channel)


def presence_flags(conditional: list, multi_row_ids: list[int], weight=None) -> list:
    """Per response: shown each conditional question, answered each multi-row one (1/0, or its weight/0.0)."""
    hit, miss = (1, 0) if weight is None else (weight, 0.0)
    probe = aliased(Answer)
    return [case((shown_sql(q), hit), else_=miss) for q in conditional] + [
        case((exists().where(probe.response_id == Response.id, probe.question_id == qid), hit), else_=miss)
        for qid in multi_row_ids
    ]


def respondents(where: list, conditional: list, multi_row_ids: list[int]) -> Respondents:
    """One pass over the responses: the daily and channel counts, "shown" bases and multi-row respondents.

    Whether a respondent answered a question with several rows (options, matrix rows, ranks) is one index
    probe per response (answers are indexed by response and question), cheaper than COUNT(DISTINCT).
    """
    flags = presence_flags(conditional, multi_row_ids)
    # The same pass counts the responses nobody deduplicated (see Response.deduplicated).
    flags.append(case((Response.via.in_(("account", "code")), 0), else_=1))
    rows = db.session.execute(
        select(Response.submitted_on, Response.channel, func.count(), *(func.sum(f) for f in flags))
        .where(*where)
        .group_by(Response.submitted_on, Response.channel)
    ).all()
    sums = [sum(int(row[3 + i] or 0) for row in rows) for i in range(len(flags))]
    return Respondents(
        by_day_channel=[(day, channel, int(n)) for day, channel, n, *_ in rows],
        shown={q.id: sums[i] for i, q in enumerate(conditional)},
        answered={qid: sums[len(conditional) + i] for i, qid in enumerate(multi_row_ids)},
        not_deduplicated=sums[-1],
    )


def text_preview(survey_id: int, flt: ResultFilter | None, question_ids: list[int]) -> dict[int, list[str]]:
    """The first few texts of each free-text question: one statement, a LIMIT per question."""
    if not question_ids:
        return {}
    parts = [
        of_responses(
            select(Answer.question_id.label("qid"), Answer.value_text.label("text")).where(
                Answer.question_id == qid, Answer.value_text.is_not(None)
            ),
            survey_id,
            flt,
        )
        .order_by(Answer.id)
        .limit(TEXT_PREVIEW)
        .subquery()
        for qid in question_ids
    ]
    texts: dict[int, list[str]] = {}
    statement = union_all(*(select(part.c.qid, part.c.text) for part in parts))
    for qid, text in db.session.execute(statement):
        texts.setdefault(qid, []).append(text)
    return texts


def text_answers(survey, question, flt: ResultFilter | None, search: str, page: int, per_page: int = 25):
    """One page of a free-text question's answers, optionally containing a search term."""
    where = _text_conditions(survey, question, flt, search)
    base = select(Answer.value_text).select_from(Answer).join(Response, Answer.response_id == Response.id)
    rows = db.session.scalars(
        base.where(*where).order_by(Answer.id).offset((page - 1) * per_page).limit(per_page)
    )
    return list(rows), text_count(survey, question, flt, search)


def text_count(survey, question, flt: ResultFilter | None = None, search: str = "") -> int:
    """How many answers a free-text question has (filtered, optionally containing a search term)."""
    where = _text_conditions(survey, question, flt, search)
    count = db.session.scalar(
        select(func.count())
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .where(*where)
    )
    return int(count or 0)


def _text_conditions(survey, question, flt: ResultFilter | None, search: str) -> list:
    where = response_conditions(survey.id, flt) + [
        Answer.question_id == question.id,
        Answer.value_text.is_not(None),
    ]
    if search:
        where.append(contains(Answer.value_text, search))
    return where


def codes_issued_and_used(survey) -> tuple[int, int]:
    """Participation codes issued and used (the response rate of a code survey)."""
    issued, used = db.session.execute(
        select(func.count(), func.count().filter(ParticipationCode.used)).where(
            ParticipationCode.survey_id == survey.id
        )
    ).one()
    return int(issued), int(used)


def pair_counts(where: list, first_id: int, second_id: int) -> dict[tuple, int]:
    """Respondents per combination of two questions' categories (an option id or a scale/yes-no value)."""
    return {key: int(n) for key, n in pair_totals(where, first_id, second_id)}


def pair_totals(where: list, first_id: int, second_id: int, weights=None) -> list[tuple[tuple, float]]:
    """Per combination of two questions' categories: the count, or given a weight table the sum of weights."""
    a, b = aliased(Answer), aliased(Answer)
    key_a, key_b = func.coalesce(a.option_id, -1), func.coalesce(b.option_id, -1)
    measure = func.count() if weights is None else func.sum(response_weight(weights))
    statement = (
        select(key_a, a.value_number, key_b, b.value_number, measure)
        .select_from(a)
        .join(b, and_(b.response_id == a.response_id, b.question_id == second_id))
        .join(Response, Response.id == a.response_id)
    )
    if weights is not None:
        statement = statement.outerjoin(weights, weights.c.response_id == a.response_id)
    rows = db.session.execute(
        statement.where(*where, a.question_id == first_id).group_by(
            key_a, a.value_number, key_b, b.value_number
        )
    )
    return [((_category(oa, va), _category(ob, vb)), total) for oa, va, ob, vb, total in rows]


def _category(option_id: int, value) -> tuple:
    return ("o", option_id) if option_id != -1 else ("v", None if value is None else int(value))
