"""Taking part: one response per account (DB constraint, race), single-use codes, open mode, time window."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.surveys.answering.codes import ALPHABET, generate_codes, hash_code
from participation.surveys.models import Participation, ParticipationCode, Response, Survey
from tests.conftest import csrf_token, get_user, is_postgres, login, post
from tests.surveys.factories import every_type_survey, set_dates


def answer(client, s, text="Hallo", **extra):
    url = f"/umfragen/{s.id}/teilnehmen"
    data = {"page": s.pages[0], "action": "submit", f"q{s.q['short']}": text, **extra}
    return post(client, url, data, token_from=f"/umfragen/{s.id}")


def count(app, model=Response) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("anonymous", [True, False])
def test_one_response_per_account_sequentially(app, client, logged_in, planner, anonymous):
    s = every_type_survey(app, planner.id, anonymous=anonymous)
    user = logged_in("citizen")
    assert answer(client, s).status_code == 302
    again = answer(client, s, "Nochmal")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/umfragen/{s.id}")
    assert "bereits teilgenommen" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert count(app) == 1
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.via == "account"
        assert response.user_id == (None if anonymous else user.id)
        assert count(app, Participation) == (1 if anonymous else 0)


def test_account_mode_needs_login_and_verification(app, client, make_user, planner):
    s = every_type_survey(app, planner.id)
    assert client.get(f"/umfragen/{s.id}/teilnehmen").status_code == 302
    login(client, make_user(verified=False))
    assert client.get(f"/umfragen/{s.id}/teilnehmen").status_code == 403
    assert answer(client, s).status_code == 403
    assert count(app) == 0


@pytest.mark.parametrize(
    ("window", "expected_state"),
    [
        ({"starts_in": timedelta(hours=1)}, "scheduled"),
        ({"ends_in": timedelta(seconds=-1)}, "closed"),
        ({"closed": True}, "closed"),
    ],
)
def test_answering_outside_the_window_is_refused(app, client, logged_in, planner, window, expected_state):
    s = every_type_survey(app, planner.id, access="open")
    set_dates(app, s.id, **window)
    with app.app_context():
        assert db.session.get(Survey, s.id).state.value == expected_state
    response = answer(client, s)
    assert response.status_code == 302
    assert "nicht geöffnet" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert count(app) == 0


def test_state_follows_the_clock_without_cron(app, planner):
    s = every_type_survey(app, planner.id)
    set_dates(app, s.id, starts_in=timedelta(days=-1), ends_in=timedelta(days=1))
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        assert survey.state.value == "open"
        assert survey.state_at(survey.ends_at).value == "closed"
        assert survey.state_at(survey.starts_at - timedelta(seconds=1)).value == "scheduled"


def test_draft_survey_is_not_answerable(app, client, planner):
    s = every_type_survey(app, planner.id, access="open", publish=False)
    assert client.get(f"/umfragen/{s.id}/teilnehmen").status_code == 404
    assert client.get(f"/umfragen/{s.id}").status_code == 404


def make_codes(app, s, planner, n=3) -> list[str]:
    with app.app_context():
        codes = generate_codes(get_user(app, planner.id), db.session.get(Survey, s.id), n)
        db.session.commit()
        return codes


def test_codes_are_random_typeable_and_stored_hashed(app, planner):
    s = every_type_survey(app, planner.id, access="code")
    codes = make_codes(app, s, planner, 50)
    assert len(set(codes)) == 50
    assert all(len(c) == 11 and c[5] == "-" and set(c.replace("-", "")) <= set(ALPHABET) for c in codes)
    with app.app_context():
        hashes = set(db.session.scalars(select(ParticipationCode.code_hash)))
        assert hashes == {hash_code(c) for c in codes}
        assert not any(c.replace("-", "") in h for c in codes for h in hashes)


def test_a_code_works_once_without_account(app, client, planner):
    s = every_type_survey(app, planner.id, access="code")
    code = make_codes(app, s, planner)[0]
    start = post(
        client,
        f"/umfragen/{s.id}/teilnehmen",
        {"action": "start", "code": code.lower().replace("-", " ")},
        token_from=f"/umfragen/{s.id}",
    )
    assert start.status_code == 200 and "Lieblingsort?" in start.get_data(as_text=True)
    assert answer(client, s, code=code).status_code == 302
    second = answer(client, s, "Nochmal", code=code)
    assert "ungültig oder wurde bereits verwendet" in client.get(second.headers["Location"]).get_data(
        as_text=True
    )
    assert answer(client, s, code="AAAAA-AAAAA").status_code == 302
    assert count(app) == 1
    with app.app_context():
        assert db.session.scalars(select(Response)).one().via == "code"


def test_code_of_another_survey_is_refused(app, client, planner):
    s = every_type_survey(app, planner.id, access="code")
    other = every_type_survey(app, planner.id, access="code")
    code = make_codes(app, other, planner)[0]
    answer(client, s, code=code)
    assert count(app) == 0


def test_open_mode_is_marked_not_deduplicated_and_rate_limited(app, client, planner):
    app.config["SURVEY_OPEN_LIMIT"] = "2 per hour"
    try:
        s = every_type_survey(app, planner.id, access="open")
        assert answer(client, s, "eins").status_code == 302
        assert answer(client, s, "zwei").status_code == 302
        limited = answer(client, s, "drei")
        html = limited.get_data(as_text=True)
        assert limited.status_code == 429 and "sehr viele Antworten" in html and 'value="drei"' in html
    finally:
        app.config.pop("SURVEY_OPEN_LIMIT")
    with app.app_context():
        assert [r.deduplicated for r in db.session.scalars(select(Response))] == [False, False]


# --- races (PostgreSQL only; SQLite serialises writers) -------------------------------------------


def parallel(app, cookie, s, n, extra=None, pages=None) -> list[int]:
    """n clients with the same login session submit at the same moment.

    With `pages` (a list), each client then follows its redirect and adds (location, page text) to it.
    """
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    lock = threading.Lock()
    token_client = app.test_client()
    token_client.set_cookie("session", cookie) if cookie else None
    token = csrf_token(token_client, f"/umfragen/{s.id}")
    cookie = token_client.get_cookie("session").value

    def run():
        client = app.test_client()
        client.set_cookie("session", cookie)
        data = {
            "csrf_token": token,
            "page": s.pages[0],
            "action": "submit",
            f"q{s.q['short']}": "Race",
            **(extra or {}),
        }
        barrier.wait()
        response = client.post(f"/umfragen/{s.id}/teilnehmen", data=data)
        followed = None
        if pages is not None and response.status_code == 302:
            location = response.headers["Location"]
            # The same client: the flashed message travels in its session cookie.
            followed = (location, client.get(location).get_data(as_text=True))
        with lock:
            statuses.append(response.status_code)
            if followed is not None:
                pages.append(followed)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.skipif(not is_postgres(), reason="a real race needs PostgreSQL's concurrent transactions")
@pytest.mark.parametrize("anonymous", [True, False])
def test_fifty_parallel_submissions_of_one_account_store_one(app, client, make_user, planner, anonymous):
    s = every_type_survey(app, planner.id, anonymous=anonymous)
    login(client, make_user())
    pages: list[tuple[str, str]] = []
    statuses = parallel(app, client.get_cookie("session").value, s, 50, pages=pages)
    assert statuses == [302] * 50 and len(pages) == 50
    assert count(app) == 1
    thanked = [location for location, _html in pages if location.endswith(f"/umfragen/{s.id}/danke")]
    refused = [html for location, html in pages if location.endswith(f"/umfragen/{s.id}")]
    assert len(thanked) == 1 and len(refused) == 49
    # Every other request is told plainly that only the first response counts.
    assert all("Es wurde nur Ihre erste Antwort gespeichert." in html for html in refused)
    assert count(app, Participation) == (1 if anonymous else 0)


@pytest.mark.skipif(not is_postgres(), reason="a real race needs PostgreSQL's concurrent transactions")
def test_parallel_use_of_one_code_stores_one(app, planner):
    s = every_type_survey(app, planner.id, access="code")
    code = make_codes(app, s, planner, 1)[0]
    statuses = parallel(app, None, s, 30, {"code": code})
    assert len(statuses) == 30 and count(app) == 1
    with app.app_context():
        assert db.session.scalars(select(ParticipationCode.used)).one() is True


def test_citizen_list_shows_open_and_published_results_only(app, client, logged_in, planner):
    def make(title, **kwargs):
        built = every_type_survey(app, planner.id, publish=kwargs.pop("publish", True))
        with app.app_context():
            survey = db.session.get(Survey, built.id)
            survey.title = title
            survey.results_published = kwargs.pop("published_results", False)
            db.session.commit()
        if kwargs:
            set_dates(app, built.id, **kwargs)
        return built

    make("Offen jetzt")
    make("Noch Entwurf", publish=False)
    make("Beginnt morgen", starts_in=timedelta(days=1))
    make("Beendet ohne Ergebnisse", closed=True)
    make("Beendet mit Ergebnissen", closed=True, published_results=True)
    expected = {"Offen jetzt": True, "Beendet mit Ergebnissen": True}
    for viewer in ("anonymous", "citizen"):
        if viewer == "citizen":
            logged_in("citizen")
        html = client.get("/umfragen/").get_data(as_text=True)
        for title in ("Offen jetzt", "Noch Entwurf", "Beginnt morgen", "Beendet ohne Ergebnisse"):
            assert (title in html) == expected.get(title, False), (viewer, title)
        assert "Beendet mit Ergebnissen" in html.split("Abgeschlossene Umfragen mit Ergebnissen")[1]
