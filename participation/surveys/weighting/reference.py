"""Where the reference population's margins come from: a question surveys ask, analytics answers.

Surveys may not import analytics (it sits above the content domains), so the weighting asks through
this signal; `participation/analytics/reference_source.py` connects the receiver that reads the current
population version. With no receiver, or no current version, there is nothing to compare or weight to.
"""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace
from flask_babel import lazy_gettext as _l

_signals = Namespace()

# A question rather than an event: sender None; a receiver returns a ReferenceMargins or None.
reference_margins_wanted = _signals.signal("survey-weighting-reference-margins-wanted")

# The dimensions a population version may carry (analytics.models.DIMENSIONS), named for planners.
DIMENSION_LABELS = {
    "district": _l("Bezirk"),
    "age_band": _l("Altersgruppe"),
    "gender": _l("Geschlecht"),
}


@dataclass(frozen=True)
class ReferenceMargins:
    """Residents per category of each dimension the current population version carries."""

    label: str  # the version's source and reference date, as the panel names it
    # {dimension: [(category label, residents), ...]} in the version's order of categories
    margins: dict[str, list[tuple[str, int]]]

    def categories(self, dimension: str) -> list[str]:
        """The category labels of one dimension (empty when the version does not carry it)."""
        return [label for label, _count in self.margins.get(dimension, [])]


def reference_margins() -> ReferenceMargins | None:
    """The current reference margins, as the first receiver that knows them answers (one query there)."""
    for _receiver, answer in reference_margins_wanted.send(None):
        if answer is not None:
            return answer
    return None


def dimension_label(dimension: str) -> str:
    """A dimension's name for planners (the raw name for one this module does not know)."""
    return str(DIMENSION_LABELS.get(dimension, dimension))
