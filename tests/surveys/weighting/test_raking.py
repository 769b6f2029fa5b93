"""Raking: a published worked example, a plain-Python IPF on small random data, trimming, Kish, failures."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from participation.surveys.weighting import raking
from participation.surveys.weighting.raking import RakingError, cell_weights, rake

# The seed table and margins of the worked example in Wikipedia's article "Iterative proportional fitting"
# (rows X1..X4, columns Z1..Z4; row targets 150/300/400/150, column targets 200/300/400/100, total 1000).
SEED = [[40, 30, 20, 10], [35, 50, 100, 75], [30, 80, 70, 120], [20, 30, 40, 50]]
ROW_TARGETS = [150, 300, 400, 150]
COLUMN_TARGETS = [200, 300, 400, 100]
# The converged table as published for exactly this seed and these margins in the README of
# ProportionalFitting.jl (github.com/vankesteren/ProportionalFitting.jl, "Showcase"), to the printed digits.
PUBLISHED = [
    ["64.5585", "46.2325", "35.3843", "3.82473"],
    ["49.9679", "68.1594", "156.499", "25.3742"],
    ["56.7219", "144.428", "145.082", "53.7673"],
    ["28.7516", "41.18", "63.0347", "17.0337"],
]
NO_TRIM = {"trim_lower": None, "trim_upper": None}


def assert_matches_published(table: np.ndarray) -> None:
    """Each cell equals the published figure to the digits printed (half a unit of the last digit)."""
    for i, j in itertools.product(range(4), range(4)):
        text = PUBLISHED[i][j]
        decimals = len(text.split(".")[1])
        assert abs(table[i, j] - float(text)) <= 0.5 * 10**-decimals + 1e-12, (i, j, table[i, j], text)


def test_wikipedia_worked_example_with_the_seed_as_base_weights():
    """Sixteen units, one per cell, start from the seed value: the raked table is the published one.

    Source: Wikipedia, "Iterative proportional fitting", section "Example" (seed and margins); converged
    figures from ProportionalFitting.jl's README, which runs the same example.
    """
    cats = np.array(list(itertools.product(range(4), range(4))))
    result = rake(
        cats,
        [np.array(ROW_TARGETS), np.array(COLUMN_TARGETS)],
        base_weights=np.array(SEED, dtype=float).reshape(-1),
        tolerance=1e-12,
        **NO_TRIM,
    )
    assert result.converged
    table = (result.weights / result.weights.sum() * 1000).reshape(4, 4)
    assert_matches_published(table)
    assert table.sum(axis=1) == pytest.approx(ROW_TARGETS, abs=1e-8)
    assert table.sum(axis=0) == pytest.approx(COLUMN_TARGETS, abs=1e-8)


def test_wikipedia_worked_example_as_800_respondents():
    """The seed as 800 respondents (40 in cell X1/Z1, ...): cell weight x count gives the published table."""
    cells = list(itertools.product(range(4), range(4)))
    counts = [SEED[i][j] for i, j in cells]
    units = np.repeat(np.array(cells), counts, axis=0)
    result = rake(units, [np.array(ROW_TARGETS), np.array(COLUMN_TARGETS)], tolerance=1e-12, **NO_TRIM)
    assert result.converged
    per_cell = cell_weights(units, result.weights)
    # Weights average 1 over the 800 respondents; the table's total is 1000.
    table = np.array([[per_cell[(i, j)] * SEED[i][j] * 1000 / 800 for j in range(4)] for i in range(4)])
    assert_matches_published(table)


def plain_ipf(units: list[tuple[int, ...]], targets: list[list[float]], cycles: int = 5000) -> list[float]:
    """Independent IPF in plain Python over the contingency table; the weight of each unit, mean 1."""
    n = len(units)
    counts: dict[tuple[int, ...], int] = {}
    for unit in units:
        counts[unit] = counts.get(unit, 0) + 1
    fitted = {cell: float(c) for cell, c in counts.items()}
    goals = [[t / sum(target) * n for t in target] for target in targets]
    for _ in range(cycles):
        before = dict(fitted)
        for dim, goal in enumerate(goals):
            sums = [0.0] * len(goal)
            for cell, value in fitted.items():
                sums[cell[dim]] += value
            for cell in fitted:
                fitted[cell] *= goal[cell[dim]] / sums[cell[dim]]
        if max(abs(fitted[c] - before[c]) for c in fitted) < 1e-13:
            break
    return [fitted[unit] / counts[unit] for unit in units]


def random_case(seed: int) -> tuple[list[tuple[int, ...]], list[list[float]]]:
    """Skewed respondents over 2-3 dimensions of 2-4 categories, each category answered; reachable targets."""
    rng = random.Random(seed)
    sizes = [rng.randint(2, 4) for _ in range(rng.randint(2, 3))]
    cells = list(itertools.product(*[range(s) for s in sizes]))
    popularity = [rng.random() ** 2 + 0.02 for _ in cells]
    while True:
        units = rng.choices(cells, weights=popularity, k=rng.randint(40, 150))
        if all(len({u[d] for u in units}) == s for d, s in enumerate(sizes)):
            break
    # Margins of a positive table on the answered cells: a fit exists (no incompatible structural zeros).
    truth = {cell: rng.uniform(1, 100) for cell in set(units)}
    targets = [[sum(v for c, v in truth.items() if c[d] == k) for k in range(s)] for d, s in enumerate(sizes)]
    return units, targets


@pytest.mark.parametrize("seed", range(12))
def test_weights_equal_a_plain_python_ipf_and_hit_the_margins(seed):
    """On small random data the vectorised raking equals the loop over the contingency table to 1e-9."""
    units, targets = random_case(seed)
    result = rake(
        np.array(units), [np.array(t) for t in targets], tolerance=1e-12, max_iterations=5000, **NO_TRIM
    )
    assert result.converged
    expected = plain_ipf(units, targets)
    assert np.max(np.abs(result.weights - np.array(expected))) < 1e-9
    n = len(units)
    for dim, target in enumerate(targets):
        for category, population in enumerate(target):
            weighted = sum(w for u, w in zip(units, result.weights, strict=True) if u[dim] == category)
            assert weighted / n == pytest.approx(population / sum(target), abs=1e-9)
    assert result.max_margin_error <= 1e-12


def plain_trimmed_raking(
    units: list[tuple[int, ...]], targets: list[list[float]], lower: float, upper: float
) -> list[float]:
    """Trimmed raking unit by unit: rake every dimension, clip to the bounds, until nothing moves."""
    n = len(units)
    goals = [[t / sum(target) * n for t in target] for target in targets]
    w = [1.0] * n
    for _ in range(20000):
        before = list(w)
        for dim, goal in enumerate(goals):
            sums = [0.0] * len(goal)
            for unit, weight in zip(units, w, strict=True):
                sums[unit[dim]] += weight
            w = [weight * goal[unit[dim]] / sums[unit[dim]] for unit, weight in zip(units, w, strict=True)]
        w = [min(max(weight, lower), upper) for weight in w]
        if max(abs(a - b) for a, b in zip(w, before, strict=True)) < 1e-14:
            break
    return w


def skewed_case() -> tuple[np.ndarray, list[np.ndarray]]:
    """Young people in district 1 answer far too rarely: untrimmed weights exceed 3, trimmed ones can fit."""
    rows = []
    for district, age, count in [(0, 0, 4), (0, 1, 40), (0, 2, 60), (1, 0, 12), (1, 1, 10), (1, 2, 25)]:
        rows += [(district, age)] * count
    for district, age, count in [(2, 0, 6), (2, 1, 8), (2, 2, 12)]:
        rows += [(district, age)] * count
    return np.array(rows), [np.array([500.0, 300.0, 200.0]), np.array([350.0, 400.0, 250.0])]


def test_trimming_keeps_the_bounds_and_equals_plain_trimmed_raking():
    """With bounds 0.3..3 the weights stay inside, margins still hold, and match an independent loop."""
    cats, targets = skewed_case()
    untrimmed = rake(cats, targets, tolerance=1e-12, max_iterations=5000, **NO_TRIM)
    assert untrimmed.converged and untrimmed.weights.max() > 3.0  # the case does need trimming
    result = rake(cats, targets, trim_lower=0.3, trim_upper=3.0, tolerance=1e-12, max_iterations=20000)
    assert result.converged
    assert result.weights.min() >= 0.3 * (1 - 1e-9)
    assert result.weights.max() <= 3.0 * (1 + 1e-9)
    assert result.trimmed > 0
    assert result.max_margin_error <= 1e-12
    units = [tuple(int(c) for c in row) for row in cats]
    expected = plain_trimmed_raking(units, [list(t) for t in targets], 0.3, 3.0)
    assert np.max(np.abs(result.weights - np.array(expected))) < 1e-9
    # The trimmed units are the ones at the upper bound.
    assert result.trimmed == sum(1 for w in expected if w >= 3.0 - 1e-9 or w <= 0.3 + 1e-9)


def test_design_effect_and_effective_n_follow_kish():
    """deff = n * sum(w^2) / (sum w)^2 and n_eff = n / deff, recomputed in plain Python."""
    cats, targets = skewed_case()
    result = rake(cats, targets)
    w = [float(x) for x in result.weights]
    n = len(w)
    deff = n * sum(x * x for x in w) / sum(w) ** 2
    assert result.design_effect == pytest.approx(deff, rel=1e-12)
    assert result.effective_n == pytest.approx(sum(w) ** 2 / sum(x * x for x in w), rel=1e-12)
    assert result.design_effect > 1.0


def test_weights_average_one_and_are_float64():
    """One float64 weight per unit, mean 1.0 (also when the targets are shares and with trimming)."""
    cats, targets = skewed_case()
    for kwargs in ({}, NO_TRIM, {"trim_lower": 0.5, "trim_upper": 2.0}):
        result = rake(cats, [t / t.sum() for t in targets], **kwargs)
        assert result.weights.dtype == np.float64 and result.weights.shape == (cats.shape[0],)
        assert float(result.weights.mean()) == pytest.approx(1.0, abs=1e-12)


def test_a_sample_that_already_fits_needs_no_cycle():
    """Respondents in exactly the population's proportions keep weight 1."""
    cats = np.array([(0, 0), (0, 1), (1, 0), (1, 1)] * 5)
    result = rake(cats, [np.array([50, 50]), np.array([50, 50])])
    assert result.converged and result.iterations == 0
    assert result.weights == pytest.approx(np.ones(20))
    assert result.design_effect == pytest.approx(1.0) and result.effective_n == pytest.approx(20)


def test_incompatible_structural_zeros_are_reported_as_not_converged():
    """Only the diagonal cells answered, so row and column shares stay equal: 50/50 and 30/70 cannot hold."""
    cats = np.array([(0, 0)] * 10 + [(1, 1)] * 10)
    result = rake(cats, [np.array([50, 50]), np.array([30, 70])], max_iterations=50, **NO_TRIM)
    assert not result.converged
    assert result.iterations == 50
    assert result.max_margin_error > 0.1
    assert float(result.weights.mean()) == pytest.approx(1.0)


def test_one_cycle_on_a_hard_case_is_not_enough():
    """max_iterations=1 stops early and says so: converged False with the error that remains."""
    units, targets = random_case(3)
    result = rake(np.array(units), [np.array(t) for t in targets], max_iterations=1)
    assert not result.converged and result.iterations == 1
    assert result.max_margin_error > 1e-6


def test_bounds_that_the_margins_cannot_meet_are_reported_as_not_converged():
    """One respondent in ten is young but half the population is: weight 5 is needed, the bound says 3."""
    cats = np.array([(0,)] * 1 + [(1,)] * 9)
    result = rake(cats, [np.array([50, 50])], trim_upper=3.0, max_iterations=100)
    assert not result.converged
    assert result.weights.max() <= 3.0 * (1 + 1e-9)
    assert float(result.weights.mean()) == pytest.approx(1.0, abs=1e-12)
    assert result.trimmed == 1
    # What is handed out: the young weigh 3 of 10, 30 % against the 50 % wanted.
    assert result.max_margin_error == pytest.approx(0.2)


def test_a_group_with_residents_but_no_respondents_is_a_raking_error():
    """The German message names dimension and group (1-based); the attributes carry 0-based indices."""
    cats = np.array([(0, 0), (0, 1), (1, 0), (1, 1)])
    with pytest.raises(RakingError) as caught:
        rake(cats, [np.array([50, 50]), np.array([30, 30, 40])])
    error = caught.value
    assert error.dimension == 1 and error.category == 2
    assert "Merkmal 2, Gruppe 3" in error.message
    assert "niemanden" in error.message
    assert str(error) == error.message


def test_targets_with_different_totals_are_a_raking_error():
    """Districts sum to 1000 residents, age bands to 990: the figures disagree."""
    cats = np.array([(0, 0), (1, 1)])
    with pytest.raises(RakingError) as caught:
        rake(cats, [np.array([500, 500]), np.array([490, 500])])
    assert caught.value.dimension == 1
    assert "nicht zusammen" in caught.value.message


def test_invalid_targets_and_empty_samples_are_raking_errors():
    """Negative figures, all-zero figures and no respondents at all: clear German errors."""
    cats = np.array([(0,), (1,)])
    for bad in (np.array([-1.0, 2.0]), np.array([0.0, 0.0]), np.array([np.nan, 1.0])):
        with pytest.raises(RakingError, match="ungültig"):
            rake(cats, [bad])
    with pytest.raises(RakingError, match="keine Antworten"):
        rake(np.zeros((0, 1), dtype=int), [np.array([1.0, 1.0])])


def test_a_group_without_residents_gets_weight_zero():
    """Respondents in a group the population lacks (target 0) weigh nothing; the others fit the margins."""
    cats = np.array([(0, 0)] * 3 + [(0, 1)] * 1 + [(1, 0)] * 2 + [(1, 1)] * 2 + [(2, 0)] * 2)
    result = rake(cats, [np.array([60, 40, 0]), np.array([50, 50])], tolerance=1e-12, **NO_TRIM)
    assert result.converged
    assert result.weights[-2:] == pytest.approx([0.0, 0.0])
    assert result.weights[:4].sum() / result.weights.sum() == pytest.approx(0.6)
    assert result.weights[[0, 1, 2, 4, 5]].sum() / result.weights.sum() == pytest.approx(0.5)


def test_cell_weights_gives_one_weight_per_cell_and_refuses_disagreeing_units():
    """Units of one cell share a weight; a cell whose units differ is a programming error."""
    cats, targets = skewed_case()
    result = rake(cats, targets)
    cells = cell_weights(cats, result.weights)
    assert set(cells) == {tuple(int(c) for c in row) for row in cats}
    for row, w in zip(cats, result.weights, strict=True):
        assert cells[tuple(int(c) for c in row)] == pytest.approx(w, rel=1e-12)
    with pytest.raises(AssertionError):
        cell_weights(np.array([(0, 0), (0, 0)]), np.array([1.0, 2.0]))


def test_units_are_raked_in_any_order_alike():
    """Shuffling the respondents shuffles their weights and nothing else."""
    units, targets = random_case(7)
    cats = np.array(units)
    order = np.random.default_rng(7).permutation(cats.shape[0])
    first = rake(cats, [np.array(t) for t in targets])
    shuffled = rake(cats[order], [np.array(t) for t in targets])
    assert np.max(np.abs(first.weights[order] - shuffled.weights)) < 1e-12


@pytest.mark.parametrize("case", ["random-1", "random-4", "skewed-trimmed"])
def test_grouping_by_sorting_gives_the_same_weights(monkeypatch, case):
    """Many possible cells make raking group units by sorting instead of counting: the weights agree."""
    if case == "skewed-trimmed":
        cats, goals = skewed_case()
        kwargs: dict = {}
    else:
        units, targets = random_case(int(case.split("-")[1]))
        cats, goals, kwargs = np.array(units), [np.array(t) for t in targets], NO_TRIM
    counted = rake(cats, goals, tolerance=1e-12, max_iterations=5000, **kwargs)
    monkeypatch.setattr(raking, "_few_cells", lambda n_cells, n_units: False)
    sorted_ = rake(cats, goals, tolerance=1e-12, max_iterations=5000, **kwargs)
    assert counted.converged and sorted_.converged
    assert np.max(np.abs(counted.weights - sorted_.weights)) < 1e-12
    assert counted.trimmed == sorted_.trimmed and counted.iterations == sorted_.iterations
