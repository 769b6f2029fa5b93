"""What the survey report shows beyond the results page: period, answers over time, released free texts.

The print view and the PDF render the same `Report`, so both say the same. The figures themselves are
`services.compute(...)`, exactly as on the results page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape
from sqlalchemy import select, union_all

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys import services
from participation.surveys.models import Answer, Survey
from participation.surveys.results import charts
from participation.surveys.results.services import TEXT, Results
from participation.surveys.results.sql import ResultFilter, of_responses
from participation.surveys.weighting.contract import SurveyWeights

BERLIN = ZoneInfo("Europe/Berlin")
# A survey that ran longer than this shows answers per week (a bar per day would be a comb of slivers).
DAILY_UP_TO = 31
BUSIEST_DAYS = 5
# Free texts listed per question: a council paper, not a data dump; the rest is in the data export.
TEXTS_PER_QUESTION = 500
MAX_COLUMN = 24  # user units: the widest column of the time line


@dataclass(frozen=True)
class Period:
    """The survey's window as Berlin days; `last` is None while it has no end."""

    first: date | None
    last: date | None
    running: bool

    @property
    def days(self) -> int | None:
        return (self.last - self.first).days + 1 if self.first and self.last else None


@dataclass(frozen=True)
class TimeBucket:
    """One bar of the answers-over-time chart: a day or an ISO week (Monday to Sunday)."""

    first: date
    last: date
    count: int | None
    week: int | None = None  # ISO week number when the bucket is a week


@dataclass
class QuestionTexts:
    """The released free texts of one question as listed in the report (at most TEXTS_PER_QUESTION)."""

    texts: list[str]
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.texts), 0)


@dataclass
class Report:
    """Everything the print view and the PDF show."""

    survey: Survey
    results: Results
    flt: ResultFilter
    period: Period
    today: date
    weekly: bool
    timeline: list[TimeBucket]
    busiest: list[tuple[date, int]]
    texts_released: bool
    include_texts: bool
    texts: dict[int, QuestionTexts] = field(default_factory=dict)


def period(survey: Survey) -> Period:
    """From the start (or publication) to the end, or to the day it was ended early; Berlin days."""
    start = survey.starts_at or survey.published_at
    end = survey.ends_at
    if survey.closed_at and (end is None or survey.closed_at < end):
        end = survey.closed_at
    running = survey.published_at is not None and (end is None or end > utcnow())
    return Period(_day(start), _day(end), running)


def _day(moment) -> date | None:
    return moment.astimezone(BERLIN).date() if moment else None


def buckets(per_day: list[tuple[date, int | None]], weekly: bool) -> list[TimeBucket]:
    """Days as they are, or summed into ISO weeks (a week with a suppressed day stays unknown)."""
    if not weekly:
        return [TimeBucket(day, day, count) for day, count in per_day]
    weeks: dict[date, list[int | None]] = {}
    for day, count in per_day:
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(count)
    return [
        TimeBucket(
            monday,
            monday + timedelta(days=6),
            None if None in counts else sum(c or 0 for c in counts),
            monday.isocalendar().week,
        )
        for monday, counts in sorted(weeks.items())
    ]


def busiest(per_day: list[tuple[date, int | None]], limit: int = BUSIEST_DAYS) -> list[tuple[date, int]]:
    """The days with the most answers (ties: the earlier day first)."""
    known = [(day, count) for day, count in per_day if count]
    return sorted(known, key=lambda item: (-item[1], item[0]))[:limit]


def released_texts(
    survey: Survey, flt: ResultFilter, results: Results, threshold: int
) -> dict[int, QuestionTexts]:
    """Free texts the planner released, per question answered by at least `threshold` people (one query).

    The same rule as the public results: texts only once released, never for a question so few answered
    that a text could point to a person.
    """
    counts = {
        r.question.id: r.answered or 0
        for r in results.questions
        if r.question.qtype in TEXT and not r.suppressed and (r.answered or 0) >= threshold
    }
    if not counts:
        return {}
    parts = [
        of_responses(
            select(Answer.question_id.label("qid"), Answer.value_text.label("text")).where(
                Answer.question_id == qid, Answer.value_text.is_not(None)
            ),
            survey.id,
            flt,
        )
        .order_by(Answer.id)
        .limit(TEXTS_PER_QUESTION)
        .subquery()
        for qid in counts
    ]
    found: dict[int, list[str]] = {qid: [] for qid in counts}
    for qid, text in db.session.execute(union_all(*(select(p.c.qid, p.c.text) for p in parts))):
        found[qid].append(text)
    return {qid: QuestionTexts(texts, counts[qid]) for qid, texts in found.items()}


def build(
    survey: Survey,
    flt: ResultFilter,
    *,
    threshold: int,
    include_texts: bool,
    weights: SurveyWeights | None = None,
) -> Report:
    """The report's figures: the staff results (no suppression) plus period, time line and texts."""
    results = services.compute(survey, flt, threshold=threshold, with_texts=False, weights=weights)
    span = period(survey)
    weekly = max(span.days or 0, len(results.per_day)) > DAILY_UP_TO
    released = bool(survey.texts_published)
    report = Report(
        survey=survey,
        results=results,
        flt=flt,
        period=span,
        today=services.today(),
        weekly=weekly,
        timeline=buckets(results.per_day, weekly),
        busiest=busiest(results.per_day) if weekly else [],
        texts_released=released,
        include_texts=include_texts and released,
    )
    if report.include_texts:
        report.texts = released_texts(survey, flt, results, threshold)
    return report


def timeline_chart(items: list[tuple[str, int | None]], label: str) -> Markup:
    """Columns over time (days or weeks), each at most MAX_COLUMN wide: one day is a column, not a wall."""
    chart_height, step = 120, charts.WIDTH / max(len(items), 1)
    column = min(step * 0.8, MAX_COLUMN)
    peak = max((value or 0 for _text, value in items), default=0) or 1
    parts = [
        f'<svg class="chart chart-timeline" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {charts.WIDTH} {chart_height + 2 * charts.LINE + 6}" width="{charts.WIDTH}" '
        f'height="{chart_height + 2 * charts.LINE + 6}" role="img" aria-label="{escape(label)}">',
        f'<line x1="0" y1="{chart_height}" x2="{charts.WIDTH}" y2="{chart_height}" stroke="{charts.INK}"/>',
    ]
    for index, (_text, value) in enumerate(items):
        if value:
            height = value / peak * (chart_height - 8)
            parts.append(
                f'<rect x="{index * step + (step - column) / 2:.1f}" y="{chart_height - height:.1f}" '
                f'width="{max(column, 1):.1f}" height="{height:.1f}" fill="#1d4f91" '
                f'stroke="{charts.INK}" stroke-width="0.5"/>'
            )
    below = chart_height + charts.LINE
    text = f'font-size="{charts.FONT_SIZE}" fill="{charts.INK}"'
    if items:
        parts.append(f'<text x="0" y="{below}" {text}>{escape(items[0][0])}</text>')
    if len(items) > 1:
        parts.append(
            f'<text x="{charts.WIDTH}" y="{below}" text-anchor="end" {text}>{escape(items[-1][0])}</text>'
        )
    parts.append(f'<text x="0" y="{below + charts.LINE}" {text}>max. {peak}</text></svg>')
    return Markup("".join(parts))
