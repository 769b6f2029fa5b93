"""Surveys, their pages, questions, options and conditions; responses with one typed row per answer."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
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

from participation.core.permissions import InvalidState
from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import db


class State(enum.StrEnum):
    """Where a survey stands, computed at read time from the stored dates (no cron needed)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


STATE_LABELS = {
    State.DRAFT: _l("Entwurf"),
    State.SCHEDULED: _l("Geplant"),
    State.OPEN: _l("Offen"),
    State.CLOSED: _l("Beendet"),
}


class Access(enum.StrEnum):
    """How people take part in one survey."""

    ACCOUNT = "account"
    CODE = "code"
    OPEN = "open"


ACCESS_LABELS = {
    Access.ACCOUNT: _l("Konto (bestätigte Konten, eine Antwort je Konto)"),
    Access.CODE: _l("Teilnahmecode (einmal verwendbar, kein Konto nötig)"),
    Access.OPEN: _l("Offen (ohne Anmeldung, nicht dedupliziert)"),
}


class Channel(enum.StrEnum):
    """How a response reached us."""

    ONLINE = "online"
    TELEFON = "telefon"
    BUERGERBUERO = "buergerbuero"
    PAPIER = "papier"


CHANNEL_LABELS = {
    Channel.ONLINE: _l("Online"),
    Channel.TELEFON: _l("Telefon"),
    Channel.BUERGERBUERO: _l("Bürgerbüro"),
    Channel.PAPIER: _l("Papier/Post"),
}


def _sql_in(values) -> str:
    return ", ".join(f"'{v.value}'" for v in values)


class Survey(db.Model):
    """A questionnaire. Opening and closing follow starts_at/ends_at once it is published."""

    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint(f"access IN ({_sql_in(Access)})", name="known_access"),
        CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="dates_in_order"),
    )

    id: Mapped[IdPk]
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    privacy_notice: Mapped[str] = mapped_column(Text, default="")
    project_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    access: Mapped[str] = mapped_column(String(10), default=Access.ACCOUNT.value)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_changes: Mapped[bool] = mapped_column(Boolean, default=False)
    results_published: Mapped[bool] = mapped_column(Boolean, default=False)
    # Free-text answers are shown in the public results only when the planner chose so (they may hold
    # personal data), and only for questions answered by at least the suppression threshold.
    texts_published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When who-took-part rows and used codes were last rewritten in random order after closing
    # (surveys/sealing.py): from then on not even the database's row bookkeeping joins them to answers.
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Stable codes: numbers are never reused, so Q07 keeps meaning the same question forever.
    next_question_number: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    pages: Mapped[list[SurveyPage]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyPage.position"
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        order_by="Question.position",
        overlaps="page,questions",
    )

    def state_at(self, now: datetime) -> State:
        """The state at a moment: draft until published, then by the dates, closed early if closed by hand."""
        if self.published_at is None:
            return State.DRAFT
        if self.closed_at is not None or (self.ends_at is not None and now >= self.ends_at):
            return State.CLOSED
        if self.starts_at is not None and now < self.starts_at:
            return State.SCHEDULED
        return State.OPEN

    @property
    def state(self) -> State:
        return self.state_at(utcnow())

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def is_open(self) -> bool:
        return self.state is State.OPEN

    @property
    def is_anonymous(self) -> bool:
        return bool(self.anonymous)

    def publish(self) -> None:
        """Release the survey; it opens at starts_at (or now) and closes at ends_at."""
        if self.published_at is not None:
            raise InvalidState("already published")
        if not any(q.qtype != "display" for q in self.questions):
            raise InvalidState("no questions")
        self.published_at = utcnow()

    def close(self) -> None:
        """End the survey now, before its end date."""
        if self.state is not State.OPEN and self.state is not State.SCHEDULED:
            raise InvalidState("not open")
        self.closed_at = utcnow()

    def ordered_questions(self) -> list[Question]:
        """Questions in answering order: by page, then by position on the page."""
        order = {page.id: index for index, page in enumerate(self.pages)}
        return sorted(self.questions, key=lambda q: (order.get(q.page_id, 0), q.position, q.id))


class SurveyPage(db.Model):
    """A page (section) of a survey; it may be shown only if a condition holds."""

    __tablename__ = "survey_pages"

    id: Mapped[IdPk]
    survey_id: Mapped[int] = mapped_column(BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200), default="")
    condition_mode: Mapped[str] = mapped_column(String(3), default="all")

    survey: Mapped[Survey] = relationship(back_populates="pages")
    questions: Mapped[list[Question]] = relationship(
        back_populates="page", order_by="Question.position", overlaps="questions,survey"
    )
    conditions: Mapped[list[Condition]] = relationship(
        back_populates="page",
        cascade="all, delete-orphan",
        foreign_keys="Condition.page_id",
        order_by="Condition.id",
    )


class Question(db.Model):
    """One question; `settings` holds its type's configuration (limits, labels), never answers."""

    __tablename__ = "survey_questions"
    __table_args__ = (
        UniqueConstraint("survey_id", "code"),
        CheckConstraint("condition_mode IN ('all', 'any')", name="known_mode"),
    )

    id: Mapped[IdPk]
    survey_id: Mapped[int] = mapped_column(BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int] = mapped_column(BigId, ForeignKey("survey_pages.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(20))
    qtype: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    help_text: Mapped[str] = mapped_column(Text, default="")
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    condition_mode: Mapped[str] = mapped_column(String(3), default="all")
    next_option_number: Mapped[int] = mapped_column(Integer, default=1)

    survey: Mapped[Survey] = relationship(back_populates="questions", overlaps="page,questions")
    page: Mapped[SurveyPage] = relationship(back_populates="questions", overlaps="questions,survey")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="Option.position"
    )
    conditions: Mapped[list[Condition]] = relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        foreign_keys="Condition.question_id",
        order_by="Condition.id",
    )

    def setting(self, key: str, default=None):
        return (self.settings or {}).get(key, default)

    @property
    def choices(self) -> list[Option]:
        return [o for o in self.options if o.kind == "choice"]

    @property
    def rows(self) -> list[Option]:
        return [o for o in self.options if o.kind == "row"]


class Option(db.Model):
    """An answer option (kind "choice") or a matrix row (kind "row"), with a stable code A1, A2 ..."""

    __tablename__ = "survey_options"
    __table_args__ = (
        UniqueConstraint("question_id", "code"),
        CheckConstraint("kind IN ('choice', 'row')", name="known_kind"),
    )

    id: Mapped[IdPk]
    question_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(6), default="choice")
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    is_other: Mapped[bool] = mapped_column(Boolean, default=False)
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)

    question: Mapped[Question] = relationship(back_populates="options")


class Condition(db.Model):
    """Show a question or page only if an earlier answer matches (combined per target by AND/OR)."""

    __tablename__ = "survey_conditions"
    __table_args__ = (
        CheckConstraint("(question_id IS NULL) <> (page_id IS NULL)", name="one_target"),
        CheckConstraint(
            "operator IN ('eq', 'ne', 'contains', 'answered', 'not_answered', 'lt', 'le', 'gt', 'ge')",
            name="known_operator",
        ),
    )

    id: Mapped[IdPk]
    question_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    page_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("survey_pages.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    operator: Mapped[str] = mapped_column(String(14))
    option_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("survey_options.id", ondelete="CASCADE"))
    value: Mapped[str | None] = mapped_column(String(100))

    question: Mapped[Question | None] = relationship(back_populates="conditions", foreign_keys=[question_id])
    page: Mapped[SurveyPage | None] = relationship(back_populates="conditions", foreign_keys=[page_id])
    source: Mapped[Question] = relationship(foreign_keys=[source_id])
    option: Mapped[Option | None] = relationship()


def new_answer_id() -> int:
    """A random positive 63-bit key (collisions are negligible at millions of rows)."""
    return secrets.randbits(63) or 1


def new_response_id() -> str:
    """Random, non-monotonic key: the order of responses tells nothing about who answered when."""
    return secrets.token_hex(16)


class Response(db.Model):
    """One submitted questionnaire. Anonymous surveys: no user, no code, only the day of submission."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        # One response per account in non-anonymous surveys (NULLs - anonymous rows - never collide).
        UniqueConstraint("survey_id", "user_id"),
        CheckConstraint(f"channel IN ({_sql_in(Channel)})", name="known_channel"),
        CheckConstraint("via IN ('account', 'code', 'open', 'assisted')", name="known_via"),
        # Exports page through a survey's responses in id order (keyset): one index range per batch.
        Index("ix_survey_responses_survey_id_id", "survey_id", "id"),
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


class Answer(db.Model):
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


class Participation(db.Model):
    """That an account took part in an anonymous survey: kept apart, nothing joins it to the response."""

    __tablename__ = "survey_participations"
    # No hidden insertion-ordered rowid on SQLite either.
    __table_args__ = ({"sqlite_with_rowid": False},)

    # No surrogate id and no time: the row says "took part", never "took part when" or "as which response".
    survey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class ParticipationCode(db.Model):
    """A one-time code for a letter; only its SHA-256 is stored, and whether it was used (not when)."""

    __tablename__ = "survey_codes"
    __table_args__ = (UniqueConstraint("code_hash"),)

    id: Mapped[IdPk]
    survey_id: Mapped[int] = mapped_column(BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_on: Mapped[date] = mapped_column(Date)
    # A flag, not a day: the day a code was used would join it to the responses of that day.
    used: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class Draft(db.Model):
    """An account holder's unfinished answers (the raw form), deleted when the response is submitted."""

    __tablename__ = "survey_drafts"

    survey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    page: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
