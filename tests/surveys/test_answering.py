"""Answering by page: conditions; hidden answers not stored, mandatory only when shown, drafts, changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.surveys import builder
from participation.surveys.conditions import all_hold
from participation.surveys.models import Answer, Draft, Response, Survey
from tests.conftest import ROLE_SETS, get_user, post
from tests.surveys.factories import every_type_survey, two_page_survey


@pytest.fixture
def radwege(app, make_user):
    return two_page_survey(app, make_user(ROLE_SETS["planner"]).id)


def step(client, s, page_index, data, action="next"):
    payload = {"page": str(s.pages[page_index]), "action": action, **data}
    return post(client, f"/umfragen/{s.id}/teilnehmen", payload, token_from=f"/umfragen/{s.id}")


def answers(app, question_id=None):
    with app.app_context():
        query = select(Answer)
        if question_id:
            query = query.where(Answer.question_id == question_id)
        return db.session.scalars(query).all()


def test_condition_shows_second_page_and_progress(app, client, logged_in, radwege):
    logged_in("citizen")
    first = client.get(f"/umfragen/{radwege.id}/teilnehmen").get_data(as_text=True)
    assert "Seite 1 von 2" in first and "Fahren Sie Rad?" in first and "Fahren Sie täglich?" not in first
    second = step(
        client, radwege, 0, {f"q{radwege.q['cycle']}": radwege.o["ja"], f"q{radwege.q['km']}": "12"}
    )
    html = second.get_data(as_text=True)
    assert second.status_code == 200 and "Seite 2 von 2" in html and "Fahren Sie täglich?" in html
    # Page 1's answers travel along as hidden fields.
    assert f'name="q{radwege.q["km"]}" value="12"' in html
    done = step(
        client,
        radwege,
        1,
        {
            f"q{radwege.q['cycle']}": radwege.o["ja"],
            f"q{radwege.q['km']}": "12",
            f"q{radwege.q['often']}": "ja",
            f"q{radwege.q['far']}": "Zur Arbeit",
        },
        "submit",
    )
    assert done.status_code == 302
    assert {a.question_id for a in answers(app)} == {
        radwege.q["cycle"],
        radwege.q["km"],
        radwege.q["often"],
        radwege.q["far"],
    }


def test_hidden_page_answers_are_never_stored_and_not_mandatory(app, client, logged_in, radwege):
    logged_in("citizen")
    # Undecided: page 2 may still come, so page 1 offers "Weiter".
    assert ">Weiter</button>" in client.get(f"/umfragen/{radwege.id}/teilnehmen").get_data(as_text=True)
    # With "Nein" page 2 disappears: "Weiter" on the last shown page submits; page-2 answers are dropped.
    done = step(
        client,
        radwege,
        0,
        {
            f"q{radwege.q['cycle']}": radwege.o["nein"],
            f"q{radwege.q['often']}": "ja",
            f"q{radwege.q['far']}": "untergeschoben",
        },
    )
    assert done.status_code == 302
    assert {a.question_id for a in answers(app)} == {radwege.q["cycle"]}


def test_numeric_condition_hides_question_and_drops_its_answer(app, client, logged_in, radwege):
    logged_in("citizen")
    data = {
        f"q{radwege.q['cycle']}": radwege.o["ja"],
        f"q{radwege.q['km']}": "5",
        f"q{radwege.q['often']}": "nein",
        f"q{radwege.q['far']}": "soll nicht gespeichert werden",
    }
    page_two = step(client, radwege, 0, data).get_data(as_text=True)
    assert "Wohin?" not in page_two
    assert step(client, radwege, 1, data, "submit").status_code == 302
    assert answers(app, radwege.q["far"]) == []
    assert [a.value_number for a in answers(app, radwege.q["often"])] == [0]


def test_mandatory_on_shown_page_is_enforced_on_submit(app, client, logged_in, radwege):
    logged_in("citizen")
    data = {f"q{radwege.q['cycle']}": radwege.o["ja"]}
    # Skipping page 2 by submitting from page 1 directly is caught: all shown pages are validated.
    response = step(client, radwege, 0, data, "submit")
    assert response.status_code == 200 and "Seite 2 von 2" in response.get_data(as_text=True)
    response = step(client, radwege, 1, data, "submit")
    assert response.status_code == 422 and "Bitte beantworten Sie diese Frage." in response.get_data(
        as_text=True
    )
    assert answers(app) == []


def test_next_without_mandatory_answer_stays_with_german_error(client, logged_in, radwege):
    logged_in("citizen")
    response = step(client, radwege, 0, {f"q{radwege.q['km']}": "7"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Seite 1 von 2" in html
    assert f'id="q{radwege.q["cycle"]}-error"' in html and 'value="7"' in html


def test_back_keeps_answers(client, logged_in, radwege):
    logged_in("citizen")
    data = {
        f"q{radwege.q['cycle']}": radwege.o["ja"],
        f"q{radwege.q['km']}": "3",
        f"q{radwege.q['often']}": "ja",
    }
    html = step(client, radwege, 1, data, "back").get_data(as_text=True)
    assert "Seite 1 von 2" in html and 'value="3"' in html and f'value="{radwege.o["ja"]}" checked' in html


@pytest.mark.parametrize(
    ("mode", "km", "expected"), [("all", "12", False), ("any", "12", True), ("any", "3", False)]
)
def test_and_or_combination(app, make_user, mode, km, expected):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id, publish=False)
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        owner = get_user(app, survey.created_by_id)
        from participation.surveys.models import Question

        far = db.session.get(Question, s.q["far"])
        builder.add_condition(owner, far, db.session.get(Question, s.q["cycle"]), "eq", option_id=s.o["nein"])
        builder.set_condition_mode(owner, far, mode)
        values = {s.q["cycle"]: (s.o["ja"], None), s.q["km"]: __import__("decimal").Decimal(km)}
        assert all_hold(far, values) is expected


def test_draft_is_saved_and_continued(app, client, logged_in, radwege):
    user = logged_in("citizen")
    step(client, radwege, 0, {f"q{radwege.q['cycle']}": radwege.o["ja"], f"q{radwege.q['km']}": "8"}, "save")
    with app.app_context():
        draft = db.session.get(Draft, (radwege.id, user.id))
        assert draft.data[f"q{radwege.q['km']}"] == ["8"]
    html = client.get(f"/umfragen/{radwege.id}/teilnehmen").get_data(as_text=True)
    assert 'value="8"' in html
    assert "Weiter ausfüllen" in client.get(f"/umfragen/{radwege.id}").get_data(as_text=True)


def test_change_until_close_replaces_answers(app, client, logged_in, make_user):
    s = every_type_survey(app, make_user(ROLE_SETS["planner"]).id, anonymous=False, allow_changes=True)
    logged_in("citizen")
    url = f"/umfragen/{s.id}/teilnehmen"
    assert (
        post(
            client, url, {"page": s.pages[0], "action": "submit", f"q{s.q['short']}": "Erst"}, token_from=url
        ).status_code
        == 302
    )
    assert 'value="Erst"' in client.get(url).get_data(as_text=True)
    assert (
        post(
            client, url, {"page": s.pages[0], "action": "submit", f"q{s.q['short']}": "Dann"}, token_from=url
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1
        assert [a.value_text for a in db.session.scalars(select(Answer))] == ["Dann"]


def test_without_allow_changes_a_second_visit_is_refused(app, client, logged_in, make_user):
    s = every_type_survey(app, make_user(ROLE_SETS["planner"]).id, anonymous=False)
    logged_in("citizen")
    url = f"/umfragen/{s.id}/teilnehmen"
    post(client, url, {"page": s.pages[0], "action": "submit", f"q{s.q['short']}": "Erst"}, token_from=url)
    response = client.get(url, follow_redirects=True)
    assert "bereits teilgenommen" in response.get_data(as_text=True)
