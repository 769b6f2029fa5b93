"""Resume later in every mode: by account, by participation code, in the session (open surveys); drafts go.

Drafts never touch the response tables: no column links a draft to a response (schema), and submitting an
anonymous survey leaves no draft and no account on the response (data).
"""

from __future__ import annotations

import secrets
import string

import pytest
from sqlalchemy import func, inspect, select

from participation.core.i18n import format_day
from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.answering import drafts
from participation.surveys.answering.codes import generate_codes, hash_code
from participation.surveys.models import Draft, Participation, Response, Survey
from participation.surveys.models.responses import CodeDraft
from tests.conftest import ROLE_SETS, get_user, login, post
from tests.surveys.factories import set_dates, two_page_survey


def url(s) -> str:
    return f"/umfragen/{s.id}/teilnehmen"


def step(client, s, page_index, data, action="next", **extra):
    payload = {"page": str(s.pages[page_index]), "action": action, **data, **extra}
    return post(client, url(s), payload, token_from=f"/umfragen/{s.id}")


def yes_and_km(s, km="12") -> dict:
    return {f"q{s.q['cycle']}": s.o["ja"], f"q{s.q['km']}": km}


def rows(app, model) -> list:
    with app.app_context():
        return db.session.scalars(select(model)).all()


def today_german(app) -> str:
    with app.test_request_context():
        return format_day(utcnow())


def test_account_draft_reopens_on_the_page_where_it_stopped(app, client, make_user):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id)
    citizen = make_user(ROLE_SETS["citizen"])
    login(client, citizen)
    second = step(client, s, 0, yes_and_km(s)).get_data(as_text=True)
    assert "Seite 2 von 2" in second
    saved = step(client, s, 1, yes_and_km(s) | {f"q{s.q['far']}": "Zur Arbeit"}, "save")
    assert saved.status_code == 200 and "Ihre Antworten sind gespeichert" in saved.get_data(as_text=True)
    [draft] = rows(app, Draft)
    assert draft.user_id == citizen.id and draft.page == 1 and draft.started_at is not None
    # A new login on another device: the start page says since when, the form opens on page 2.
    other = app.test_client()
    login(other, citizen)
    detail = other.get(f"/umfragen/{s.id}").get_data(as_text=True)
    assert f"Sie haben am {today_german(app)} begonnen" in detail and "Weiter ausfüllen" in detail
    resumed = other.get(url(s)).get_data(as_text=True)
    assert "Seite 2 von 2" in resumed and "Fahren Sie täglich?" in resumed and "Willkommen zurück" in resumed
    assert 'value="Zur Arbeit"' in resumed and f'name="q{s.q["km"]}" value="12"' in resumed


@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymous", "named"])
def test_account_draft_goes_at_submission_and_only_that_one(app, client, make_user, anonymous):
    # Named: the draft's DELETE travels in the response's INSERT statement on PostgreSQL (rows.py).
    planner = make_user(ROLE_SETS["planner"])
    s = two_page_survey(app, planner.id, anonymous=anonymous)
    other = two_page_survey(app, planner.id, anonymous=anonymous)
    citizen = make_user(ROLE_SETS["citizen"])
    login(client, citizen)
    step(client, s, 0, yes_and_km(s), "save")
    step(client, other, 0, yes_and_km(other), "save")
    assert len(rows(app, Draft)) == 2
    done = step(client, s, 1, yes_and_km(s) | {f"q{s.q['often']}": "ja"}, "submit")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/umfragen/{s.id}/danke")
    assert [(d.survey_id, d.user_id) for d in rows(app, Draft)] == [(other.id, citizen.id)]


def test_code_draft_resumes_with_the_code_and_goes_at_submission(app, client, make_user):
    planner = make_user(ROLE_SETS["planner"])
    s = two_page_survey(app, planner.id, access="code")
    with app.app_context():
        code, other_code = generate_codes(get_user(app, planner.id), db.session.get(Survey, s.id), 2)
        db.session.commit()
    start = post(client, url(s), {"action": "start", "code": code}, token_from=f"/umfragen/{s.id}")
    assert "Seite 1 von 2" in start.get_data(as_text=True)
    step(client, s, 0, yes_and_km(s), code=code)
    saved = step(client, s, 1, yes_and_km(s), "save", code=code)
    assert "Mit demselben Code" in saved.get_data(as_text=True)
    [draft] = rows(app, CodeDraft)
    assert draft.code_hash == hash_code(code) and draft.page == 1
    assert {c.name for c in CodeDraft.__table__.columns} == {
        "code_hash",
        "survey_id",
        "data",
        "page",
        "started_at",
        "saved_at",
    }
    # Another browser, the same code typed differently: page 2 with the answers; another code starts afresh.
    later = app.test_client()
    typed = code.lower().replace("-", " ")
    resumed = post(later, url(s), {"action": "start", "code": typed}, token_from=f"/umfragen/{s.id}")
    html = resumed.get_data(as_text=True)
    assert "Seite 2 von 2" in html and "Willkommen zurück" in html and 'value="12"' in html
    fresh = post(later, url(s), {"action": "start", "code": other_code}, token_from=f"/umfragen/{s.id}")
    assert "Seite 1 von 2" in fresh.get_data(as_text=True) and "Willkommen zurück" not in fresh.get_data(
        as_text=True
    )
    done = step(later, s, 1, yes_and_km(s) | {f"q{s.q['often']}": "ja"}, "submit", code=typed)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/umfragen/{s.id}/danke")
    assert rows(app, CodeDraft) == [] and len(rows(app, Response)) == 1
    # The used code neither resumes nor saves.
    again = post(later, url(s), {"action": "start", "code": code}, token_from=f"/umfragen/{s.id}")
    assert again.status_code == 302
    assert step(later, s, 0, yes_and_km(s), "save", code=code).status_code == 302
    assert rows(app, CodeDraft) == []


def test_open_survey_draft_stays_in_the_session_only(app, client, make_user):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id, access="open")
    step(client, s, 0, yes_and_km(s, "7"))
    saved = step(client, s, 1, yes_and_km(s, "7"), "save")
    assert "nur in diesem Browser" in saved.get_data(as_text=True)
    assert rows(app, Draft) == [] and rows(app, CodeDraft) == []
    assert "begonnen" in client.get(f"/umfragen/{s.id}").get_data(as_text=True)
    resumed = client.get(url(s)).get_data(as_text=True)
    assert "Seite 2 von 2" in resumed and 'value="7"' in resumed
    # Another browser knows nothing of it.
    assert "Seite 1 von 2" in app.test_client().get(url(s)).get_data(as_text=True)
    # Up to the limit it fits in the cookie even when it does not compress (Werkzeug would warn - an
    # error under filterwarnings - above 4 KB); beyond it, said plainly, nothing kept.
    noise = "".join(secrets.choice(string.ascii_letters + "äöüß") for _ in range(1700))
    browser = app.test_client()
    step(browser, s, 0, yes_and_km(s, "70"))
    fits = step(browser, s, 1, yes_and_km(s, "70") | {f"q{s.q['far']}": noise}, "save")
    assert "nur in diesem Browser" in fits.get_data(as_text=True)
    assert noise in browser.get(url(s)).get_data(as_text=True)
    long = yes_and_km(s, "70") | {f"q{s.q['far']}": "x" * 3000}
    refused = step(app.test_client(), s, 1, long, "save")
    assert "zu lang" in refused.get_data(as_text=True)
    # Sent: the session's draft is gone.
    assert step(client, s, 1, yes_and_km(s, "7") | {f"q{s.q['often']}": "nein"}, "submit").status_code == 302
    assert "Willkommen zurück" not in client.get(url(s)).get_data(as_text=True)
    assert "begonnen" not in client.get(f"/umfragen/{s.id}").get_data(as_text=True)


def test_discard_drafts_deletes_one_surveys_account_and_code_drafts(app, make_user):
    planner = make_user(ROLE_SETS["planner"])
    ended, running = (two_page_survey(app, planner.id, access=a) for a in ("code", "code"))
    citizen = make_user(ROLE_SETS["citizen"])
    with app.app_context():
        user = get_user(app, citizen.id)
        for built in (ended, running):
            survey = db.session.get(Survey, built.id)
            [code] = generate_codes(get_user(app, planner.id), survey, 1)
            drafts.save_code_draft(survey, code, {"x": ["1"]}, 0)
            drafts.save_draft(user, survey, {"x": ["2"]}, 0)
        db.session.commit()
        assert drafts.discard_drafts(db.session.get(Survey, ended.id)) == 2
        db.session.commit()
        left = {(d.survey_id) for d in db.session.scalars(select(Draft))}
        left_codes = {(d.survey_id) for d in db.session.scalars(select(CodeDraft))}
        assert left == left_codes == {running.id}
    # A survey that has ended offers no resume and takes no draft.
    set_dates(app, running.id, closed=True)
    with app.app_context():
        survey = db.session.get(Survey, running.id)
        assert drafts.account_resume(get_user(app, citizen.id), survey) is not None  # row still there ...
        client = app.test_client()
        login(client, citizen)
    assert "Weiter ausfüllen" not in client.get(f"/umfragen/{running.id}").get_data(as_text=True)


def test_no_column_links_a_draft_and_a_response(app):
    with app.app_context():
        inspector = inspect(db.engine)
        for table in ("survey_drafts", "survey_code_drafts"):
            targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
            assert targets <= {"surveys", "users"}, table
            assert not {"response_id", "id"} & {c["name"] for c in inspector.get_columns(table)}
        for table in ("survey_responses", "survey_answers", "survey_participations", "survey_codes"):
            targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
            assert not targets & {"survey_drafts", "survey_code_drafts"}, table
        # The code draft has no account column at all.
        assert "user_id" not in {c["name"] for c in inspector.get_columns("survey_code_drafts")}


def test_anonymous_submission_leaves_no_draft_and_no_account_on_the_response(app, client, make_user):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id, anonymous=True)
    citizen = make_user(ROLE_SETS["citizen"])
    login(client, citizen)
    step(client, s, 0, yes_and_km(s), "save")
    assert len(rows(app, Draft)) == 1
    assert step(client, s, 1, yes_and_km(s) | {f"q{s.q['often']}": "ja"}, "submit").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
        [response] = db.session.scalars(select(Response)).all()
        assert response.user_id is None and response.via == "account"
        assert db.session.get(Participation, (s.id, citizen.id)) is not None
