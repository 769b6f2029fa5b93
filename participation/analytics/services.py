"""Reference population: store a checked version, move the current marker, read versions."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select, update

from participation.accounts.models import User
from participation.analytics.csv_import import ParsedPopulation
from participation.analytics.models import DIMENSIONS, PopulationCell, PopulationVersion
from participation.analytics.policy import can_manage_population
from participation.core import audit
from participation.core.permissions import require
from participation.extensions import db


def store_version(
    actor: User, parsed: ParsedPopulation, *, source: str, reference_date: date, make_current: bool
) -> PopulationVersion:
    """Save a checked file as a new version (audit-logged); optionally make it the current one."""
    require(can_manage_population(actor))
    version = PopulationVersion(
        source=source,
        reference_date=reference_date,
        dimensions=",".join(parsed.dimensions),
        total=parsed.total,
        created_by_id=getattr(actor, "id", None),
        is_current=False,
    )
    version.cells = [
        PopulationCell(district=key[0], age_band=key[1], gender=key[2], count=count)
        for key, count in parsed.cells.items()
    ]
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "analytics.population_uploaded", version, label=str(version), count=len(parsed.cells))
    if make_current or current_version() is None:
        make_version_current(actor, version)
    return version


def make_version_current(actor: User, version: PopulationVersion) -> None:
    """Mark one version as current and every other as not (audit-logged)."""
    require(can_manage_population(actor))
    if version.is_current:
        return
    db.session.execute(
        update(PopulationVersion).where(PopulationVersion.is_current.is_(True)).values(is_current=False)
    )
    version.is_current = True
    db.session.flush()
    audit.record(actor, "analytics.population_made_current", version, label=str(version))


def current_version() -> PopulationVersion | None:
    """The version weighting uses, if an admin has provided one."""
    return db.session.scalar(select(PopulationVersion).where(PopulationVersion.is_current.is_(True)))


def versions() -> list[PopulationVersion]:
    """All versions, newest reference date first."""
    return list(
        db.session.scalars(
            select(PopulationVersion).order_by(
                PopulationVersion.reference_date.desc(), PopulationVersion.id.desc()
            )
        )
    )


def margins(version: PopulationVersion) -> dict[str, list[tuple[str, int]]]:
    """Residents per label of each dimension the version carries (the margins raking fits to)."""
    result: dict[str, list[tuple[str, int]]] = {}
    for position, dimension in enumerate(DIMENSIONS):
        if dimension not in version.dimension_list:
            continue
        sums: Counter[str] = Counter()
        for cell in version.cells:
            label = (cell.district, cell.age_band, cell.gender)[position]
            sums[label or ""] += cell.count
        result[dimension] = sorted(sums.items())
    return result
