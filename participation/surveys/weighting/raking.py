"""Raking (iterative proportional fitting) of survey respondents to population margins, with trimming.

Pure NumPy, no database: the weighting service hands in one row of category indices per respondent
and the population figures per dimension, and reads back one weight per respondent. Respondents that
share every category (a cell) and their base weight are raked as one group, so the work grows with the
number of distinct cells (a few dozen), not with the number of respondents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from flask_babel import gettext as _

# Totals of two dimensions' targets may differ by this much (relative) before they count as disagreeing:
# shares typed with rounding or counts read from a CSV never sum exactly alike.
TOTAL_TOLERANCE = 1e-6


@dataclass(frozen=True)
class RakingResult:
    """The weights and what the results page says about them."""

    weights: np.ndarray  # one weight per unit, mean 1.0, float64
    converged: bool
    iterations: int  # full raking cycles run (0: the start weights already fitted)
    max_margin_error: float  # largest |weighted share - target share| after the last cycle
    design_effect: float  # Kish: n * sum(w^2) / (sum w)^2
    effective_n: float  # n / design_effect
    trimmed: int  # units whose weight hit a trimming bound in the last cycle


class RakingError(Exception):
    """Raking is impossible with these data; `message` says why in German (shown to the planner)."""

    def __init__(self, message: str, *, dimension: int | None = None, category: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        # 0-based indices into `categories` columns and the dimension's target, for the caller to name them.
        self.dimension = dimension
        self.category = category


@dataclass(frozen=True)
class _Groups:
    """Units collapsed to groups of equal cell and base weight: each group is raked as one."""

    categories: np.ndarray  # (m, d) category index per group and dimension
    counts: np.ndarray  # (m,) units per group
    base: np.ndarray  # (m,) base weight of each unit in the group
    inverse: np.ndarray  # (n,) group of each unit


def rake(
    categories: np.ndarray,
    targets: Sequence[np.ndarray],
    *,
    trim_lower: float | None = 0.3,
    trim_upper: float | None = 3.0,
    tolerance: float = 1e-6,
    max_iterations: int = 200,
    base_weights: np.ndarray | None = None,
) -> RakingResult:
    """Rake unit weights to the target margins (with trimming); non-convergence is reported, not raised.

    `categories` holds per unit and dimension the index into that dimension's `targets` (population counts
    or shares; only their proportions matter). `base_weights` are design weights to start from (default 1).
    Trimming bounds are relative to the mean weight 1.0; after each raking cycle weights are clipped to them
    and the next cycle re-rakes, until margins hold to `tolerance` (absolute difference of shares) with the
    bounds kept, or `max_iterations` cycles have run.
    """
    cats = _check_categories(categories, targets)
    shares = _target_shares(targets)
    base = _check_base(base_weights, cats.shape[0])
    _check_coverage(cats, shares, base)
    lower, upper = _check_bounds(trim_lower, trim_upper)
    if max_iterations < 0 or not tolerance > 0:
        raise ValueError("max_iterations must be >= 0 and tolerance > 0")

    groups = _collapse(cats, shares, base)
    n = float(cats.shape[0])
    # Weight per unit of each group, scaled so the units' weights average 1 (the trimming bounds' scale).
    unit_w = groups.base * (n / float(np.dot(groups.counts, groups.base)))
    # Targets as weight totals over all units: the last dimension's step leaves the sum at n.
    goals = [s * n for s in shares]

    iterations = 0
    clipped = np.zeros(unit_w.shape, dtype=bool)
    error = _margin_error(groups, unit_w, shares)
    fitted = error <= tolerance and not _outside(unit_w, lower, upper).any()
    while not fitted and iterations < max_iterations:
        iterations += 1
        for dim, goal in enumerate(goals):
            column = groups.categories[:, dim]
            current = np.bincount(column, weights=groups.counts * unit_w, minlength=goal.size)
            unit_w = unit_w * _factors(goal, current)[column]
        clipped = _outside(unit_w, lower, upper)
        if clipped.any():
            unit_w = np.where(unit_w > 0, np.clip(unit_w, lower, upper), unit_w)
        error = _margin_error(groups, unit_w, shares)
        fitted = error <= tolerance

    unit_w, held = _normalised(unit_w, groups.counts, lower, upper)
    weights = unit_w[groups.inverse]
    design_effect = n * float(np.dot(weights, weights)) / float(weights.sum()) ** 2
    return RakingResult(
        weights=weights,
        converged=bool(fitted),
        iterations=iterations,
        # Of the weights handed out: after a failure the final scaling can move them noticeably.
        max_margin_error=_margin_error(groups, unit_w, shares),
        design_effect=design_effect,
        effective_n=n / design_effect,
        trimmed=int(groups.counts[clipped | held].sum()),
    )


def cell_weights(categories: np.ndarray, weights: np.ndarray) -> dict[tuple[int, ...], float]:
    """The one weight of each cell (units with equal categories); it asserts that a cell's units agree."""
    cats = np.asarray(categories)
    w = np.asarray(weights, dtype=np.float64)
    assert cats.ndim == 2 and cats.shape[0] == w.shape[0], "one row of categories per weight"
    cells, inverse = np.unique(cats, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    first = np.full(cells.shape[0], -1, dtype=np.int64)
    # The first unit of each cell (reversed assignment keeps the lowest index).
    first[inverse[::-1]] = np.arange(w.size - 1, -1, -1)
    cell_w = w[first]
    spread = np.abs(w - cell_w[inverse])
    assert not (spread > 1e-9 * np.maximum(1.0, np.abs(cell_w[inverse]))).any(), (
        "units of one cell carry different weights (base weights differ within the cell?)"
    )
    return {tuple(int(c) for c in cell): float(cw) for cell, cw in zip(cells, cell_w, strict=True)}


def _check_categories(categories: np.ndarray, targets: Sequence[np.ndarray]) -> np.ndarray:
    """Categories as an int64 (n, d) array whose indices all fall inside their dimension's targets."""
    cats = np.asarray(categories)
    if cats.ndim != 2 or cats.shape[1] != len(targets) or cats.shape[1] == 0:
        raise ValueError("categories must have shape (n_units, n_dimensions) with one target per dimension")
    if not np.issubdtype(cats.dtype, np.integer):
        raise ValueError("categories must be integer category indices")
    if cats.shape[0] == 0:
        raise RakingError(_("Es gibt keine Antworten, die gewichtet werden könnten."))
    cats = cats.astype(np.int64, copy=False)
    for dim, target in enumerate(targets):
        column = cats[:, dim]
        if column.min() < 0 or column.max() >= np.asarray(target).size:
            raise ValueError(f"dimension {dim}: category index outside 0..{np.asarray(target).size - 1}")
    return cats


def _target_shares(targets: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Each dimension's targets as shares summing to 1; the dimensions' totals must agree."""
    shares, totals = [], []
    for dim, target in enumerate(targets):
        t = np.asarray(target, dtype=np.float64).reshape(-1)
        if t.size == 0 or not np.isfinite(t).all() or (t < 0).any() or not t.sum() > 0:
            raise RakingError(
                _(
                    "Die Bevölkerungszahlen für Merkmal %(dimension)s sind ungültig: Sie müssen Zahlen von "
                    "mindestens 0 sein, und ihre Summe muss größer als 0 sein.",
                    dimension=dim + 1,
                ),
                dimension=dim,
            )
        totals.append(float(t.sum()))
        shares.append(t / t.sum())
    reference = totals[0]
    for dim, total in enumerate(totals):
        if abs(total - reference) > TOTAL_TOLERANCE * max(abs(total), abs(reference)):
            raise RakingError(
                _(
                    "Die Bevölkerungszahlen passen nicht zusammen: Merkmal %(dimension)s ergibt zusammen "
                    "%(total)s, Merkmal 1 aber %(reference)s. Alle Merkmale müssen dieselbe Gesamtzahl "
                    "haben.",
                    dimension=dim + 1,
                    total=f"{total:g}",
                    reference=f"{reference:g}",
                ),
                dimension=dim,
            )
    return shares


def _check_base(base_weights: np.ndarray | None, n: int) -> np.ndarray:
    """Base weights (design weights) as float64, all finite and positive; ones when none are given."""
    if base_weights is None:
        return np.ones(n, dtype=np.float64)
    base = np.asarray(base_weights, dtype=np.float64).reshape(-1)
    if base.size != n or not np.isfinite(base).all() or (base <= 0).any():
        raise ValueError("base_weights must hold one finite positive weight per unit")
    return base


def _check_coverage(cats: np.ndarray, shares: list[np.ndarray], base: np.ndarray) -> None:
    """Every category with residents needs respondents: raking cannot weight up nobody."""
    for dim, share in enumerate(shares):
        seen = np.bincount(cats[:, dim], weights=base, minlength=share.size)
        empty = np.flatnonzero((seen <= 0) & (share > 0))
        if empty.size:
            category = int(empty[0])
            raise RakingError(
                _(
                    "Merkmal %(dimension)s, Gruppe %(category)s: In der Bevölkerung gibt es diese Gruppe, "
                    "unter den Antworten aber niemanden. Ohne Befragte in dieser Gruppe kann nicht "
                    "gewichtet werden.",
                    dimension=dim + 1,
                    category=category + 1,
                ),
                dimension=dim,
                category=category,
            )


def _check_bounds(lower: float | None, upper: float | None) -> tuple[float, float]:
    """Trimming bounds as numbers (0 and infinity stand for none); the mean 1.0 must lie between them."""
    lo = 0.0 if lower is None else float(lower)
    hi = np.inf if upper is None else float(upper)
    if not (0.0 <= lo <= 1.0 <= hi):
        raise ValueError("trimming bounds must satisfy 0 <= trim_lower <= 1 <= trim_upper")
    return lo, hi


def _collapse(cats: np.ndarray, shares: list[np.ndarray], base: np.ndarray) -> _Groups:
    """Group units by cell and base weight; raking treats a group's units alike, so weights stay equal."""
    sizes = [s.size for s in shares]
    n_cells = float(np.prod(np.asarray(sizes, dtype=np.float64)))
    keyed = n_cells < 2.0**62
    uniform = bool(np.all(base == base[0]))
    if uniform and _few_cells(n_cells, cats.shape[0]):
        # Few possible cells (the usual case): count them without sorting the units.
        keys = np.ravel_multi_index(tuple(cats.T), sizes)
        per_cell = np.bincount(keys, minlength=int(n_cells))
        present = np.flatnonzero(per_cell)
        group_of_cell = np.zeros(per_cell.size, dtype=np.int64)
        group_of_cell[present] = np.arange(present.size)
        return _Groups(
            categories=np.column_stack(np.unravel_index(present, sizes)).astype(np.int64),
            counts=per_cell[present].astype(np.float64),
            base=np.full(present.size, base[0]),
            inverse=group_of_cell[keys],
        )
    rows: np.ndarray
    if keyed and uniform:
        rows = np.ravel_multi_index(tuple(cats.T), sizes)
    else:
        # A record per unit (cell key or category columns, then base weight): np.unique sorts records.
        columns = [np.ravel_multi_index(tuple(cats.T), sizes)] if keyed else list(cats.T)
        columns.append(base)
        rows = np.rec.fromarrays(columns)
    _, first, inverse, counts = np.unique(rows, return_index=True, return_inverse=True, return_counts=True)
    return _Groups(
        categories=cats[first],
        counts=counts.astype(np.float64),
        base=base[first],
        inverse=inverse.reshape(-1),
    )


def _normalised(
    unit_w: np.ndarray, counts: np.ndarray, lower: float, upper: float
) -> tuple[np.ndarray, np.ndarray]:
    """Unit weights scaled to mean 1 within the bounds, and which groups that scaling held at a bound.

    Clipping in the last cycle leaves the mean off 1. Scaling and clipping in turn moves the excess onto
    the units inside the bounds; after convergence this changes weights by the order of the tolerance,
    after a failure it keeps the promised mean and bounds.
    """
    n = float(counts.sum())
    w = unit_w
    held = np.zeros(w.shape, dtype=bool)
    for _pass in range(100):
        w = w * (n / float(np.dot(counts, w)))
        outside = _outside(w, lower, upper)
        if not outside.any():
            break
        held |= outside
        w = np.where(w > 0, np.clip(w, lower, upper), w)
    return w, held


def _few_cells(n_cells: float, n_units: int) -> bool:
    """Whether a count per possible cell is cheaper than sorting the units (a bincount of that length)."""
    return n_cells <= 10 * n_units + 65_536


def _factors(goal: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Raking factors per category: goal / current; categories nobody is in keep factor 1."""
    out = np.ones_like(goal)
    np.divide(goal, current, out=out, where=current > 0)
    return out


def _outside(unit_w: np.ndarray, lower: float, upper: float) -> np.ndarray:
    """Which groups' unit weights lie outside the bounds (zero weights, from zero targets, are exempt)."""
    return ((unit_w < lower) & (unit_w > 0)) | (unit_w > upper)


def _margin_error(groups: _Groups, unit_w: np.ndarray, shares: list[np.ndarray]) -> float:
    """Largest absolute difference between a category's weighted share and its target share."""
    mass = groups.counts * unit_w
    total = float(mass.sum())
    worst = 0.0
    for dim, share in enumerate(shares):
        weighted = np.bincount(groups.categories[:, dim], weights=mass, minlength=share.size) / total
        worst = max(worst, float(np.abs(weighted - share).max()))
    return worst
