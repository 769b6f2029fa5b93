"""Answers the survey weighting's question for reference margins from the current population version."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from participation.analytics.models import DIMENSIONS, PopulationCell, PopulationVersion
from participation.core.i18n import format_day
from participation.extensions import db
from participation.surveys.weighting.reference import ReferenceMargins, reference_margins_wanted


def current_margins(_sender: object = None) -> ReferenceMargins | None:
    """Residents per category of each dimension of the current version (one query), or None."""
    rows = db_rows()
    if not rows:
        return None
    first = rows[0]
    carried = [name for name in first.dimensions.split(",") if name]
    sums: dict[str, Counter[str]] = {name: Counter() for name in carried}
    for row in rows:
        for name in carried:
            label = getattr(row, name)
            if label:
                sums[name][label] += row.count
    # Categories in the order of the office's file (cells by id), e.g. age bands youngest first.
    margins = {name: list(sums[name].items()) for name in DIMENSIONS if name in sums}
    label = f"{first.source} ({format_day(first.reference_date)})"
    return ReferenceMargins(label=label, margins=margins)


def db_rows() -> list:
    """The current version's cells with the version's source, date and dimensions on each row."""
    return list(
        db.session.execute(
            select(
                PopulationVersion.source,
                PopulationVersion.reference_date,
                PopulationVersion.dimensions,
                PopulationCell.district,
                PopulationCell.age_band,
                PopulationCell.gender,
                PopulationCell.count,
            )
            .join(PopulationCell, PopulationCell.version_id == PopulationVersion.id)
            .where(PopulationVersion.is_current.is_(True))
            .order_by(PopulationCell.id)
        ).all()
    )


def connect() -> None:
    """Answer the weighting's question (connecting the same function twice keeps one receiver)."""
    reference_margins_wanted.connect(current_margins)
