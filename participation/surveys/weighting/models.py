"""What a planner chose for weighting a survey: the settings, the mapped questions and their options.

The mapping names population categories by their label (e.g. age band "30–44"), not by a row of the
reference population: analytics owns those rows and sits above surveys, and a new version with the same
labels keeps the mapping valid.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import Model

DEFAULT_THRESHOLD = Decimal("5")
# Below about 30 respondents a group's share moves by more than ±15 points by chance alone (95 %
# interval of a share near 30 %), and its weights rest on a handful of people: say so before weighting.
DEFAULT_MIN_CASES = 30
DEFAULT_TRIM_LOWER = Decimal("0.3")
DEFAULT_TRIM_UPPER = Decimal("3.0")


class WeightingSettings(Model):
    """One survey's weighting switch, warning thresholds and trimming bounds."""

    __tablename__ = "survey_weighting_settings"

    survey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # Percentage points a group's sample share may fall short of its population share before a warning.
    threshold_pp: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=DEFAULT_THRESHOLD)
    min_cases: Mapped[int] = mapped_column(Integer, default=DEFAULT_MIN_CASES)
    trim_lower: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=DEFAULT_TRIM_LOWER)
    trim_upper: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=DEFAULT_TRIM_UPPER)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class WeightingQuestion(Model):
    """A single-choice question that stands for one reference dimension (district, age band, gender)."""

    __tablename__ = "survey_weighting_questions"
    __table_args__ = (UniqueConstraint("survey_id", "dimension"), UniqueConstraint("question_id"))

    id: Mapped[IdPk]
    survey_id: Mapped[int] = mapped_column(BigId, ForeignKey("surveys.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(BigId, ForeignKey("survey_questions.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(20))

    options: Mapped[list[WeightingOption]] = relationship(
        back_populates="mapped_question", cascade="all, delete-orphan", order_by="WeightingOption.id"
    )


class WeightingOption(Model):
    """An answer option's population category; options without a row are not weighted ("keine Angabe")."""

    __tablename__ = "survey_weighting_options"
    __table_args__ = (UniqueConstraint("option_id"),)

    id: Mapped[IdPk]
    mapped_question_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("survey_weighting_questions.id", ondelete="CASCADE"), index=True
    )
    option_id: Mapped[int] = mapped_column(BigId, ForeignKey("survey_options.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(80))

    mapped_question: Mapped[WeightingQuestion] = relationship(back_populates="options")
