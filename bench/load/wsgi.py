"""The app as the load test serves it: the production factory with the rate limits set explicitly.

Every client of the load test comes from 127.0.0.1, so the app's per-address limits (open-survey
submissions, login failures) and the new-account comment limit would turn the measurement into one of
429 pages. They stay switched on and counted in Redis (the storage a deployment uses, so its cost is
measured), with limits no run reaches. Nothing else differs from `create_app()`.
"""

from __future__ import annotations

import os

from participation import create_app

BENCH_LIMITS = {
    "SURVEY_OPEN_LIMIT": "1000000 per hour",
    "DISCUSSION_NEW_ACCOUNT_LIMIT": "1000000 per hour",
    "LOGIN_FAILURE_LIMIT": "1000000 per hour",
    "RATELIMIT_ENABLED": True,
    # The run's keys carry its own prefix, so the harness removes exactly them afterwards.
    "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": os.environ.get("BENCH_LOAD_REDIS_PREFIX", "bench-load")},
}

app = create_app(BENCH_LIMITS)
