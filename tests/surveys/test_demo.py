"""Demo data: two surveys with every question type; the closed one with 300 responses, codes, all channels."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from participation.core.demo import seed_demo
from participation.extensions import db
from participation.surveys.models import Answer, Response, Survey
from participation.surveys.questions import TYPES
from participation.surveys.results.services import compute


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


def test_both_demo_surveys_use_every_question_type(app, app_ctx):
    seed_demo()
    db.session.commit()
    for title in ("Neugestaltung Marktplatz", "Radverkehr in Musterstadt 2025"):
        survey = db.session.scalar(select(Survey).where(Survey.title == title))
        kinds = {q.qtype for q in survey.questions}
        assert kinds == set(TYPES), (title, set(TYPES) - kinds)
        # Both forms of single choice (radio buttons and dropdown) and a scale with "weiß nicht".
        singles = [q for q in survey.questions if q.qtype == "single"]
        assert {q.setting("display", "radio") for q in singles} == {"radio", "dropdown"}, title
        assert any(q.setting("dont_know") for q in survey.questions if q.qtype == "scale"), title
        assert survey.privacy_notice and survey.project_id is not None, title


def test_closed_demo_survey_has_plausible_answers_codes_and_channels(app, app_ctx):
    seed_demo()
    db.session.commit()
    survey = db.session.scalar(select(Survey).where(Survey.title == "Radverkehr in Musterstadt 2025"))
    answered = dict(
        db.session.execute(
            select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
            .join(Response)
            .where(Response.survey_id == survey.id)
            .group_by(Answer.question_id)
        ).all()
    )
    for question in survey.questions:
        if question.qtype == "display":
            assert question.id not in answered
        else:
            assert 0 < answered.get(question.id, 0) <= 300, question.code
    # The results agree: nobody answered a question they were not shown, "weiß nicht" and ranks present.
    results = compute(survey)
    assert results.total == 300
    for result in results.questions:
        assert result.answered <= result.base, result.question.code
    by_type = {r.question.qtype: r for r in results.questions}
    assert by_type["short_text"].not_shown > 0  # shown only to cyclists (a condition)
    assert by_type["scale"].dont_know and by_type["ranking"].ranks and by_type["matrix"].rows
    assert by_type["date"].first_date < by_type["date"].last_date
    # Codes: 800 letters, one used per response that came with a code; some entries came without one.
    via = dict(
        db.session.execute(
            select(Response.via, func.count()).where(Response.survey_id == survey.id).group_by(Response.via)
        ).all()
    )
    assert set(via) == {"code", "assisted"} and via["assisted"] == results.not_deduplicated > 0
    assert (results.codes_issued, results.codes_used) == (800, via["code"])
    assert 0 < results.response_rate < 100


def test_demo_seeding_is_fast(app, app_ctx):
    started = time.perf_counter()
    seed_demo()
    db.session.commit()
    assert time.perf_counter() - started < 10


def test_demo_survey_pages_render(app, client):
    with app.app_context():
        seed_demo()
        db.session.commit()
        survey_id = db.session.scalar(select(Survey.id).where(Survey.title == "Neugestaltung Marktplatz"))
        closed_id = db.session.scalar(
            select(Survey.id).where(Survey.title == "Radverkehr in Musterstadt 2025")
        )
    results = client.get(f"/umfragen/{closed_id}/ergebnisse")
    assert results.status_code == 200
    assert "Rücklaufquote" in results.get_data(as_text=True) and "nicht dedupliziert" in results.get_data(
        as_text=True
    )
    assert "Neugestaltung Marktplatz" in client.get("/umfragen/").get_data(as_text=True)
    assert "Radverkehr in Musterstadt 2025" in client.get("/umfragen/").get_data(as_text=True)
    assert "Datenschutzhinweis" in client.get(f"/umfragen/{survey_id}").get_data(as_text=True)
    assert "Neugestaltung Marktplatz" in client.get("/").get_data(as_text=True)
