"""Participation overview: the tables planners and admins read, with small counts suppressed for planners.

Only aggregate figures leave this module, never a person. For anyone but an admin the small-cell rule
of the public survey results applies (surveys/results/disclosure.py): a count of 1 to 4 is shown as
"geschützt", and so is a further cell of a column whose total would let a reader work it out.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from participation.accounts.policy import Viewer, can_administer, is_planner
from participation.analytics import overview_query as q
from participation.surveys.models.survey import CHANNEL_LABELS, Channel
from participation.surveys.results.disclosure import Suppressor

THRESHOLD = 5  # as on the public results page
TEXT, COUNT, PCT, HOURS = "text", "count", "pct", "hours"
TABLE_KEYS = ("wochen", "einheiten", "kanaele", "bezirke", "konten", "antwortzeit")
TITLES = {
    "wochen": _l("Beteiligung pro Woche"),
    "einheiten": _l("Beteiligung je Projekt und Umfrage"),
    "kanaele": _l("Antworten nach Kanal"),
    "bezirke": _l("Beteiligung nach Bezirk"),
    "konten": _l("Neue Konten"),
    "antwortzeit": _l("Antwortzeit der Verwaltung"),
}


def can_view_overview(user: Viewer) -> bool:
    """Planners and admins read the participation overview; citizens and moderators do not."""
    return is_planner(user)


def district_of_responses(raw: q.Raw) -> dict[int, dict[str | None, int]]:
    """Each survey's responses per district, for surveys whose district question is mapped (weighting).

    A response counts under the category its answer names; one without a mapped answer (skipped, or an
    option like "Sonstiges") under no district, not the project's: the survey asked where people live
    and they did not say. Surveys without a mapped question are not here (their project's district).
    """
    counts: dict[int, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    for survey, district, n in raw.answered_districts:
        counts[survey][district] += n
    return counts


@dataclass
class Table:
    """One table of the page and of its downloads: header cells with their kind, then rows."""

    key: str
    columns: list[tuple[str, str]]
    rows: list[list] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(TITLES[self.key])


@dataclass
class Overview:
    period: q.Period
    exact: bool
    tables: dict[str, Table]
    week_labels: list[str]


def week_label(monday: date) -> str:
    """ "KW 49/2026" for the ISO week that starts on this Monday."""
    year, week, _day = monday.isocalendar()
    return _("KW %(week)s/%(year)s", week=f"{week:02d}", year=year)


def _protect(guard: Suppressor, column: list[int], total: int) -> tuple[list[int | None], int | None]:
    """Primary and secondary suppression of a column whose total is shown too."""
    shown, withheld = guard.protect_sums(column)
    return shown, (None if withheld or guard.small(total) and total > 0 else total)


def _protect_columns(guard: Suppressor, rows: list[list], first: int, additive: set[int]) -> list[list]:
    """Suppress every count column of rows (a total row is appended for the additive columns)."""
    width = len(rows[0]) if rows else 0
    out = [list(r) for r in rows]
    total_row: list = [_("Summe")] + [None] * (width - 1)
    for index in range(first, width):
        values = [r[index] for r in rows]
        if index in additive:
            shown, total = _protect(guard, values, sum(values))
            total_row[index] = total
        else:
            shown = [guard.count(v) for v in values]
        for r, v in zip(out, shown, strict=True):
            r[index] = v
    return out + [total_row] if rows else out


def build(viewer: Viewer, scope: q.Scope, period: q.Period) -> Overview:
    """Every table of the overview for this viewer (exact figures for admins only)."""
    raw = q.load(scope, period)
    exact = can_administer(viewer)
    guard = Suppressor(not exact, THRESHOLD)
    mondays = period.mondays[:-1]
    labels = [week_label(m) for m in mondays]
    tables = {
        "wochen": _weeks(raw, guard, labels),
        "einheiten": _units(raw, guard),
        "kanaele": _channels(raw, guard),
        "bezirke": _districts(raw, guard),
        "konten": _accounts(raw, guard),
        "antwortzeit": _reply_times(raw, guard),
    }
    return Overview(period, exact, tables, labels)


def _weeks(raw: q.Raw, guard: Suppressor, labels: list[str]) -> Table:
    responses: dict[int, int] = defaultdict(int)
    comments: dict[int, int] = defaultdict(int)
    proposals: dict[int, int] = defaultdict(int)
    for _s, week, _c, n in raw.responses:
        responses[week] += n
    for _p, week, n in raw.comments:
        comments[week] += n
    for _page_project, week, n in raw.proposals:
        proposals[week] += n
    rows = [
        [label, responses[i], comments[i], proposals[i], raw.accounts_week.get(i, 0)]
        for i, label in enumerate(labels)
    ]
    rows = _protect_columns(guard, rows, 1, {1, 2, 3})
    rows[-1][4] = guard.count(raw.accounts_total)  # accounts are not additive: the period's distinct number
    return Table("wochen", _activity_columns(_("Woche")), rows)


def _activity_columns(first: str) -> list[tuple[str, str]]:
    return [
        (first, TEXT),
        (pgettext("survey responses", "Antworten"), COUNT),
        (_("Kommentare"), COUNT),
        (_("Wiki-Vorschläge"), COUNT),
        (_("Beteiligte Konten"), COUNT),
    ]


def _units(raw: q.Raw, guard: Suppressor) -> Table:
    by_survey: dict[int, int] = defaultdict(int)
    for survey, _w, _c, n in raw.responses:
        by_survey[survey] += n
    comments: dict[int, int] = defaultdict(int)
    proposals: dict[int | None, int] = defaultdict(int)
    for project, _w, n in raw.comments:
        comments[project] += n
    for page_project, _w, n in raw.proposals:
        proposals[page_project] += n
    project_responses: dict[int | None, int] = defaultdict(int)
    for survey, n in by_survey.items():
        project_responses[raw.surveys.get(survey, ("", None))[1]] += n
    rows: list[list] = []
    active = set(comments) | set(proposals) | {p for p, n in project_responses.items() if n}
    for pid in sorted(
        (p for p in active if p is not None), key=lambda p: raw.projects.get(p, ("",))[0].lower()
    ):
        title = raw.projects.get(pid, ("?", None))[0]
        surveys = sorted(s for s, (_t, p) in raw.surveys.items() if p == pid and by_survey.get(s))
        # The project's responses are the sum of its surveys' lines: protected together.
        shown, total = _protect(guard, [by_survey[s] for s in surveys], project_responses[pid])
        rows.append(
            [
                _("Projekt: %(title)s", title=title),
                total,
                guard.count(comments[pid]),
                guard.count(proposals[pid]),
                guard.count(raw.accounts_project.get(pid, 0)),
            ]
        )
        for sid, number in zip(surveys, shown, strict=True):
            rows.append(
                [
                    _("Umfrage: %(title)s", title=raw.surveys[sid][0]),
                    number,
                    0,
                    0,
                    guard.count(raw.accounts_survey.get(sid, 0)),
                ]
            )
    loose = sorted(s for s, (_t, p) in raw.surveys.items() if p is None and by_survey.get(s))
    for sid in loose:
        rows.append(
            [
                _("Umfrage: %(title)s", title=raw.surveys[sid][0]),
                guard.count(by_survey[sid]),
                0,
                0,
                guard.count(raw.accounts_survey.get(sid, 0)),
            ]
        )
    if proposals.get(None):
        rows.append(
            [
                _("Wiki-Seiten ohne Projekt"),
                0,
                0,
                guard.count(proposals[None]),
                guard.count(raw.accounts_project.get(None, 0)),
            ]
        )
    # Surveys appear inside their project's line too: no column total (it would count them twice).
    return Table("einheiten", _activity_columns(_("Projekt oder Umfrage")), rows)


def _channels(raw: q.Raw, guard: Suppressor) -> Table:
    counts: dict[str, int] = defaultdict(int)
    for _s, _w, channel, n in raw.responses:
        counts[channel] += n
    values = [counts[c.value] for c in Channel]
    total = sum(values)
    shown, shown_total = _protect(guard, values, total)
    rows = [
        [str(CHANNEL_LABELS[c]), v, None if v is None or not total else v / total * 100]
        for c, v in zip(Channel, shown, strict=True)
    ]
    rows.append([_("Summe"), shown_total, 100.0 if total and shown_total is not None else None])
    return Table(
        "kanaele",
        [(_("Kanal"), TEXT), (pgettext("survey responses", "Antworten"), COUNT), (_("Anteil"), PCT)],
        rows,
    )


def _districts(raw: q.Raw, guard: Suppressor) -> Table:
    answered = district_of_responses(raw)
    figures: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    for survey, _w, _c, n in raw.responses:
        if survey not in answered:
            pid = raw.surveys.get(survey, ("", None))[1]
            figures[raw.projects.get(pid, ("", None))[1] if pid else None][0] += n
    for by_district in answered.values():
        for district, n in by_district.items():
            figures[district][0] += n
    for project, _w, n in raw.comments:
        figures[raw.projects.get(project, ("", None))[1]][1] += n
    for page_project, _w, n in raw.proposals:
        figures[raw.projects.get(page_project, ("", None))[1] if page_project else None][2] += n
    names = sorted((d for d in figures if d), key=str.lower) + ([None] if None in figures else [])
    rows = [[name or _("ohne Bezirk"), *figures[name], raw.accounts_district.get(name, 0)] for name in names]
    rows = _protect_columns(guard, rows, 1, {1, 2, 3})
    if rows:
        rows[-1][4] = guard.count(raw.accounts_total)
    return Table("bezirke", _activity_columns(_("Bezirk")), rows)


def _accounts(raw: q.Raw, guard: Suppressor) -> Table:
    total, new = raw.accounts_total, raw.accounts_new
    # Both groups, the new and the others, must be large enough: either reveals the other.
    hide = guard.small(new) and new > 0 or guard.small(total - new) and total - new > 0
    share = None if hide or not total else new / total * 100
    rows = [
        [_("Beteiligte Konten im Zeitraum"), guard.count(total), None],
        [_("davon im Zeitraum angelegt"), None if hide else new, share],
    ]
    return Table("konten", [(_("Angabe"), TEXT), (_("Anzahl"), COUNT), (_("Anteil"), PCT)], rows)


def _median_hours(pairs: list[tuple], guard: Suppressor) -> float | None:
    waits = [(reply - started).total_seconds() / 3600 for _p, started, reply in pairs if reply is not None]
    # A median of fewer than five waits would tell about single discussions.
    if not waits or guard.small(len(waits)):
        return None
    return statistics.median(waits)


def _reply_times(raw: q.Raw, guard: Suppressor) -> Table:
    by_project: dict[int, list[tuple]] = defaultdict(list)
    for row in raw.threads:
        by_project[row[0]].append(row)
    groups = [(raw.projects.get(p, ("?",))[0], rows) for p, rows in by_project.items()]
    groups.sort(key=lambda g: g[0].lower())
    groups.append((_("Alle Projekte"), list(raw.threads)))
    rows = []
    for name, threads in groups:
        unanswered = sum(1 for t in threads if t[2] is None)
        # Discussions with and without a reply are both groups: neither may be small.
        shown = guard.chosen(unanswered, len(threads))
        rows.append([name, guard.count(len(threads)), shown, _median_hours(threads, guard)])
    columns = [
        (_("Projekt"), TEXT),
        (_("Diskussionen"), COUNT),
        (_("ohne Antwort der Verwaltung"), COUNT),
        (_("Median bis zur ersten Antwort (Stunden)"), HOURS),
    ]
    return Table("antwortzeit", columns, rows)


def default_period(today: date) -> q.Period:
    """The last twelve months up to today."""
    return q.Period(today - timedelta(days=364), today)
