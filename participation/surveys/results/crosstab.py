"""Cross-tabulation of two categorical questions: counts, margins, row and column shares, chi-square test.

The counts come from one grouped query (queries.pair_counts). Public tables are protected like every other
public figure (disclosure.Suppressor): along each row, each column and the whole table; margins are shown
only when none of them had to be withheld, a share only when its count and its base are both shown, and
the test only when nothing in the table is hidden (it is then computed from published numbers alone).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from participation.surveys.models import Question
from participation.surveys.results import numbering, queries, weighted_sql
from participation.surveys.results.categories import CATEGORICAL, categories
from participation.surveys.results.disclosure import Suppressor
from participation.surveys.weighting.contract import SurveyWeights

PERCENTAGES = ("", "zeilen", "spalten")  # the form's choice: counts only, row %, column %
EXPECTED_MINIMUM = 5  # the textbook rule: every expected count at least 5

# Why a table has no test (shown under it).
NO_TEST_MULTIPLE = _l(
    "Kein Chi-Quadrat-Test: Bei Mehrfachnennungen zählt eine Person in mehreren Zellen, "
    "die Zellen sind also nicht unabhängig."
)
NO_TEST_TOO_SMALL = _l("Kein Chi-Quadrat-Test: Dafür braucht es mindestens zwei besetzte Zeilen und Spalten.")
NO_TEST_PROTECTED = _l(
    "Kein Chi-Quadrat-Test: Er wird öffentlich nur gezeigt, wenn keine Zahl der Tabelle geschützt ist."
)


@dataclass
class ChiSquare:
    """Pearson's chi-square test of independence (without continuity correction)."""

    statistic: float
    df: int
    p: float
    cramers_v: float
    cells: int  # cells in the test (empty rows and columns left out)
    small_expected: int  # of those, cells whose expected count is below EXPECTED_MINIMUM
    min_expected: float

    corrected: bool = False  # weighted: Rao-Scott first-order correction (X² of the weighted table / deff)
    design_effect: float = 1.0

    @property
    def unreliable(self) -> bool:
        return self.small_expected > 0


@dataclass
class CrossTable:
    """Counts with margins: grid[i][j] for the cells, grid[i][-1] row totals, grid[-1] column totals."""

    row_question: Question
    col_question: Question
    row_number: int  # the questions' numbers as the respondent counted them
    col_number: int
    row_labels: list[str]
    col_labels: list[str]
    counts: list[list[int | None]]  # the cells alone (None = protected)
    grid: list[list[int | None]]  # the cells with a total column and a total row
    row_pct: list[list[float | None]]  # grid's counts as a share of their row's total
    col_pct: list[list[float | None]]  # grid's counts as a share of their column's total
    test: ChiSquare | None = None
    no_test: str = ""
    mentions: bool = False  # multiple choice: totals count mentions, not people
    # Weighting on: the weighted sums in the same layout as grid, their shares; grid stays the unweighted n.
    weighted_grid: list[list[float]] | None = None
    weighted_row_pct: list[list[float | None]] | None = None
    weighted_col_pct: list[list[float | None]] | None = None


def chi_square(table: list[list[int]] | list[list[float]]) -> ChiSquare | None:
    """Pearson's X² = Σ (observed − expected)² / expected, df = (r − 1)(c − 1), p from SciPy's chi2."""
    # Empty rows and columns have expected counts of 0: they carry no information and are left out.
    rows = [row for row in table if sum(row)]
    keep = [j for j in range(len(table[0]) if table else 0) if any(row[j] for row in rows)]
    rows = [[row[j] for j in keep] for row in rows]
    if len(rows) < 2 or len(keep) < 2:
        return None
    row_sums = [sum(row) for row in rows]
    col_sums = [sum(column) for column in zip(*rows, strict=True)]
    total = sum(row_sums)
    statistic, small, least = 0.0, 0, math.inf
    for i, row in enumerate(rows):
        for j, observed in enumerate(row):
            expected = row_sums[i] * col_sums[j] / total
            statistic += (observed - expected) ** 2 / expected
            small += expected < EXPECTED_MINIMUM
            least = min(least, expected)
    df = (len(rows) - 1) * (len(keep) - 1)
    # reason: SciPy takes about half a second to import; only a cross-table with a test needs it.
    from scipy.stats import chi2  # type: ignore[import-untyped]

    return ChiSquare(
        statistic=statistic,
        df=df,
        p=float(chi2.sf(statistic, df)),
        cramers_v=math.sqrt(statistic / (total * (min(len(rows), len(keep)) - 1))),
        cells=len(rows) * len(keep),
        small_expected=small,
        min_expected=least,
    )


def rao_scott(weighted: list[list[float]], n: int, design_effect: float) -> ChiSquare | None:
    """The chi-square test on weighted data: Rao-Scott's first-order correction in its simplest form.

    Pearson's X² on weighted sums is not chi-square distributed (the weights count some people several
    times). The weighted table is scaled to the unweighted n (so it holds the weighted proportions), its
    X² is divided by the design effect (Kish's, from the weights) and compared with the usual df. This is
    the first-order correction with one mean design effect for every cell; the full Rao-Scott correction
    needs each cell's design effect, which cell-wise raking weights do not carry. Cramér's V is computed
    from the corrected X², the expected-count warning from the scaled table.
    """
    total = sum(map(sum, weighted))
    if not total or not n:
        return None
    test = chi_square([[value * n / total for value in row] for row in weighted])
    if test is None:
        return None
    deff = max(design_effect, 1e-9)
    statistic = test.statistic / deff
    # reason: SciPy takes about half a second to import; only a cross-table with a test needs it.
    from scipy.stats import chi2

    return ChiSquare(
        statistic=statistic,
        df=test.df,
        p=float(chi2.sf(statistic, test.df)),
        cramers_v=test.cramers_v / math.sqrt(deff),
        cells=test.cells,
        small_expected=test.small_expected,
        min_expected=test.min_expected,
        corrected=True,
        design_effect=design_effect,
    )


def build(
    survey, where: list, pair: tuple[int, int], guard: Suppressor, weights: SurveyWeights | None = None
) -> CrossTable | None:
    """Respondents per combination of two questions' categories (multiple choice counts each option)."""
    by_id = {q.id: q for q in survey.questions if q.qtype in CATEGORICAL}
    if pair[0] not in by_id or pair[1] not in by_id or pair[0] == pair[1]:
        return None
    first, second = by_id[pair[0]], by_id[pair[1]]
    rows, columns = categories(first), categories(second)
    found = queries.pair_counts(where, first.id, second.id)
    table = [[found.get((x.count_key, y.count_key), 0) for y in columns] for x in rows]
    shown, margins_shown = _protect(guard, table)
    grid = _with_margins(table, shown, margins_shown)
    mentions = "multiple" in (first.qtype, second.qtype)
    weighted = None
    if weights is not None:  # staff only: the caller passes no weights for public results
        sums = weighted_sql.weighted_pair_sums(weighted_sql.weight_table(weights), where, first.id, second.id)
        cells = [[sums.get((x.count_key, y.count_key), 0.0) for y in columns] for x in rows]
        weighted = [[*line, sum(line)] for line in cells]
        weighted.append([sum(column) for column in zip(*weighted, strict=True)])
    test, reason = None, ""
    if mentions:
        reason = str(NO_TEST_MULTIPLE)
    elif guard.active and any(value is None for line in grid for value in line):
        reason = str(NO_TEST_PROTECTED)
    else:
        if weighted is not None and weights is not None:
            cells = [line[:-1] for line in weighted[:-1]]
            test = rao_scott(cells, sum(map(sum, table)), weights.design_effect)
        else:
            test = chi_square(table)
        reason = "" if test else str(NO_TEST_TOO_SMALL)
    number = numbering.numbers(survey)
    return CrossTable(
        row_question=first,
        col_question=second,
        row_number=number[first.id],
        col_number=number[second.id],
        row_labels=[x.label for x in rows],
        col_labels=[y.label for y in columns],
        counts=[line[:-1] for line in grid[:-1]],
        grid=grid,
        row_pct=[[_share(value, line[-1]) for value in line] for line in grid],
        col_pct=[[_share(value, grid[-1][j]) for j, value in enumerate(line)] for line in grid],
        test=test,
        no_test=reason,
        mentions=mentions,
        weighted_grid=weighted,
        weighted_row_pct=[[_share(v, line[-1]) for v in line] for line in weighted] if weighted else None,
        weighted_col_pct=[[_share(v, weighted[-1][j]) for j, v in enumerate(line)] for line in weighted]
        if weighted
        else None,
    )


def _share(count: float | None, base: float | None) -> float | None:
    """A share in percent; none when either number is protected or the base is empty."""
    return None if count is None or not base else count / base * 100


def _protect(guard: Suppressor, table: list[list[int]]) -> tuple[list[list[int | None]], bool]:
    """The protected cells, and whether the margins may be shown.

    Protected along every row, every column and the whole table (each has a published sum). A margin
    that must be withheld could be worked out from the others and the grand total, so then no margin
    is shown at all.
    """
    height, width = len(table), len(table[0]) if table else 0
    flat = [count for row in table for count in row]
    relations = [[r * width + c for c in range(width)] for r in range(height)]
    relations += [[r * width + c for r in range(height)] for c in range(width)]
    relations.append(list(range(height * width)))
    shown, withheld = guard.protect_sums(flat, relations)
    margins = not withheld and not any(guard.small(sum(r)) and sum(r) for r in _lines(table))
    return [shown[r * width : (r + 1) * width] for r in range(height)], margins


def _lines(table: list[list[int]]) -> list[list[int]]:
    """Every row, every column and the whole table."""
    return [*table, *(list(column) for column in zip(*table, strict=True)), [sum(map(sum, table))]]


def _with_margins(table: list[list[int]], shown: list[list[int | None]], margins: bool) -> list[list]:
    """The shown cells with a total column and a total row (totals None when margins are withheld)."""
    grid: list[list[int | None]] = [
        [*line, sum(row) if margins else None] for row, line in zip(table, shown, strict=True)
    ]
    columns = [sum(column) if margins else None for column in zip(*table, strict=True)]
    grid.append([*columns, sum(map(sum, table)) if margins else None])
    return grid
