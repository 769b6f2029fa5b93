"""Participation overview (/auswertung) over 1,000,000 survey responses and 100,000 comments (SQLite).

Figure:
- analytics_overview_ms_1m: median milliseconds of the whole overview page (every table and chart, one
  year, all projects and surveys), requested by an admin through the test client; the data is made in
  the database itself by INSERT … SELECT over a recursive counter (a few seconds, no Python per row).
"""

from __future__ import annotations

import statistics
import tempfile
import time

from sqlalchemy import text

from bench.surveys import sqlite_app
from participation.accounts.models import Role
from participation.accounts.services import create_user
from participation.extensions import db

PASSWORD = "Bench-Auswertung-2026"
RESPONSES, COMMENTS, PROPOSALS = 1_000_000, 100_000, 5_000
CITIZENS, STAFF, PROJECTS, SURVEYS = 3_000, 10, 12, 24
NAMED = 20_000  # responses with an account: the first ones, in the non-anonymous surveys
REPEATS = 5
URL = "/auswertung/?von=01.01.2026&bis=31.12.2026"
COUNTER = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :count - 1) "
# A moment in 2026 as SQLAlchemy stores it on SQLite (naive UTC, microseconds): seconds since New Year.
MOMENT = "datetime('2026-01-01', ({seconds}) || ' seconds') || '.000000'"


def _fill(first_user: int, first_staff: int) -> None:
    """Projects, surveys, responses, threads with replies (some by staff) and wiki proposals."""
    conn = db.session.connection()
    conn.execute(
        text(
            "INSERT INTO projects (id, slug, title, summary, description, district, phase, discussion_open, "
            "premoderation, created_at, updated_at) " + COUNTER + "SELECT i + 1, 'p' || i, 'Projekt ' || i, "
            "'Bench', '', CASE WHEN i % 6 = 5 THEN NULL ELSE 'Bezirk ' || (i % 6) END, 'information', 1, 0, "
            "'2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000' FROM n"
        ),
        {"count": PROJECTS},
    )
    conn.execute(
        text(
            "INSERT INTO surveys (id, title, intro, privacy_notice, project_id, access, anonymous, "
            "allow_changes, results_published, texts_published, next_question_number, created_at, "
            "updated_at) " + COUNTER + "SELECT i + 1, 'Umfrage ' || i, '', '', "
            "CASE WHEN i % 8 = 7 THEN NULL ELSE i % :projects + 1 END, "
            "'open', i >= 10, 0, 0, 0, 1, '2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000' FROM n"
        ),
        {"count": SURVEYS, "projects": PROJECTS},
    )
    # Named responses: survey i % 10 (the non-anonymous ones), account i / 10 (unique per survey).
    conn.execute(
        text(
            "INSERT INTO survey_responses (id, survey_id, user_id, channel, via, submitted_on) "
            + COUNTER
            + ""
            "SELECT lower(hex(randomblob(16))), "
            "CASE WHEN i < :named THEN i % 10 + 1 ELSE 11 + i % (:surveys - 10) END, "
            "CASE WHEN i < :named THEN :first_user + i / 10 % :citizens END, "
            "CASE i % 10 WHEN 0 THEN 'telefon' WHEN 1 THEN 'papier' WHEN 2 THEN 'buergerbuero' "
            "ELSE 'online' END, CASE WHEN i < :named THEN 'account' ELSE 'open' END, "
            "date('2026-01-01', '+' || (i % 365) || ' days') "
            "FROM n"
        ),
        {
            "count": RESPONSES,
            "named": NAMED,
            "surveys": SURVEYS,
            "first_user": first_user,
            "citizens": CITIZENS,
        },
    )
    # Every fifth comment starts a thread; the next four answer it, every third answer by staff.
    conn.execute(
        text(
            "INSERT INTO comments (id, project_id, parent_id, root_id, author_id, body, body_html, status, "
            "score, upvotes, downvotes, created_at) " + COUNTER + "SELECT i + 1, (i / 5) % :projects + 1, "
            "CASE WHEN i % 5 = 0 THEN NULL ELSE i - i % 5 + 1 END, "
            "CASE WHEN i % 5 = 0 THEN NULL ELSE i - i % 5 + 1 END, "
            "CASE WHEN i % 5 <> 0 AND i % 3 = 0 THEN :first_staff + i % :staff "
            "ELSE :first_user + i % :citizens END, "
            "'Text', '<p>Text</p>', 'published', 0, 0, 0, "
            + MOMENT.format(seconds="(i / 5) * 315 + (i % 5) * 3600")
            + " FROM n"
        ),
        {
            "count": COMMENTS,
            "projects": PROJECTS,
            "first_staff": first_staff,
            "staff": STAFF,
            "first_user": first_user,
            "citizens": CITIZENS,
        },
    )
    conn.execute(
        text(
            "INSERT INTO wiki_pages (id, slug, project_id, locked, created_at) " + COUNTER + "SELECT i + 1, "
            "'seite-' || i, CASE WHEN i % 4 = 3 THEN NULL ELSE i % :projects + 1 END, 0, "
            "'2025-01-01 00:00:00.000000' FROM n"
        ),
        {"count": 40, "projects": PROJECTS},
    )
    conn.execute(
        text(
            "INSERT INTO wiki_revisions (id, page_id, author_id, title, body, summary, state, created_at, "
            "version) "
            + COUNTER
            + "SELECT i + 1, i % 40 + 1, :first_user + i % :citizens, 'Titel', 'Text', '', 'pending', "
            + MOMENT.format(seconds="i * 6300")
            + ", 1 FROM n"
        ),
        {"count": PROPOSALS, "first_user": first_user, "citizens": CITIZENS},
    )
    db.session.commit()


def run() -> dict[str, float]:
    """Median milliseconds of the overview page at 1,000,000 responses and 100,000 comments."""
    path = tempfile.mkdtemp(prefix="bench-analytics-") + "/bench.sqlite"
    app = sqlite_app(path)
    with app.app_context():
        db.create_all()
        create_user("admin@bench.example", "Admin", PASSWORD, {Role.ADMIN})
        staff = [
            create_user(f"amt{i}@bench.example", f"Amt {i}", PASSWORD, {Role.PLANNER}) for i in range(STAFF)
        ]
        db.session.flush()
        conn = db.session.connection()
        first_user = staff[-1].id + 1
        conn.execute(
            text(
                "INSERT INTO users (id, email, display_name, notify_by_email, created_at) "
                + COUNTER
                + "SELECT :first + i, 'b' || i || '@bench.example', 'B ' || i, 0, "
                + MOMENT.format(seconds="(i % 700) * 86400 - 20000000")
                + " FROM n"
            ),
            {"count": CITIZENS, "first": first_user},
        )
        _fill(first_user, staff[0].id)
        db.session.remove()
    client = app.test_client()
    client.post("/konto/anmelden", data={"email": "admin@bench.example", "password": PASSWORD})
    first = client.get(URL)
    assert first.status_code == 200 and b"KW 52/2026" in first.data, first.status_code
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        client.get(URL).get_data()
        timings.append((time.perf_counter() - started) * 1000)
    return {"analytics_overview_ms_1m": round(statistics.median(timings), 1)}


if __name__ == "__main__":
    print(run())
