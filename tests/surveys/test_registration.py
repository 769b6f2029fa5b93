"""The surveys register by name: a second app (workers, tests, the CLI) adds nothing twice."""

from __future__ import annotations

from participation import create_app
from participation.extensions import db
from tests.surveys.factories import every_type_survey


def test_a_second_app_shows_the_open_surveys_once(app, planner):
    every_type_survey(app, planner.id)
    database = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")}
    second = create_app(
        {"TESTING": True, "SECRET_KEY": "second", "RATELIMIT_STORAGE_URI": "memory://", **database}
    )
    try:
        for application in (app, second):
            page = application.test_client().get("/").get_data(as_text=True)
            assert page.count('id="surveys-heading"') == 1
            assert "surveys" in application.cli.commands
    finally:
        with second.app_context():
            db.engine.dispose()
