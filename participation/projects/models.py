"""Local projects: the hub that surveys, discussions and wiki pages hang off."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import Model


class Phase(enum.StrEnum):
    """Where a project stands; the order is the order of the timeline."""

    INFORMATION = "information"
    PARTICIPATION = "participation"
    EVALUATION = "evaluation"
    IMPLEMENTATION = "implementation"
    COMPLETED = "completed"


PHASE_LABELS = {
    Phase.INFORMATION: _l("Information"),
    Phase.PARTICIPATION: _l("Beteiligung"),
    Phase.EVALUATION: _l("Auswertung"),
    Phase.IMPLEMENTATION: _l("Umsetzung"),
    Phase.COMPLETED: _l("Abgeschlossen"),
}

_PHASE_SQL = ", ".join(f"'{phase.value}'" for phase in Phase)


class Project(Model):
    """A local project citizens can read about, discuss and be surveyed on."""

    __tablename__ = "projects"
    __table_args__ = (CheckConstraint(f"phase IN ({_PHASE_SQL})", name="known_phase"),)

    id: Mapped[IdPk]
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(String(400))
    description: Mapped[str] = mapped_column(Text, default="")
    district: Mapped[str | None] = mapped_column(String(80), index=True)
    location_text: Mapped[str | None] = mapped_column(String(200))
    # Stored for a later map; nothing reads them yet.
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    phase: Mapped[str] = mapped_column(String(20), default=Phase.INFORMATION.value, index=True)
    department: Mapped[str | None] = mapped_column(String(160))
    contact: Mapped[str | None] = mapped_column(String(300))
    discussion_open: Mapped[bool] = mapped_column(Boolean, default=True)
    # Pre-moderation: every new comment waits for a moderator before others can read it.
    premoderation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Raised by every change to what the project page shows (projects/page_cache.py): the key of
    # anonymous visitors' cached copy.
    page_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    phases: Mapped[list[ProjectPhase]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ProjectPhase.position",
    )

    @property
    def phase_label(self) -> str:
        return str(PHASE_LABELS[Phase(self.phase)])

    @property
    def is_current(self) -> bool:
        return self.phase != Phase.COMPLETED.value

    def timeline(self) -> list[TimelineStep]:
        """Every phase in order with its planned dates and whether it is past, current or upcoming."""
        dates = {row.phase: row for row in self.phases}
        current = list(Phase).index(Phase(self.phase))
        steps = []
        for index, phase in enumerate(Phase):
            row = dates.get(phase.value)
            state = "past" if index < current else "current" if index == current else "upcoming"
            steps.append(
                TimelineStep(
                    phase.value,
                    str(PHASE_LABELS[phase]),
                    row.starts_on if row else None,
                    row.ends_on if row else None,
                    state,
                )
            )
        return steps

    def set_phase_dates(self, dates: dict[str, tuple[date | None, date | None]]) -> None:
        """Replace the planned dates; phases without any date get no row."""
        existing = {row.phase: row for row in self.phases}
        for position, phase in enumerate(Phase):
            starts_on, ends_on = dates.get(phase.value, (None, None))
            row = existing.get(phase.value)
            if starts_on is None and ends_on is None:
                if row is not None:
                    self.phases.remove(row)
                continue
            if row is None:
                row = ProjectPhase(phase=phase.value)
                self.phases.append(row)
            row.position, row.starts_on, row.ends_on = position, starts_on, ends_on


@dataclass(frozen=True)
class TimelineStep:
    """One phase on the project page's timeline."""

    phase: str
    label: str
    starts_on: date | None
    ends_on: date | None
    state: str


class ProjectPhase(Model):
    """The planned dates of one phase of a project (for the timeline)."""

    __tablename__ = "project_phases"
    __table_args__ = (
        UniqueConstraint("project_id", "phase"),
        CheckConstraint(f"phase IN ({_PHASE_SQL})", name="known_phase"),
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_in_order"
        ),
    )

    id: Mapped[IdPk]
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    project: Mapped[Project] = relationship(back_populates="phases")
