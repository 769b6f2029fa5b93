"""Demo data: an open survey with every question type and a closed one with ~300 responses on all channels."""

from __future__ import annotations

from sqlalchemy import func, select

from participation.core.demo import seed_demo
from participation.extensions import db
from participation.surveys.models import Response, Survey
from participation.surveys.questions import TYPES


def test_seed_is_complete_and_idempotent(app, app_ctx):
    seed_demo()
    db.session.commit()
    seed_demo()
    db.session.commit()
    surveys = {s.title: s for s in db.session.scalars(select(Survey))}
    assert set(surveys) == {"Neugestaltung Marktplatz", "Radverkehr in Musterstadt 2025"}
    open_survey = surveys["Neugestaltung Marktplatz"]
    assert open_survey.state.value == "open"
    assert {q.qtype for q in open_survey.questions} == set(TYPES)
    closed = surveys["Radverkehr in Musterstadt 2025"]
    assert closed.state.value == "closed" and closed.results_published
    channels = dict(
        db.session.execute(
            select(Response.channel, func.count())
            .where(Response.survey_id == closed.id)
            .group_by(Response.channel)
        ).all()
    )
    assert sum(channels.values()) == 300 and set(channels) == {"online", "telefon", "buergerbuero", "papier"}


def test_demo_survey_pages_render(app, client):
    with app.app_context():
        seed_demo()
        db.session.commit()
        survey_id = db.session.scalar(select(Survey.id).where(Survey.title == "Neugestaltung Marktplatz"))
    assert "Neugestaltung Marktplatz" in client.get("/umfragen/").get_data(as_text=True)
    assert "Radverkehr in Musterstadt 2025" in client.get("/umfragen/").get_data(as_text=True)
    assert "Datenschutzhinweis" in client.get(f"/umfragen/{survey_id}").get_data(as_text=True)
    assert "Neugestaltung Marktplatz" in client.get("/").get_data(as_text=True)
