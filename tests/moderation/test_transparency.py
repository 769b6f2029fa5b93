"""The transparency report counts per calendar month in Berlin time, across month ends and DST."""

from __future__ import annotations

from datetime import UTC, datetime

from participation.core.types import utcnow
from participation.discussions.models import CommentReport
from participation.extensions import db
from participation.moderation.models import Appeal, Decision
from participation.moderation.transparency import TIMEZONE, month_bounds, monthly_figures
from tests.conftest import login

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# (created_at UTC, action, reason code, seconds to decision); the comment says the Berlin time.
DECISIONS = [
    (utc(2025, 11, 30, 22, 59), "hide", "spam", 10),  # 30.11. 23:59 CET: before the 12 months shown
    (utc(2025, 11, 30, 23, 0), "hide", "spam", 100),  # 01.12. 00:00 CET: the first month's first minute
    (utc(2025, 12, 31, 23, 30), "hide", "spam", 200),  # 01.01.2026 00:30 CET: new year in Berlin
    (utc(2026, 1, 31, 22, 59), "dismiss", None, 400),  # 31.01. 23:59 CET
    (utc(2026, 1, 31, 23, 30), "remove", "beleidigung", 50),  # 01.02. 00:30 CET (the example)
    (utc(2026, 3, 31, 21, 59), "hide", "beleidigung", 60),  # 31.03. 23:59 CEST (summer time since 29.03.)
    (utc(2026, 3, 31, 22, 0), "hide", "spam", None),  # 01.04. 00:00 CEST (a decision taken in place)
    (utc(2026, 10, 31, 22, 30), "mute", "spam", None),  # 31.10. 23:30 CET (winter time since 25.10.)
    (utc(2026, 10, 31, 23, 0), "hide", "spam", 30),  # 01.11. 00:00 CET
    (utc(2026, 11, 27, 11, 0), "hide", "spam", 90),
]
REPORTS = [
    utc(2025, 11, 30, 12, 0),  # November 2025: not shown
    utc(2026, 1, 31, 22, 30),  # January
    utc(2026, 1, 31, 23, 30),  # February
    utc(2026, 3, 31, 22, 15),  # April (CEST)
    utc(2026, 10, 31, 23, 15),  # November (CET)
]
# (index into DECISIONS, created_at UTC, status)
APPEALS = [
    (4, utc(2026, 2, 28, 23, 30), "upheld"),  # 01.03. 00:30 CET
    (6, utc(2026, 4, 30, 21, 30), "overturned"),  # 30.04. 23:30 CEST
    (2, utc(2026, 4, 30, 22, 30), "open"),  # 01.05. 00:30 CEST
]


def test_month_bounds_follow_berlin_midnight_in_winter_and_summer():
    keys, bounds = month_bounds(NOW, 12)
    assert keys[0] == "2025-12" and keys[-1] == "2026-11" and len(keys) == 12 and len(bounds) == 13
    assert bounds[0] == utc(2025, 11, 30, 23, 0)  # CET: UTC+1
    assert bounds[keys.index("2026-04")] == utc(2026, 3, 31, 22, 0)  # CEST: UTC+2
    assert bounds[keys.index("2026-11")] == utc(2026, 10, 31, 23, 0)
    assert bounds[-1] == utc(2026, 11, 30, 23, 0)
    # Shortly after midnight on New Year's Day in Berlin it is still 31 December in UTC.
    keys, bounds = month_bounds(utc(2025, 12, 31, 23, 30), 2)
    assert keys == ["2025-12", "2026-01"] and bounds[-1] == utc(2026, 1, 31, 23, 0)


def test_figures_per_berlin_month_match_hand_counts(app, app_ctx, people, project, add_comment):
    author, moderator = people["author"], people["mod"]
    comment_ids = [add_comment(project, author.id) for _ in REPORTS]
    decisions = []
    for created_at, action, code, seconds in DECISIONS:
        decision = Decision(
            subject_id=author.id,
            moderator_id=moderator.id,
            action=action,
            reason_code=code,
            reason_text="x" if code else None,
            created_at=created_at,
            seconds_to_decision=seconds,
        )
        db.session.add(decision)
        decisions.append(decision)
    db.session.flush()
    for comment_id, created_at in zip(comment_ids, REPORTS, strict=True):
        db.session.add(
            CommentReport(
                comment_id=comment_id, reporter_id=people["r1"].id, reason="spam", created_at=created_at
            )
        )
    for index, created_at, status in APPEALS:
        db.session.add(
            Appeal(
                decision_id=decisions[index].id,
                author_id=author.id,
                text="x",
                status=status,
                created_at=created_at,
            )
        )
    db.session.commit()

    months = {month.month: month for month in monthly_figures(now=NOW)}
    assert list(months) == [
        "2026-11",
        "2026-10",
        "2026-05",
        "2026-04",
        "2026-03",
        "2026-02",
        "2026-01",
        "2025-12",
    ]
    figures = {
        key: (m.reports, m.actions, m.decisions, m.appeals, m.appeal_outcomes, m.median_seconds)
        for key, m in months.items()
    }
    assert figures == {
        "2026-11": (1, {"hide": 2}, {"spam": 2}, 0, {}, 60),
        "2026-10": (0, {"mute": 1}, {"spam": 1}, 0, {}, None),
        "2026-05": (0, {}, {}, 1, {"open": 1}, None),
        "2026-04": (1, {"hide": 1}, {"spam": 1}, 1, {"overturned": 1}, None),
        "2026-03": (0, {"hide": 1}, {"beleidigung": 1}, 1, {"upheld": 1}, 60),
        "2026-02": (1, {"remove": 1}, {"beleidigung": 1}, 0, {}, 50),
        "2026-01": (1, {"hide": 1, "dismiss": 1}, {"spam": 1, "ohne": 1}, 0, {}, 300),
        "2025-12": (0, {"hide": 1}, {"spam": 1}, 0, {}, 100),
    }
    # A month later the oldest month drops out of the twelve shown.
    later = [m.month for m in monthly_figures(now=utc(2026, 12, 15, 12, 0))]
    assert "2025-12" not in later and later[-1] == "2026-01"


ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def test_page_shows_berlin_months(app, people, project, add_comment):

    with app.app_context():
        db.session.add(
            Decision(
                subject_id=people["author"].id,
                moderator_id=people["mod"].id,
                action="hide",
                reason_code="spam",
                reason_text="Werbung",
                seconds_to_decision=7200,
            )
        )
        db.session.commit()
    html = app.test_client().get("/moderation/transparenz").get_data(as_text=True)
    local = utcnow().astimezone(TIMEZONE)
    key = local.strftime("%Y-%m")
    month_name = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ][local.month - 1]
    assert f'<h2 id="monat-{key}">{month_name} {local.year}</h2>' in html
    assert "Werbung oder Spam: 1" in html and "2,0 Stunden" in html
    english = app.test_client().get("/moderation/transparenz", headers={"Accept-Language": "en"})
    assert f'<h2 id="monat-{key}">{ENGLISH_MONTHS[local.month - 1]} {local.year}</h2>' in english.get_data(
        as_text=True
    )


def test_decisions_are_named_as_actions_with_their_date(app, people):
    with app.app_context():
        db.session.add(
            Decision(
                subject_id=people["author"].id,
                moderator_id=people["mod"].id,
                action="hide",
                reason_code="spam",
                reason_text="Werbung",
                created_at=utc(2026, 11, 6, 3, 0),
            )
        )
        db.session.commit()
    client = app.test_client()
    login(client, people["mod"])
    html = client.get(f"/moderation/konto/{people['author'].id}").get_data(as_text=True)
    assert "Ausgeblendet am 06.11.2026, 04:00 Uhr</a> – Werbung" in html
