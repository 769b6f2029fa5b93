"""The baseline: a bare Flask endpoint that stores the same response with one multi-row INSERT.

Served by gunicorn with the app's settings (sync workers), it takes the same form post, keeps the
token, and writes the response row and its answer rows in one statement through psycopg (one
connection per worker, one commit per request): no session, no CSRF, no template, no ORM.
Configured by BENCH_LOAD_BARE_DSN (a psycopg connection string) and BENCH_LOAD_PLAN (the seed's
plan as JSON: the baseline survey, its token field and answer rows).
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

import psycopg
from flask import Flask, request

from bench.load.seed import ANSWER_COLUMNS

# Response row and answer rows in one statement: the CTE's INSERT hands its id to the answers'.
# jsonb_populate_recordset reads the rows with the table's own column types.
STATEMENT = (
    "WITH r AS (INSERT INTO survey_responses (id, survey_id, user_id, channel, via, submitted_on) "
    "VALUES (%(id)s, %(survey)s, NULL, 'online', 'open', current_date) RETURNING id) "
    f"INSERT INTO survey_answers (id, response_id, {', '.join(ANSWER_COLUMNS)}) "
    f"SELECT v.id, r.id, {', '.join('v.' + column for column in ANSWER_COLUMNS)} "
    "FROM r CROSS JOIN jsonb_populate_recordset(NULL::survey_answers, %(rows)s::jsonb) AS v"
)


def answer_rows(plan: dict[str, Any], token: str) -> str:
    """The plan's answer rows as JSON, the token as the free-text question's value."""
    rows = []
    for values in plan["bare_rows"]:
        # Random 63-bit keys, as the app gives answers (a serial column takes them as well).
        row = {"id": secrets.randbits(63) or 1, **dict(zip(ANSWER_COLUMNS, values, strict=True))}
        if row["question_id"] == plan["token_questions"]["bare"]:
            row["value_text"] = token
        rows.append(row)
    return json.dumps(rows, default=str)


def create_bare_app(dsn: str, plan: dict[str, Any]) -> Flask:
    """The bare app: POST /antwort stores one response, answers 200."""
    app = Flask(__name__)
    field = plan["token_fields"]["bare"]
    survey = plan["bare_survey"]
    connection: dict[str, psycopg.Connection] = {}  # per worker process (sync workers: one request at a time)
    app.extensions["bench_load_connection"] = connection  # to close it outside gunicorn (tests)

    @app.post("/antwort")
    def store():
        """One response, one statement, one commit."""
        token = request.form.get(field, "")
        if "conn" not in connection or connection["conn"].closed:
            connection["conn"] = psycopg.connect(dsn)
        conn = connection["conn"]
        with conn.cursor() as cursor:
            cursor.execute(
                STATEMENT, {"id": secrets.token_hex(16), "survey": survey, "rows": answer_rows(plan, token)}
            )
        conn.commit()
        return "gespeichert\n", 200, {"Content-Type": "text/plain; charset=utf-8"}

    return app


def _from_environment() -> Flask:
    with open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8") as handle:
        plan = json.load(handle)
    return create_bare_app(os.environ["BENCH_LOAD_BARE_DSN"], plan)


# gunicorn imports bench.load.bare:app (the harness sets the environment); importing for tests needs none.
app = _from_environment() if "BENCH_LOAD_PLAN" in os.environ else None
