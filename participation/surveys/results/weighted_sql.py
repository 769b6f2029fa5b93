"""The SQL of weighted results: each response's weight as a subquery, and the weighted sums over it.

A response's weight is its cell's (the options it chose for the mapped questions). The cells are few
(districts × age bands), so the weight is a CASE over the cells on a pivot of the mapped answers: one
grouped pass over those answers, joined to whatever is summed. Unmatched responses (a mapped question
unanswered, an unmapped option) weigh 1.0, as SurveyWeights.weight says. Every function is one statement,
so weighting adds a fixed number of queries, and the unweighted path does not run any of this.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Float, and_, case, func, literal_column, select, type_coerce

from participation.extensions import db
from participation.surveys.models import Answer, Response
from participation.surveys.results.queries import pair_totals, presence_flags, response_weight, scan_statement
from participation.surveys.results.sql import ResultFilter
from participation.surveys.weighting.contract import SurveyWeights


def _number(value: float | int) -> object:
    # Option ids and weights are our own numbers: inlined, so hundreds of cells never hit a bind limit.
    return literal_column(repr(float(value)) if isinstance(value, float) else str(int(value)))


def weight_table(weights: SurveyWeights):
    """A subquery (response_id, w): the weight of every response that answered a mapped question."""
    keys = [
        func.max(case((Answer.question_id == qid, Answer.option_id))).label(f"k{i}")
        for i, qid in enumerate(weights.question_ids)
    ]
    pivot = (
        select(Answer.response_id.label("response_id"), *keys)
        .where(Answer.question_id.in_(weights.question_ids))
        .group_by(Answer.response_id)
        .subquery("cells")
    )
    branches = []
    for cell, w in weights.cell_weights.items():
        same = [
            pivot.c[f"k{i}"].is_(None) if option is None else pivot.c[f"k{i}"] == _number(option)
            for i, option in enumerate(cell)
        ]
        branches.append((and_(*same), _number(float(w))))
    weight = case(*branches, else_=_number(1.0)) if branches else _number(1.0)
    return select(pivot.c.response_id, type_coerce(weight, Float).label("w")).subquery("weights")


@dataclass
class WeightedPeople:
    """Weighted respondents: in all, per channel, shown each conditional question, answered multi-row ones."""

    total: float = 0.0
    channels: dict[str, float] = field(default_factory=dict)
    shown: dict[int, float] = field(default_factory=dict)
    answered: dict[int, float] = field(default_factory=dict)


def weighted_people(table, where: list, conditional: list, multi_row_ids: list[int]) -> WeightedPeople:
    """The weighted counterpart of queries.respondents (one statement, grouped by channel)."""
    w = response_weight(table)
    flags = presence_flags(conditional, multi_row_ids, weight=w)
    rows = db.session.execute(
        select(Response.channel, func.sum(w), *(func.sum(f) for f in flags))
        .select_from(Response)
        .outerjoin(table, table.c.response_id == Response.id)
        .where(*where)
        .group_by(Response.channel)
    ).all()
    sums = [sum(float(row[2 + i] or 0) for row in rows) for i in range(len(flags))]
    return WeightedPeople(
        total=sum(float(row[1] or 0) for row in rows),
        channels={row[0]: float(row[1] or 0) for row in rows},
        shown={q.id: sums[i] for i, q in enumerate(conditional)},
        answered={qid: sums[len(conditional) + i] for i, qid in enumerate(multi_row_ids)},
    )


@dataclass(frozen=True)
class WeightedGroup:
    """One group of the weighted scan: like queries.Group, with the sum of weights beside the count.

    Rows with a number also carry their partition's (question, matrix row) totals and the running weight
    up to and including this value (`upto`), from which the weighted quantiles are read.
    """

    option_id: int | None
    row_id: int | None
    value: float | None
    dont_know: bool
    count: int
    weight: float
    upto: float = 0.0
    n: int = 0
    total: float = 0.0
    s1: float = 0.0
    s2: float = 0.0


QUARTILES = (0.25, 0.5, 0.75)
TIE = 1e-9  # relative: a running weight this close to a quartile's target meets it exactly


def _holds_weighted_quartile(w) -> list:
    """Whether a row holds a weighted quartile: its target T = p·total lies in the row's running weight."""
    # The running weight before the row is at most T and with it at least T; at an exact tie the next row
    # comes too (for the mean of the two).
    return [and_(w.upto - w.sw <= w.total * (p + TIE), w.upto >= w.total * (p - TIE)) for p in QUARTILES]


def weighted_groups(
    table, survey_id: int, flt: ResultFilter | None, number_ids: list[int]
) -> dict[int, list[WeightedGroup]]:
    """Every (question, option, row, value, "weiß nicht") group with its weight sum, in one statement.

    The unweighted scan's statement (queries.scan_statement) with the weight table: window functions over
    the grouped rows add each numeric partition's n, weight, weighted sums and the running weight; of a
    number question's value histogram only the rows around a weighted quartile come back.
    """
    statement = scan_statement(survey_id, flt, number_ids, _holds_weighted_quartile, weights=table)
    groups: dict[int, list[WeightedGroup]] = defaultdict(list)
    for row in db.session.execute(statement):
        numeric = row.v is not None
        groups[row.qid].append(
            WeightedGroup(
                row.oid,
                row.rid,
                float(row.v) if numeric else None,
                bool(row.dk),
                int(row.c),
                float(row.sw or 0),
                float(row.upto or 0) if numeric else 0.0,
                int(row.n or 0) if numeric else 0,
                float(row.total or 0) if numeric else 0.0,
                float(row.s1 or 0) if numeric else 0.0,
                float(row.s2 or 0) if numeric else 0.0,
            )
        )
    return groups


def weighted_pair_sums(table, where: list, first_id: int, second_id: int) -> dict[tuple, float]:
    """queries.pair_counts with the sum of weights instead of the count."""
    return {key: float(weight or 0) for key, weight in pair_totals(where, first_id, second_id, table)}
