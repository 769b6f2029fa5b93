"""Surveys and their structure: pages, questions, options and conditions (responses are in responses.py)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.types import BigId, IdPk, UTCDateTime, utcnow
from participation.extensions import Model
from participation.surveys.errors import AlreadyPublished, NoQuestions, NotOpen


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


def sql_in(values) -> str:
    """The enum's values as a SQL IN list, for check constraints."""
    return ", ".join(f"'{v.value}'" for v in values)


class Survey(Model):
    """A questionnaire. Opening and closing follow starts_at/ends_at once it is published."""

    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint(f"access IN ({sql_in(Access)})", name="known_access"),
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
    # (surveys/answering/sealing.py): from then on not even the database's row bookkeeping joins them
    # to answers.
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Stable codes: numbers are never reused, so Q07 keeps meaning the same question forever.
    next_question_number: Mapped[int] = mapped_column(Integer, default=1)
    # Raised by every change to a page, question, option or condition (surveys/structure_cache.py): the
    # key of each worker's copy of the structure, read with the row the answering pages load anyway.
    structure_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
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
            raise AlreadyPublished()
        if not any(q.qtype != "display" for q in self.questions):
            raise NoQuestions()
        self.published_at = utcnow()

    def close(self) -> None:
        """End the survey now, before its end date."""
        if self.state is not State.OPEN and self.state is not State.SCHEDULED:
            raise NotOpen()
        self.closed_at = utcnow()

    def ordered_questions(self) -> list[Question]:
        """Questions in answering order: by page, then by position on the page."""
        order = {page.id: index for index, page in enumerate(self.pages)}
        return sorted(self.questions, key=lambda q: (order.get(q.page_id, 0), q.position, q.id))


class SurveyPage(Model):
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


class Question(Model):
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


class Option(Model):
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


class Condition(Model):
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
