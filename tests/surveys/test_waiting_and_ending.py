"""What the rest of the survey domain makes of responses that wait for their batch, and of a survey's end."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.answering import batches, drafts, sealing
from participation.surveys.answering.services import submit_response
from participation.surveys.builder.services import has_responses
from participation.surveys.models import Draft, Survey
from tests.conftest import get_user
from tests.surveys.factories import every_type_survey


@pytest.fixture
def batched(app, monkeypatch):
    """Batches of the production size (the suite's default writes every response at once)."""
    monkeypatch.setitem(app.config, "SURVEY_BATCH_SIZE", batches.BATCH_SIZE)


def _submit(app, s, user_id: int) -> None:
    with app.app_context():
        raw = {f"q{s.q['short']}": ["Wartet"], f"q{s.q['dec']}": ["1"], f"q{s.q['date']}": ["03.10.1990"]}
        submit_response(db.session.get(Survey, s.id), raw, user=get_user(app, user_id))
        db.session.commit()


def test_a_waiting_response_counts_as_received_for_the_builder_and_the_list(
    app, client, logged_in, make_user, batched
):
    owner = logged_in("planner")
    s = every_type_survey(app, owner.id, anonymous=True)
    with app.app_context():
        assert has_responses(db.session.get(Survey, s.id)) is False
    _submit(app, s, make_user().id)
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        assert batches.waiting_count(survey) == 1 and has_responses(survey) is True
    listing = client.get("/umfragen/verwaltung/").get_data(as_text=True)
    row = next(r for r in listing.split("<tr") if f"/umfragen/verwaltung/{s.id}" in r)
    assert re.search(r">\s*1\s*<", row), row


def test_the_seal_discards_the_drafts_of_the_ended_survey(app, make_user, planner, batched):
    s = every_type_survey(app, planner.id, anonymous=True)
    citizen = make_user()
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        drafts.save_draft(get_user(app, citizen.id), survey, {f"q{s.q['short']}": ["Halb"]}, 0)
        db.session.commit()
        survey.closed_at = utcnow()
        assert sealing.seal_if_closed(survey) is True
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_the_planners_results_page_says_how_many_responses_wait(app, client, logged_in, make_user, batched):
    owner = logged_in("planner")
    s = every_type_survey(app, owner.id, anonymous=True)
    page = client.get(f"/umfragen/{s.id}/ergebnisse").get_data(as_text=True)
    assert "in Gruppen von mindestens elf" not in page
    for _ in range(2):
        _submit(app, s, make_user().id)
    page = client.get(f"/umfragen/{s.id}/ergebnisse").get_data(as_text=True)
    assert "2 eingegangene Antworten sind deshalb noch nicht enthalten" in page
