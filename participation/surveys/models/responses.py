"""Responses with one typed row per answer; participation marks, one-time codes and drafts, kept apart."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import Model
from participation.surveys.models.survey import Channel, sql_in


def new_answer_id() -> int:
    """A random positive 63-bit key (collisions are negligible at millions of rows)."""
    return secrets.randbits(63) or 1


def new_response_id() -> str:
    """Random, non-monotonic key: the order of responses tells nothing about who answered when."""
    return secrets.token_hex(16)


class Response(Model):
    """One submitted questionnaire. Anonymous surveys: no user, no code, only the day of submission."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        # One response per account in non-anonymous surveys (NULLs - anonymous rows - never collide).
        UniqueConstraint("survey_id", "user_id"),
        CheckConstraint(f"channel IN ({sql_in(Channel)})", name="known_channel"),
        CheckConstraint("via IN ('account', 'code', 'open', 'assisted')", name="known_via"),
        # Exports page through a survey's responses in id order (keyset): one index range per batch.
        Index("ix_survey_responses_survey_id_id", "survey_id", "id"),
        # The participation overview (/auswertung) groups a period's responses by day, survey and
        # channel: read from this index alone instead of sorting every response (1M: 2.4 -> 1.5 s CPU).
        Index("ix_survey_responses_day", "submitted_on", "survey_id", "channel"),
        # SQLite would otherwise keep a hidden, insertion-ordered rowid that lines up with participations.
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    survey_id: Mapped[int] = mapped_column(BigId, ForeignKey("surveys.id", ondelete="CASCADE"))
    # Only for non-anonymous surveys; set to NULL when the account is deleted.
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(14), default=Channel.ONLINE.value)
    # account/code are deduplicated; open and assisted entries without a code are not.
    via: Mapped[str] = mapped_column(String(10))
    submitted_on: Mapped[date] = mapped_column(Date)

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")

    @property
    def deduplicated(self) -> bool:
        return self.via in ("account", "code")


class Answer(Model):
    """One typed value: a chosen option, a matrix cell, a rank, a number, a text or a date."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        Index("ix_survey_answers_question_option", "question_id", "option_id"),
        # Serves the foreign key (its prefix) and the results' "did this response answer question X"
        # probes (conditions, respondents of multi-row questions): one index seek each.
        Index("ix_survey_answers_response_question", "response_id", "question_id"),
    )

    # Random, not a sequence: ascending answer ids would give the order of submissions, which
    # an anonymous survey must not keep (it could line responses up with participations).
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False, default=new_answer_id)
    response_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("survey_responses.id", ondelete="CASCADE")
    )
    question_id: Mapped[int] = mapped_column(BigId, ForeignKey("survey_questions.id", ondelete="CASCADE"))
    option_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("survey_options.id", ondelete="CASCADE"))
    row_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("survey_options.id", ondelete="CASCADE"))
    value_number: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    value_text: Mapped[str | None] = mapped_column(Text)
    value_date: Mapped[date | None] = mapped_column(Date)
    rank: Mapped[int | None] = mapped_column(Integer)
    dont_know: Mapped[bool] = mapped_column(Boolean, default=False)

    response: Mapped[Response] = relationship(back_populates="answers")


class Participation(Model):
    """That an account took part in an anonymous survey: kept apart, nothing joins it to the response."""

    __tablename__ = "survey_participations"
    # No hidden insertion-ordered rowid on SQLite either.
    __table_args__ = ({"sqlite_with_rowid": False},)

    # No surrogate id and no time: the row says "took part", never "took part when" or "as which response".
    survey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class ParticipationCode(Model):
    """A one-time code for a letter; only its SHA-256 is stored, and whether it was used (not when)."""

    __tablename__ = "survey_codes"
    __table_args__ = (UniqueConstraint("code_hash"),)

    id: Mapped[IdPk]
    survey_id: Mapped[int] = mapped_column(BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_on: Mapped[date] = mapped_column(Date)
    # A flag, not a day: the day a code was used would join it to the responses of that day.
    used: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class Draft(Model):
    """An account holder's unfinished answers (raw form), deleted at submission and when the survey ends."""

    __tablename__ = "survey_drafts"

    survey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    page: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # When the person first saved ("Sie haben am … begonnen"); NULL for drafts older than the column.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)


class CodeDraft(Model):
    """A participation code's unfinished answers: keyed by the code's hash, never by an account.

    Deleted when the code's response is submitted and when the survey ends (drafts.discard_drafts).
    No column points to a response, none from a response to it.
    """

    __tablename__ = "survey_code_drafts"

    # No foreign key to survey_codes: mixing rewrites (deletes and re-inserts) code rows while the survey is
    # open, and a cascade would take other people's drafts with them.
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_id: Mapped[int] = mapped_column(BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    page: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
