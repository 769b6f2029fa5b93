"""The public transparency report: per month, reports, decisions by reason, appeals, median time.

Months are calendar months in Berlin (a decision at 23:30 UTC on 31 January belongs to February).
SQLite has no time-zone database, so the month boundaries are computed here with zoneinfo (summer
time included) and rows are put into months by comparing their UTC timestamps with the boundaries:
one CASE over plain comparisons, the same SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal_column, select

from participation.core.types import utcnow
from participation.discussions.models import CommentReport
from participation.extensions import db
from participation.moderation.models import Appeal, Decision

TIMEZONE = ZoneInfo("Europe/Berlin")
MONTHS_SHOWN = 12


@dataclass
class Month:
    month: str  # "YYYY-MM" in Berlin time
    reports: int = 0
    decisions: dict[str, int] = field(default_factory=dict)  # reason category (or "ohne") -> count
    actions: dict[str, int] = field(default_factory=dict)
    appeals: int = 0
    appeal_outcomes: dict[str, int] = field(default_factory=dict)
    median_seconds: float | None = None

    @property
    def starts_on(self) -> date:
        """The month's first day, for the reader's month name ("Dezember 2026")."""
        year, month = self.month.split("-")
        return date(int(year), int(month), 1)

    @property
    def median_hours(self) -> float | None:
        """The median time to a decision in hours (shown with one decimal in the reader's format)."""
        return None if self.median_seconds is None else self.median_seconds / 3600


def month_bounds(now: datetime, count: int) -> tuple[list[str], list[datetime]]:
    """Keys of the last `count` Berlin months (oldest first) and their count + 1 boundaries in UTC."""
    local = now.astimezone(TIMEZONE)
    # Months counted from year 0: easy to step back and forth across New Year.
    current = local.year * 12 + local.month - 1
    numbers = range(current - count + 1, current + 2)  # one more: the start of next month ends the last
    bounds = [datetime(n // 12, n % 12 + 1, 1, tzinfo=TIMEZONE).astimezone(UTC) for n in numbers]
    keys = [f"{n // 12:04d}-{n % 12 + 1:02d}" for n in numbers[:-1]]
    return keys, bounds


def _bucket(column, bounds: list[datetime]):
    """The index of the month a timestamp falls in (callers keep rows outside the bounds out)."""
    inner = bounds[1:-1]
    # Literal indexes: the expression appears in SELECT and GROUP BY and must read the same in both.
    return case(
        *[(column < bound, literal_column(str(index))) for index, bound in enumerate(inner)],
        else_=literal_column(str(len(inner))),
    )


def _in_range(column, bounds: list[datetime]):
    return (column >= bounds[0]) & (column < bounds[-1])


def monthly_figures(now: datetime | None = None, count: int = MONTHS_SHOWN) -> list[Month]:
    """The last `count` Berlin months that have figures, newest first."""
    keys, bounds = month_bounds(now or utcnow(), count)
    result: dict[int, Month] = {}

    def month(index: int) -> Month:
        return result.setdefault(index, Month(keys[index]))

    bucket = _bucket(CommentReport.created_at, bounds)
    for index, number in db.session.execute(
        select(bucket, func.count()).where(_in_range(CommentReport.created_at, bounds)).group_by(bucket)
    ):
        month(index).reports = number
    bucket = _bucket(Decision.created_at, bounds)
    for index, action, code, number in db.session.execute(
        select(bucket, Decision.action, Decision.reason_code, func.count())
        .where(_in_range(Decision.created_at, bounds))
        .group_by(bucket, Decision.action, Decision.reason_code)
    ):
        entry = month(index)
        entry.actions[action] = entry.actions.get(action, 0) + number
        label = code or "ohne"
        entry.decisions[label] = entry.decisions.get(label, 0) + number
    # The median needs the single values: one integer per decision of the shown months.
    seconds: dict[int, list[int]] = defaultdict(list)
    for index, value in db.session.execute(
        select(bucket, Decision.seconds_to_decision).where(
            _in_range(Decision.created_at, bounds), Decision.seconds_to_decision.is_not(None)
        )
    ):
        seconds[index].append(value)
    for index, values in seconds.items():
        month(index).median_seconds = statistics.median(values)
    bucket = _bucket(Appeal.created_at, bounds)
    for index, status, number in db.session.execute(
        select(bucket, Appeal.status, func.count())
        .where(_in_range(Appeal.created_at, bounds))
        .group_by(bucket, Appeal.status)
    ):
        entry = month(index)
        entry.appeals += number
        entry.appeal_outcomes[status] = number
    return [result[index] for index in sorted(result, reverse=True)]
