"""Answering by page: conditions; hidden answers not stored, mandatory only when shown, drafts, changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.surveys import services
from participation.surveys.conditions import all_hold
from participation.surveys.models import Answer, Draft, Question, Response, Survey
from tests.conftest import ROLE_SETS, get_user, login, post
from tests.surveys.factories import every_type_survey, set_dates, two_page_survey


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
    # With "Nein" page 2 disappears: "Weiter" on the last shown page leads to the summary (nothing stored
    # yet, page-2 answers not listed); sending from there drops them.
    data = {
        f"q{radwege.q['cycle']}": radwege.o["nein"],
        f"q{radwege.q['often']}": "ja",
        f"q{radwege.q['far']}": "untergeschoben",
    }
    summary = step(client, radwege, 0, data)
    html = summary.get_data(as_text=True)
    assert summary.status_code == 200 and "Ihre Antworten prüfen" in html
    assert "Fahren Sie Rad?" in html and "Fahren Sie täglich?" not in html and answers(app) == []
    done = step(client, radwege, 0, data, "submit")
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
        far = db.session.get(Question, s.q["far"])
        services.add_condition(
            owner, far, db.session.get(Question, s.q["cycle"]), "eq", option_id=s.o["nein"]
        )
        services.set_condition_mode(owner, far, mode)
        values = {s.q["cycle"]: (s.o["ja"], None), s.q["km"]: Decimal(km)}
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
    # Anonymous survey: the one moment answers sit next to the account is said plainly.
    assert 'aria-describedby="draft-hint"' in html and "zusammen mit Ihrem Konto auf dem Server" in html


def test_no_draft_hint_where_answers_keep_the_account_anyway(app, client, logged_in, make_user):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id, anonymous=False)
    logged_in("citizen")
    html = client.get(f"/umfragen/{s.id}/teilnehmen").get_data(as_text=True)
    assert "Zwischenspeichern" in html and "zusammen mit Ihrem Konto auf dem Server" not in html


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


def test_change_is_refused_once_the_survey_has_closed(app, client, logged_in, make_user):
    s = every_type_survey(app, make_user(ROLE_SETS["planner"]).id, anonymous=False, allow_changes=True)
    logged_in("citizen")
    url = f"/umfragen/{s.id}/teilnehmen"
    data = {"page": s.pages[0], "action": "submit", f"q{s.q['short']}": "Erst"}
    assert post(client, url, data, token_from=url).status_code == 302
    set_dates(app, s.id, closed=True)
    # Neither the form nor a posted change gets through; the detail page says why.
    opened = client.get(url)
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/umfragen/{s.id}")
    changed = post(client, url, data | {f"q{s.q['short']}": "Dann"}, token_from=f"/umfragen/{s.id}")
    assert changed.status_code == 302
    assert "nicht geöffnet" in client.get(changed.headers["Location"]).get_data(as_text=True)
    assert "Antworten ändern" not in client.get(f"/umfragen/{s.id}").get_data(as_text=True)
    with app.app_context():
        assert [a.value_text for a in db.session.scalars(select(Answer))] == ["Erst"]
        assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1


# --- "contains option" and "not answered", built through the builder's routes -----------------------


@pytest.fixture
def built_with_conditions(app, make_user):
    """Q01 multiple (Bäume/Bänke/Licht); Q02 mandatory text if Q01 contains "Bäume";
    Q03 optional number; Q04 mandatory text if Q03 is not answered. Built by a planner's POSTs."""
    planner = make_user(ROLE_SETS["planner"])
    staff = app.test_client()
    login(staff, planner)
    created = post(
        staff,
        "/umfragen/verwaltung/neu",
        {"title": "Grün in der Stadt", "access": "open"},
        token_from="/umfragen/verwaltung/neu",
    )
    survey_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    base = f"/umfragen/verwaltung/{survey_id}"
    with app.app_context():
        page_id = db.session.get(Survey, survey_id).pages[0].id

    def question(qtype, text, mandatory=False):
        added = post(
            staff, f"{base}/seiten/{page_id}/fragen", {"qtype": qtype, "text": text}, token_from=base
        )
        question_id = int(added.headers["Location"].rstrip("/").split("/")[-1])
        if mandatory:
            edited = post(
                staff,
                f"{base}/fragen/{question_id}",
                {"qtype": qtype, "text": text, "mandatory": "y"},
                token_from=base,
            )
            assert edited.status_code == 302
        return question_id

    q = {"wish": question("multiple", "Was fehlt?")}
    for label in ("Bäume", "Bänke", "Licht"):
        post(staff, f"{base}/fragen/{q['wish']}/optionen", {"label": label}, token_from=base)
    q["trees"] = question("short_text", "Welche Bäume?", mandatory=True)
    q["age"] = question("number", "Wie alt sind Sie?")
    q["why"] = question("long_text", "Möchten Sie Ihr Alter nicht nennen? Warum?", mandatory=True)
    with app.app_context():
        options = {o.label: o.id for o in db.session.get(Question, q["wish"]).options}
    for target, condition in (
        (q["trees"], {"source_id": q["wish"], "operator": "contains", "option_id": options["Bäume"]}),
        (q["why"], {"source_id": q["age"], "operator": "not_answered"}),
    ):
        added = post(staff, f"{base}/fragen/{target}/bedingungen", condition, token_from=base)
        assert added.status_code == 302
    assert post(staff, f"{base}/veroeffentlichen", {}, token_from=base).status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert survey.is_open
        assert {(c.operator, c.source_id) for qn in survey.questions for c in qn.conditions} == {
            ("contains", q["wish"]),
            ("not_answered", q["age"]),
        }
    return survey_id, page_id, q, options


def _submit(app, built, data):
    survey_id, page_id, q, _options = built
    citizen = app.test_client()
    payload = {"page": page_id, "action": "submit"}
    for key, value in data.items():
        payload[f"q{q[key]}"] = value
    url = f"/umfragen/{survey_id}/teilnehmen"
    return post(citizen, url, payload, token_from=f"/umfragen/{survey_id}")


def test_contains_and_not_answered_hide_questions_and_drop_their_answers(app, built_with_conditions):
    _sid, _pid, q, options = built_with_conditions
    # "Bäume" not chosen and the age given: both conditional questions are hidden, though mandatory
    # and though a tampered form sends answers for them.
    response = _submit(
        app,
        built_with_conditions,
        {
            "wish": [options["Bänke"], options["Licht"]],
            "trees": "Eichen",
            "age": "40",
            "why": "untergeschoben",
        },
    )
    assert response.status_code == 302
    assert {a.question_id for a in answers(app)} == {q["wish"], q["age"]}


def test_contains_and_not_answered_make_shown_questions_mandatory(app, built_with_conditions):
    _sid, _pid, q, options = built_with_conditions
    response = _submit(app, built_with_conditions, {"wish": [options["Licht"], options["Bäume"]]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="q{q["trees"]}-error"' in html and f'id="q{q["why"]}-error"' in html
    assert f'id="q{q["age"]}-error"' not in html
    assert answers(app) == []
    done = _submit(
        app, built_with_conditions, {"wish": [options["Bäume"]], "trees": "Linden", "why": "Privatsache"}
    )
    assert done.status_code == 302
    stored = {a.question_id: a for a in answers(app)}
    assert set(stored) == {q["wish"], q["trees"], q["why"]}
    assert (stored[q["trees"]].value_text, stored[q["why"]].value_text) == ("Linden", "Privatsache")


def test_privacy_notice_is_on_the_answering_page_itself(app, client, make_user):
    planner = make_user(ROLE_SETS["planner"])
    s = two_page_survey(app, planner.id, access="open")
    with app.app_context():
        db.session.get(Survey, s.id).privacy_notice = "Wir speichern **keine** IP-Adressen."
        db.session.commit()
    # Opened directly, without the introduction page: the notice is there, open, above the questions.
    html = client.get(f"/umfragen/{s.id}/teilnehmen").get_data(as_text=True)
    assert "<strong>keine</strong> IP-Adressen" in html
    assert html.index("Datenschutzhinweis") < html.index("Fahren Sie Rad?")
    assert '<details class="card survey-privacy" open>' in html
    # Later pages keep it at hand (collapsed), and the planner's preview shows it as citizens see it.
    second = step(client, s, 0, {f"q{s.q['cycle']}": s.o["ja"]})
    assert second.status_code == 200 and "<strong>keine</strong> IP-Adressen" in second.get_data(as_text=True)
    login(client, planner)
    preview = client.get(f"/umfragen/verwaltung/{s.id}/vorschau").get_data(as_text=True)
    assert "<strong>keine</strong> IP-Adressen" in preview
