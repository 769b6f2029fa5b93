"""Participation overview: the SQL. Every figure is aggregated in the database, in a fixed number of queries.

Weeks are ISO weeks in Berlin (Monday 00:00 local time). SQLite has no time-zone database, so the week
boundaries are computed here with zoneinfo (summer time included) and rows are put into weeks by comparing
their stored UTC timestamps (or, for a response, its day) with the boundaries, as the transparency report
does for months. The comparison is a balanced tree of CASE expressions: about log2(weeks) comparisons per
row instead of one per week, the same SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    select,
    union_all,
)

from participation.accounts.models import User, UserRole
from participation.discussions.models import Comment, CommentStatus
from participation.extensions import db
from participation.projects.models import Project
from participation.surveys.models import Answer, Response, Survey
from participation.surveys.weighting.models import WeightingOption, WeightingQuestion
from participation.wiki.models import WikiPage, WikiRevision

TIMEZONE = ZoneInfo("Europe/Berlin")
# Spam and unlawful content removed by the moderation is not participation.
NOT_COUNTED = (CommentStatus.REMOVED.value,)


@dataclass(frozen=True)
class Scope:
    """What the figures cover: everything, one project (with its surveys and pages) or one survey."""

    project_id: int | None = None
    survey_id: int | None = None


def scope_options() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(id, title) of every project and every survey, by title: what the overview can be narrowed to."""
    projects = db.session.execute(select(Project.id, Project.title).order_by(Project.title))
    surveys = db.session.execute(select(Survey.id, Survey.title).order_by(Survey.title))
    return [(i, t) for i, t in projects], [(i, t) for i, t in surveys]


@dataclass(frozen=True)
class Period:
    """Berlin days `first` .. `last` (both included) and the ISO weeks that touch them."""

    first: date
    last: date

    @property
    def mondays(self) -> list[date]:
        """The Monday of every week in the period, and the Monday after the last one (the end bound)."""
        start = self.first - timedelta(days=self.first.weekday())
        count = (self.last - start).days // 7 + 2
        return [start + timedelta(weeks=i) for i in range(count)]

    @property
    def start_utc(self) -> datetime:
        return _utc(self.first)

    @property
    def end_utc(self) -> datetime:
        return _utc(self.last + timedelta(days=1))


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TIMEZONE).astimezone(UTC)


def _tree(column, bounds: Sequence, low: int, high: int):
    """The index (low..high) of the interval holding the value; `bounds[i]` starts interval i."""
    if low == high:
        return literal_column(str(low))
    middle = (low + high + 1) // 2
    return case(
        (column < bounds[middle], _tree(column, bounds, low, middle - 1)),
        else_=_tree(column, bounds, middle, high),
    )


def week_of_time(column, period: Period):
    """The week index (0 = the first Monday) of a UTC timestamp inside the period."""
    bounds = [_utc(monday) for monday in period.mondays]
    return _tree(column, bounds, 0, len(bounds) - 2)


def week_of_day(column, period: Period):
    """The week index of a Berlin day (a response keeps only its day)."""
    return _tree(column, period.mondays, 0, len(period.mondays) - 2)


def _official(author_column):
    # Roles as they are now, as discussions/thread.py marks a comment "Stadtverwaltung".
    return exists().where(UserRole.user_id == author_column)


@dataclass
class Raw:
    """What the database answered; the service turns it into tables and suppresses small counts."""

    projects: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # id -> (title, district)
    surveys: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # id -> (title, project)
    responses: list[tuple[int, int, str, int]] = field(default_factory=list)  # survey, week, channel, n
    # Surveys with a mapped district question only: survey, answered district (None: no mapped answer), n.
    answered_districts: list[tuple[int, str | None, int]] = field(default_factory=list)
    comments: list[tuple[int, int, int]] = field(default_factory=list)  # project, week, n
    proposals: list[tuple[int | None, int, int]] = field(default_factory=list)  # project, week, n
    accounts_week: dict[int, int] = field(default_factory=dict)
    accounts_survey: dict[int, int] = field(default_factory=dict)
    accounts_project: dict[int | None, int] = field(default_factory=dict)
    accounts_district: dict[str | None, int] = field(default_factory=dict)
    accounts_total: int = 0
    accounts_new: int = 0
    # One row per discussion started in the period: project, started, first official reply (or None).
    threads: list[tuple[int, datetime, datetime | None]] = field(default_factory=list)


def _response_filter(scope: Scope, period: Period):
    conditions = [Response.submitted_on >= period.first, Response.submitted_on <= period.last]
    if scope.survey_id is not None:
        conditions.append(Response.survey_id == scope.survey_id)
    elif scope.project_id is not None:
        conditions.append(
            Response.survey_id.in_(select(Survey.id).where(Survey.project_id == scope.project_id))
        )
    return and_(*conditions)


def _comment_filter(scope: Scope, period: Period, column=Comment.created_at):
    conditions = [column >= period.start_utc, column < period.end_utc, Comment.status.not_in(NOT_COUNTED)]
    if scope.survey_id is not None:
        conditions.append(literal(False))  # a survey has no comments of its own
    elif scope.project_id is not None:
        conditions.append(Comment.project_id == scope.project_id)
    return and_(*conditions)


def _proposal_filter(scope: Scope, period: Period):
    conditions = [WikiRevision.created_at >= period.start_utc, WikiRevision.created_at < period.end_utc]
    if scope.survey_id is not None:
        conditions.append(literal(False))
    elif scope.project_id is not None:
        conditions.append(WikiPage.project_id == scope.project_id)
    return and_(*conditions)


def _grouped(inner, *keys: str):
    """Count rows of a subquery by some of its columns (the week expression is written once)."""
    sub = inner.subquery()
    columns = [sub.c[key] for key in keys]
    return select(*columns, func.count()).group_by(*columns)


def _with_mapped_answer(query):
    """Outer-join a query over responses and mapped questions to the answer and the option's category."""
    return query.outerjoin(
        Answer,
        and_(Answer.response_id == Response.id, Answer.question_id == WeightingQuestion.question_id),
    ).outerjoin(
        WeightingOption,
        and_(
            WeightingOption.option_id == Answer.option_id,
            WeightingOption.mapped_question_id == WeightingQuestion.id,
        ),
    )


def _with_answered_district(query):
    """Outer-join a response query to its survey's mapped district question, the answer and its category."""
    return _with_mapped_answer(
        query.outerjoin(
            WeightingQuestion,
            and_(
                WeightingQuestion.survey_id == Response.survey_id, WeightingQuestion.dimension == "district"
            ),
        )
    )


def _participants(scope: Scope, period: Period):
    """Who took part, one row per contribution: account, week, project, survey, district (all kinds)."""
    # A survey with a mapped district question counts under the answered district (none without an
    # answer); any other contribution under its project's district.
    district = case((WeightingQuestion.id.is_not(None), WeightingOption.category), else_=Project.district)
    answered = _with_answered_district(
        select(
            Response.user_id.label("user_id"),
            week_of_day(Response.submitted_on, period).label("week"),
            Survey.project_id.label("project_id"),
            Response.survey_id.label("survey_id"),
            district.label("district"),
        )
        .join(Survey, Survey.id == Response.survey_id)
        .outerjoin(Project, Project.id == Survey.project_id)
    ).where(
        _response_filter(scope, period),
        Response.user_id.is_not(None),
        # Always true (a foreign key); it leads SQLite to the (survey_id, user_id) index, which finds
        # the few responses with an account without reading the anonymous millions.
        Response.survey_id.in_(select(Survey.id)),
    )
    commented = (
        select(
            Comment.author_id,
            week_of_time(Comment.created_at, period),
            Comment.project_id,
            null(),
            Project.district,
        )
        .outerjoin(Project, Project.id == Comment.project_id)
        .where(_comment_filter(scope, period))
    )
    proposed = (
        select(
            WikiRevision.author_id,
            week_of_time(WikiRevision.created_at, period),
            WikiPage.project_id,
            null(),
            Project.district,
        )
        .join(WikiPage, WikiPage.id == WikiRevision.page_id)
        .outerjoin(Project, Project.id == WikiPage.project_id)
        .where(_proposal_filter(scope, period), WikiRevision.author_id.is_not(None))
    )
    return union_all(answered, commented, proposed)


def _accounts(raw: Raw, scope: Scope, period: Period) -> None:
    """Distinct accounts per week, survey, project and district, in all and new: one statement.

    The participants are gathered once (MATERIALIZED: SQLite 3.35+ and PostgreSQL 12+ keep the rows
    instead of scanning the tables again for each count) and counted by each dimension in turn.
    """
    people = _participants(scope, period).cte("participants").prefix_with("MATERIALIZED")
    distinct = func.count(people.c.user_id.distinct())
    new = case(
        (and_(User.created_at >= period.start_utc, User.created_at < period.end_utc), people.c.user_id)
    )

    def part(dimension: str, key, query):
        return query.add_columns(literal(dimension).label("dimension"), cast(key, String).label("key"))

    by_week = part("week", people.c.week, select(distinct)).group_by(people.c.week)
    by_survey = part("survey", people.c.survey_id, select(distinct)).where(people.c.survey_id.is_not(None))
    by_project = part("project", people.c.project_id, select(distinct)).group_by(people.c.project_id)
    by_district = part("district", people.c.district, select(distinct)).group_by(people.c.district)
    total = part("total", null(), select(distinct))
    fresh = (
        part("new", null(), select(func.count(new.distinct())))
        .select_from(people)
        .join(User, User.id == people.c.user_id)
    )
    statement = union_all(
        by_week, by_survey.group_by(people.c.survey_id), by_project, by_district, total, fresh
    )
    for number, dimension, key in db.session.execute(statement):
        if dimension == "week":
            raw.accounts_week[int(key)] = number
        elif dimension == "survey":
            raw.accounts_survey[int(key)] = number
        elif dimension == "project":
            raw.accounts_project[None if key is None else int(key)] = number
        elif dimension == "district":
            raw.accounts_district[key] = number
        elif dimension == "total":
            raw.accounts_total = number
        else:
            raw.accounts_new = number


def load(scope: Scope, period: Period) -> Raw:
    """Every aggregate of the overview: 8 statements, whatever the number of rows behind them."""
    raw = Raw()
    session = db.session
    raw.projects = {
        i: (t, d) for i, t, d in session.execute(select(Project.id, Project.title, Project.district))
    }
    raw.surveys = {
        i: (t, p) for i, t, p in session.execute(select(Survey.id, Survey.title, Survey.project_id))
    }
    # Responses by day first (a response keeps only its day), then the days into weeks: the week
    # expression runs once per day and survey instead of once per response.
    daily = (
        select(Response.submitted_on, Response.survey_id, Response.channel, func.count().label("n"))
        .where(_response_filter(scope, period))
        .group_by(Response.submitted_on, Response.survey_id, Response.channel)
        .subquery("daily")
    )
    week = week_of_day(daily.c.submitted_on, period).label("week")
    weekly = select(daily.c.survey_id, week, daily.c.channel, daily.c.n).subquery("weekly")
    raw.responses = [
        tuple(r)
        for r in session.execute(
            select(weekly.c.survey_id, weekly.c.week, weekly.c.channel, func.sum(weekly.c.n)).group_by(
                weekly.c.survey_id, weekly.c.week, weekly.c.channel
            )
        )
    ]
    raw.answered_districts = _answered_districts(scope, period)
    comments = select(Comment.project_id, week_of_time(Comment.created_at, period).label("week")).where(
        _comment_filter(scope, period)
    )
    raw.comments = [tuple(r) for r in session.execute(_grouped(comments, "project_id", "week"))]
    proposals = (
        select(WikiPage.project_id, week_of_time(WikiRevision.created_at, period).label("week"))
        .join(WikiPage, WikiPage.id == WikiRevision.page_id)
        .where(_proposal_filter(scope, period))
    )
    raw.proposals = [tuple(r) for r in session.execute(_grouped(proposals, "project_id", "week"))]
    _accounts(raw, scope, period)
    raw.threads = _threads(scope, period)
    return raw


def _answered_districts(scope: Scope, period: Period) -> list[tuple[int, str | None, int]]:
    """Responses of surveys with a mapped district question, counted by the district their answer names."""
    # From the few mapped questions to their surveys' responses: the other surveys' responses are not read.
    query = (
        _with_mapped_answer(
            select(Response.survey_id, WeightingOption.category, func.count())
            .select_from(WeightingQuestion)
            .join(Response, Response.survey_id == WeightingQuestion.survey_id)
        )
        .where(
            WeightingQuestion.dimension == "district",
            _response_filter(scope, period),
            # Implied by the join; it leads SQLite to the responses' survey index (only mapped surveys).
            Response.survey_id.in_(
                select(WeightingQuestion.survey_id).where(WeightingQuestion.dimension == "district")
            ),
        )
        .group_by(Response.survey_id, WeightingOption.category)
    )
    return [(s, c, n) for s, c, n in db.session.execute(query)]


def _threads(scope: Scope, period: Period) -> list[tuple[int, datetime, datetime | None]]:
    """Discussions started by citizens in the period and the time of the administration's first reply."""
    reply = Comment.__table__.alias("reply")
    first_reply = (
        select(func.min(reply.c.created_at))
        .where(
            reply.c.root_id == Comment.id,
            reply.c.created_at >= Comment.created_at,
            reply.c.status.not_in(NOT_COUNTED),
            _official(reply.c.author_id),
        )
        .scalar_subquery()
    )
    query = select(Comment.project_id, Comment.created_at, first_reply).where(
        _comment_filter(scope, period),
        Comment.parent_id.is_(None),
        Comment.status == CommentStatus.PUBLISHED.value,
        ~_official(Comment.author_id),
    )
    return [(p, c, r) for p, c, r in db.session.execute(query)]
