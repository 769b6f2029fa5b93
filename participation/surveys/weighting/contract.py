"""What the results, the cross-table, the report and the exports need to know of a survey's weights.

The weighting package computes a `SurveyWeights` (raking to the reference population's margins); every
figure shown weighted reads only this object, so the computation and its readers stay apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The option ids a response chose for the mapped questions, in `question_ids` order (None: not answered).
CellKey = tuple[int | None, ...]


@dataclass(frozen=True)
class SurveyWeights:
    """Per-cell weights of a survey's responses after raking, with the diagnostics the results show."""

    question_ids: tuple[int, ...]
    cell_weights: Mapping[CellKey, float]
    unweighted_n: int
    effective_n: float
    design_effect: float
    converged: bool
    iterations: int
    trimmed_cells: int = 0

    def weight(self, cell: CellKey) -> float:
        """A response's weight: its cell's, or 1.0 when it left a mapped question unanswered."""
        return self.cell_weights.get(cell, 1.0)
