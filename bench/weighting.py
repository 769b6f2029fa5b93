"""Survey weighting: raking 100,000 respondents to three population margins (district, age band, gender)."""

from __future__ import annotations

import statistics
import time

import numpy as np

from participation.surveys.weighting.raking import rake

UNITS = 100_000
REPEATS = 7
# Residents per district, age band (18-29, 30-39, 40-49, 50-64, 65-79, 80+) and gender of a mid-sized town.
DISTRICTS = np.array([21_000, 17_500, 14_000, 12_500, 9_000, 6_000], dtype=float)
AGE_BANDS = np.array([13_500, 13_000, 12_000, 21_000, 16_500, 4_000], dtype=float)
GENDERS = np.array([39_200, 40_800], dtype=float)
# How much likelier a resident of each group answers an online survey: the usual skew towards the middle
# aged, the well-connected central districts and slightly more men.
DISTRICT_PROPENSITY = np.array([1.5, 1.3, 1.0, 0.8, 0.6, 0.5])
AGE_PROPENSITY = np.array([0.7, 1.3, 1.5, 1.2, 0.6, 0.45])
GENDER_PROPENSITY = np.array([1.1, 0.9])


def respondents(rng: np.random.Generator) -> np.ndarray:
    """100,000 respondents' (district, age band, gender), drawn with the skewed propensities."""
    margins = [DISTRICTS, AGE_BANDS, GENDERS]
    propensities = [DISTRICT_PROPENSITY, AGE_PROPENSITY, GENDER_PROPENSITY]
    # Population cells as if the margins were independent, times every dimension's propensity.
    cell = np.einsum("i,j,k->ijk", *[m / m.sum() for m in margins])
    cell = cell * np.einsum("i,j,k->ijk", *propensities)
    # Groups interact (the young of one district answer unusually often, ...): raking then needs cycles.
    cell = cell * rng.lognormal(0.0, 0.3, size=cell.shape)
    drawn = rng.choice(cell.size, size=UNITS, p=(cell / cell.sum()).reshape(-1))
    return np.column_stack(np.unravel_index(drawn, cell.shape)).astype(np.int64)


def run() -> dict[str, float]:
    """Median milliseconds of rake() (default trimming 0.3..3) over a few repetitions."""
    cats = respondents(np.random.default_rng(17))
    targets = [DISTRICTS, AGE_BANDS, GENDERS]
    result = rake(cats, targets)  # warm-up; and a benchmark of a failing raking would measure nothing
    assert result.converged, result
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        rake(cats, targets)
        timings.append((time.perf_counter() - started) * 1000)
    return {"raking_ms_100k": round(statistics.median(timings), 1)}


if __name__ == "__main__":
    print(run())
