"""Reference population: versions of official population figures and their cells."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import Model

# The dimensions a file may carry, in the order pages and exports show them.
DIMENSIONS = ("district", "age_band", "gender")


class PopulationVersion(Model):
    """One upload (or form entry) of population figures: its source, reference date and cells."""

    __tablename__ = "population_versions"

    id: Mapped[IdPk]
    source: Mapped[str] = mapped_column(String(200))
    reference_date: Mapped[date] = mapped_column(Date)
    # Exactly one version is current (the service moves the marker); older ones stay readable.
    is_current: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Comma-separated subset of DIMENSIONS, in that order ("district,gender").
    dimensions: Mapped[str] = mapped_column(String(60))
    total: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    cells: Mapped[list[PopulationCell]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        order_by="PopulationCell.id",
    )

    @property
    def dimension_list(self) -> tuple[str, ...]:
        """The dimensions this version carries, in the canonical order."""
        return tuple(name for name in self.dimensions.split(",") if name)

    def __str__(self) -> str:
        return f"{self.source} ({self.reference_date.isoformat()})"


class PopulationCell(Model):
    """The number of residents in one combination of the version's dimensions (NULL: not a dimension)."""

    __tablename__ = "population_cells"
    __table_args__ = (UniqueConstraint("version_id", "district", "age_band", "gender"),)

    id: Mapped[IdPk]
    version_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("population_versions.id", ondelete="CASCADE"), index=True
    )
    district: Mapped[str | None] = mapped_column(String(80))
    age_band: Mapped[str | None] = mapped_column(String(80))
    gender: Mapped[str | None] = mapped_column(String(80))
    count: Mapped[int] = mapped_column(BigInteger)

    version: Mapped[PopulationVersion] = relationship(back_populates="cells")
