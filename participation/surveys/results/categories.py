"""The categories a results filter and a cross-table work with: options, yes/no, scale points.

A category is what one respondent can be counted under: a chosen option (single and multiple choice)
or a stored value (yes/no as 1/0, a scale point). Its key is what the filter's ?antwort= carries:
an option id as before, or "q<question id>v<value>" for a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from participation.surveys.models import Question

CATEGORICAL = ("single", "multiple", "yesno", "scale")
VALUE_KEY = re.compile(r"^q(\d+)v(-?\d+)$")


@dataclass(frozen=True)
class Category:
    """One answer category of a question; exactly one of option_id and value is set."""

    key: str
    label: str
    option_id: int | None = None
    value: int | None = None

    @property
    def count_key(self) -> tuple:
        """How queries.pair_counts names this category."""
        return ("o", self.option_id) if self.option_id is not None else ("v", self.value)


def scale_points(question) -> list[tuple[int, str]]:
    """The scale's points with the endpoint labels, e.g. (1, "1 (gar nicht)") … (5, "5 (sehr)")."""
    low = int(question.setting("scale_min", 1))
    high = int(question.setting("scale_max", 5))
    points = []
    for point in range(low, high + 1):
        label = str(point)
        if point == low and question.setting("label_min"):
            label = f"{point} ({question.setting('label_min')})"
        if point == high and question.setting("label_max"):
            label = f"{point} ({question.setting('label_max')})"
        points.append((point, label))
    return points


def categories(question) -> list[Category]:
    """The question's categories in questionnaire order (empty for other question types)."""
    kind = question.qtype
    if kind in ("single", "multiple"):
        return [Category(str(o.id), o.label, option_id=o.id) for o in question.choices]
    if kind == "yesno":
        return [
            Category(f"q{question.id}v1", _("Ja"), value=1),
            Category(f"q{question.id}v0", _("Nein"), value=0),
        ]
    if kind == "scale":
        return [Category(f"q{question.id}v{p}", label, value=p) for p, label in scale_points(question)]
    return []


def find(questions: Iterable[Question], key: str) -> tuple[Question, Category] | None:
    """The question and category a filter key names, or None for an unknown or tampered key."""
    match = VALUE_KEY.match(key)
    for question in questions:
        if match and question.id != int(match.group(1)):
            continue
        for category in categories(question):
            if category.key == key:
                return question, category
    return None
