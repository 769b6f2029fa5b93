"""An acknowledged anonymous response survives the app process being killed before its batch is written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.answering import batches, sealing
from participation.surveys.models import Answer, Response, Survey
from tests.surveys.factories import every_type_survey

ROOT = Path(__file__).resolve().parents[2]


def _submit_in_a_process_and_kill_it(app, s, answer: str) -> None:
    """Submit through a real app in another process; SIGKILL it right after "Vielen Dank"."""
    config = {
        "SECRET_KEY": app.config["SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        "SURVEY_BATCH_SIZE": batches.BATCH_SIZE,
    }
    env = {**os.environ, "CRASH_APP_CONFIG": json.dumps(config)}
    command = [sys.executable, "-m", "tests.surveys.crash_submitter", str(s.id), str(s.q["short"]), answer]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            said = process.stdout.readline().strip()
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
    assert said == "DANKE"
    assert process.returncode == -signal.SIGKILL


def test_a_thanked_response_is_counted_after_the_process_died_and_written_with_the_seal(app, planner):
    s = every_type_survey(app, planner.id, access="open", anonymous=True)
    _submit_in_a_process_and_kill_it(app, s, "Überlebt")
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        assert db.session.scalars(select(Response)).all() == []  # its batch is not full
        assert batches.waiting_count(survey) == 1 and sealing.response_count(survey) == 1
        survey.closed_at = utcnow()
        assert sealing.seal_if_closed(survey) is True
        db.session.commit()
        assert db.session.scalars(select(Answer.value_text).where(Answer.value_text.is_not(None))).all() == [
            "Überlebt"
        ]
        assert len(db.session.scalars(select(Response)).all()) == 1
