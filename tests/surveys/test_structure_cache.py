"""Each worker's copy of a survey's structure (surveys/structure_cache.py): cheap, shared, never stale.

The whole suite answers surveys through this copy; these tests look at what it promises: a kept
structure costs no query, every change to a page, question, option or condition shows at once (its
commit raises the survey's structure version once), the kept objects are detached and cannot read a
stale survey, and what changes past the application shows after the time limit.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.exc import DetachedInstanceError

from participation.core import lru
from participation.extensions import db
from participation.surveys import services, structure_cache
from participation.surveys.models import Question, Survey
from tests.conftest import count_queries, csrf_token, get_user
from tests.surveys.factories import two_page_survey


def _questionnaire(client, survey_id: int) -> str:
    response = client.get(f"/umfragen/{survey_id}/teilnehmen")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _version(app, survey_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Survey.structure_version).where(Survey.id == survey_id))


def test_a_kept_structure_costs_no_query(app, planner):
    s = two_page_survey(app, planner.id, access="open")
    client = app.test_client()
    first = _questionnaire(client, s.id)
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        again = _questionnaire(client, s.id)
    assert "Fahren Sie Rad?" in first and "Fahren Sie Rad?" in again
    structure_tables = ("survey_pages", "survey_questions", "survey_options", "survey_conditions")
    assert not [sql for sql in statements if any(f"FROM {table}" in sql for table in structure_tables)]
    assert sum("FROM surveys" in sql for sql in statements) == 1, "\n".join(statements)


def _reword(owner, survey: Survey):
    question = next(q for q in survey.questions if q.text == "Fahren Sie Rad?")
    services.update_question(
        owner, question, text="Radeln Sie?", help_text="", mandatory=True, settings=question.settings
    )
    return lambda page: "Radeln Sie?" in page


def _add_option(owner, survey: Survey):
    question = next(q for q in survey.questions if q.text == "Fahren Sie Rad?")
    services.add_option(owner, question, "Manchmal")
    return lambda page: "Manchmal" in page


def _add_question(owner, survey: Survey):
    services.add_question(owner, survey.pages[0], "short_text", "Ihr Lieblingsweg?")
    return lambda page: "Ihr Lieblingsweg?" in page


def _rename_page(owner, survey: Survey):
    services.rename_page(owner, survey.pages[0], "Ihr Alltag")
    return lambda page: "Ihr Alltag" in page


def _drop_condition(owner, survey: Survey):
    # "Wohin?" on the second page is asked only of those who ride more than 10 km a day (first page).
    far = next(q for q in survey.questions if q.text == "Wohin?")
    services.delete_condition(owner, far.conditions[0])
    return lambda page: "Wohin?" in page


@pytest.mark.parametrize("change", [_reword, _add_option, _add_question, _rename_page, _drop_condition])
def test_a_change_to_the_structure_shows_at_once(app, planner, change):
    s = two_page_survey(app, planner.id, access="open")
    client = app.test_client()
    first_page = _questionnaire(client, s.id)
    if change is _drop_condition:  # the question with the condition is on the second page
        first_page = _second_page(client, s)
    version = _version(app, s.id)
    with app.app_context():  # as another app server would: its commit raises the version
        owner = get_user(app, planner.id)
        shows = change(owner, db.session.get(Survey, s.id))
        db.session.commit()
    assert not shows(first_page)
    assert _version(app, s.id) == version + 1  # once per transaction, whatever it wrote
    after = _second_page(client, s) if change is _drop_condition else _questionnaire(client, s.id)
    assert shows(after)


def _second_page(client, s) -> str:
    """The second page, reached by answering "Ja" on the first."""
    token = csrf_token(client, f"/umfragen/{s.id}/teilnehmen")
    form = {"csrf_token": token, "page": s.pages[0], "action": "next", f"q{s.q['cycle']}": str(s.o["ja"])}
    response = client.post(f"/umfragen/{s.id}/teilnehmen", data=form)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_kept_objects_are_shared_detached_and_cannot_read_a_stale_survey(app, planner):
    s = two_page_survey(app, planner.id, access="open")
    with app.test_request_context():
        survey = db.session.get(Survey, s.id)
        structure_cache.give_structure(survey)
        question = survey.questions[0]
        assert question not in db.session
        assert [q.text for q in survey.pages[0].questions] == [
            "Fahren Sie Rad?",
            "Wie viele Kilometer am Tag?",
        ]
        assert question.page is survey.pages[0]
        with pytest.raises(DetachedInstanceError):
            question.survey  # noqa: B018 (would be the survey as it was when the copy was made)
        db.session.remove()
        later = db.session.get(Survey, s.id)
        structure_cache.give_structure(later)
        assert later.questions[0] is question  # the same objects, not loaded again
        assert later.pages is not survey.pages  # but lists of the survey's own


def test_a_change_past_the_application_shows_after_the_time_limit(app, planner, monkeypatch):
    s = two_page_survey(app, planner.id, access="open")
    client = app.test_client()
    _questionnaire(client, s.id)
    with app.app_context(), db.engine.begin() as connection:  # SQL by hand: no version rises
        connection.execute(
            update(Question.__table__).where(Question.id == s.q["cycle"]).values(text="Per Hand geändert?")
        )
    assert "Per Hand geändert?" not in _questionnaire(client, s.id)
    now = lru.time.monotonic()
    monkeypatch.setattr(lru.time, "monotonic", lambda: now + structure_cache.SECONDS + 1)
    assert "Per Hand geändert?" in _questionnaire(client, s.id)


def test_a_new_survey_under_a_deleted_ones_id_gets_its_own_structure(app, planner):
    first = two_page_survey(app, planner.id, access="open")
    client = app.test_client()
    assert "Fahren Sie Rad?" in _questionnaire(client, first.id)
    with app.app_context():
        owner = get_user(app, planner.id)
        services.delete_survey(owner, db.session.get(Survey, first.id))
        db.session.commit()
        survey = services.create_survey(owner, title="Neu", access="open")
        services.add_question(owner, survey.pages[0], "short_text", "Was wünschen Sie sich?")
        services.publish(owner, survey)
        db.session.commit()
        second_id = survey.id
        # SQLite gives the highest id again after its row was deleted; PostgreSQL's sequence never does.
        assert second_id == first.id or db.engine.dialect.name == "postgresql"
    page = _questionnaire(client, second_id)
    assert "Was wünschen Sie sich?" in page and "Fahren Sie Rad?" not in page
