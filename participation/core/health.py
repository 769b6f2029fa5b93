"""/healthz for load balancers: 200 while the database (and Redis as rate-limit storage) answers.

Registered on core's blueprint when this module is imported (core.errors imports it: health checks and
outage answers belong together). Plain text, no session cookie, no write, not rate limited, not logged.
"""

from __future__ import annotations

from flask import Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from participation.core.views import bp
from participation.extensions import db, limiter

RETRY_AFTER_SECONDS = 30


def database_answers() -> bool:
    """True when the database answers a SELECT 1 on a connection of its own (outside the session)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def rate_limit_storage_answers() -> bool:
    """True when the rate limiter's storage answers (Redis: PING; in-memory storage always answers)."""
    try:
        answers: bool = limiter.storage.check()
    except Exception:  # the storage client's own errors (redis, memcached) have no common base
        return False
    return answers


@limiter.exempt
def healthz() -> Response:
    """Answer 200 "ok" when every backend answers, else 503 naming the one that does not."""
    failing = [
        name
        for name, answers in (
            ("database", database_answers),
            ("rate-limit storage", rate_limit_storage_answers),
        )
        if not answers()
    ]
    if failing:
        response = Response("unavailable: " + ", ".join(failing) + "\n", status=503, mimetype="text/plain")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = Response("ok\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


bp.add_url_rule("/healthz", "healthz", healthz)
