"""Weighted results for the survey's planners: every share, count and statistic again, with the weights.

services.compute works out the unweighted figures as before; when the planner switched weighting on,
this module adds the weighted figure beside each of them (the unweighted base stays where it was), from
two more statements (weighted_sql.py), whatever the number of responses. Public results stay unweighted:
they are protected counts of real respondents, and a weighted share beside a protected count could let
a reader work a small group back out of the weights.

Definitions (also stated on the page):
- weighted share = sum of the weights of those who chose the answer / sum of the weights of those shown
  the question (the same base as the unweighted share);
- weighted mean and standard deviation: with the weights as frequencies, the variance scaled by n/(n-1)
  with the unweighted n, so with all weights 1 both equal the unweighted figures;
- weighted quantile: the smallest value whose running weight reaches the share p of the total; where the
  running weight meets p exactly, the mean of that value and the next (with all weights 1 the median is
  the usual one; the quartiles may differ from the interpolated unweighted ones).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from participation.surveys.results import weighted_sql
from participation.surveys.results.categories import scale_points
from participation.surveys.results.sql import ResultFilter, is_conditional
from participation.surveys.weighting.contract import SurveyWeights

MULTI_ROW = ("multiple", "matrix", "ranking")
EPSILON = 1e-9


@dataclass
class WeightedStats:
    """Weighted summary of numeric answers; n is the unweighted number of answers behind it."""

    n: int
    weight: float
    mean: float
    median: float
    q1: float
    q3: float
    sd: float | None


def weighted_quantile(values: list[tuple[float, float]], p: float) -> float:
    """The weighted p-quantile of (value, weight) pairs (see the module's definition)."""
    pairs = sorted((v, w) for v, w in values if w > 0)
    total = sum(w for _v, w in pairs)
    target, running = p * total, 0.0
    for i, (value, weight) in enumerate(pairs):
        running += weight
        if running >= target - EPSILON * total:
            if abs(running - target) <= EPSILON * total and i + 1 < len(pairs):
                return (value + pairs[i + 1][0]) / 2
            return value
    return pairs[-1][0]


def _share(part: float, base: float) -> float | None:
    return part / base * 100 if base > 0 else None


def apply(results, survey, flt: ResultFilter | None, where: list, weights: SurveyWeights) -> None:
    """Add the weighted figures to computed (staff) results; two statements."""
    table = weighted_sql.weight_table(weights)
    questions = [r.question for r in results.questions]
    multi_row = [q.id for q in questions if q.qtype in MULTI_ROW]
    conditional = [q for q in questions if is_conditional(q)]
    people = weighted_sql.weighted_people(table, where, conditional, multi_row)
    numbers = [q.id for q in questions if q.qtype == "number"]
    groups = weighted_sql.weighted_groups(table, survey.id, flt, numbers)
    results.weights = weights
    results.weighted_total = people.total
    for cell in results.channels:
        cell.weighted = people.channels.get(cell.code, 0.0)
        cell.weighted_pct = _share(cell.weighted, people.total)
    for result in results.questions:
        if result.suppressed:
            continue
        base = people.shown.get(result.question.id, people.total)
        result.weighted_base = base
        answered = people.answered.get(result.question.id)
        _fill(result, groups.get(result.question.id, []), base, answered)


def _fill(result, groups: list[weighted_sql.WeightedGroup], base: float, answered: float | None) -> None:
    question, kind = result.question, result.question.qtype
    if kind in ("single", "multiple"):
        sums = _sum_by(groups, lambda g: g.option_id)
        _set(result.cells, [sums.get(option.id, 0.0) for option in question.choices], base)
    elif kind == "yesno":
        sums = _sum_by(groups, lambda g: None if g.value is None else int(g.value))
        _set(result.cells, [sums.get(1, 0.0), sums.get(0, 0.0)], base)
    elif kind in ("scale", "matrix"):
        points = [point for point, _label in scale_points(question)]
        if kind == "scale":
            _points(result, groups, points, base)
        # The rows and ranks were built in the questionnaire's order: zip pairs them with theirs.
        for row, matrix_row in zip(result.rows, question.rows, strict=False):
            _points(row, [g for g in groups if g.row_id == matrix_row.id], points, base)
    elif kind == "ranking":
        for rank, option in zip(result.ranks, question.choices, strict=False):
            mine = [(g.value, g.weight) for g in groups if g.option_id == option.id and g.value is not None]
            weight = sum(w for _v, w in mine)
            rank.weighted_mean_rank = sum(v * w for v, w in mine) / weight if weight else None
            first = sum(w for v, w in mine if v == 1)
            rank.weighted_first_pct = _share(first, answered or 0.0)
    elif kind == "number":
        _stats(result, groups)


def _points(target, groups: list[weighted_sql.WeightedGroup], points: list[int], base: float) -> None:
    """A scale (or a matrix row): weighted shares of its points and its weighted statistics."""
    sums = _sum_by(groups, lambda g: None if g.value is None else int(g.value))
    _set(target.cells, [sums.get(point, 0.0) for point in points], base)
    _stats(target, groups)


def _stats(target, groups: list[weighted_sql.WeightedGroup]) -> None:
    if target.stats is None or target.stats.mean is None:
        return  # no (or too few) answers: nothing to weigh either
    target.stats.weighted = stats_from_steps([g for g in groups if g.value is not None])


def stats_from_steps(steps: list[weighted_sql.WeightedGroup]) -> WeightedStats | None:
    """Weighted statistics from the scan's window totals and the rows around the quartiles."""
    if not steps or steps[0].total <= 0:
        return None
    first = steps[0]
    n, total = first.n, first.total
    mean = first.s1 / total
    spread = max(first.s2 / total - mean * mean, 0.0)
    ordered = sorted(steps, key=lambda g: g.upto)
    return WeightedStats(
        n=n,
        weight=total,
        mean=mean,
        median=_quantile_at(ordered, 0.5 * total, total),
        q1=_quantile_at(ordered, 0.25 * total, total),
        q3=_quantile_at(ordered, 0.75 * total, total),
        sd=math.sqrt(spread * n / (n - 1)) if n > 1 else None,
    )


def _quantile_at(steps: list[weighted_sql.WeightedGroup], target: float, total: float) -> float:
    """The value whose running weight first reaches the target; at an exact tie, its mean with the next."""
    tie = weighted_sql.TIE * total
    for i, step in enumerate(steps):
        if step.upto >= target - tie:
            if abs(step.upto - target) <= tie and i + 1 < len(steps):
                return (step.value + steps[i + 1].value) / 2  # type: ignore[operator]
            return step.value  # type: ignore[return-value]
    return steps[-1].value  # type: ignore[return-value]


def _sum_by(groups: list[weighted_sql.WeightedGroup], key) -> dict:
    sums: dict = {}
    for group in groups:
        k = key(group)
        sums[k] = sums.get(k, 0.0) + group.weight
    return sums


def _set(cells: list, sums: list[float], base: float) -> None:
    for cell, weight in zip(cells, sums, strict=True):
        if cell.count is not None:
            cell.weighted, cell.weighted_pct = weight, _share(weight, base)
