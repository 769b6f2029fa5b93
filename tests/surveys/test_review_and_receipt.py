"""Orientation and receipt: page titles with progress, the summary before sending, the copy afterwards.

Also the planner's preview: the same questions' HTML as answering, a banner, and a jump to any page.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from participation.extensions import db
from participation.surveys.answering.codes import generate_codes
from participation.surveys.models import Answer, Response, Survey
from tests.conftest import ROLE_SETS, count_queries, get_user, login, post
from tests.surveys.factories import two_page_survey

SECTION = re.compile(r'<section class="survey-page".*?</section>', re.S)


def step(client, s, page_index, data, action="next", path=None):
    target = path or f"/umfragen/{s.id}/teilnehmen"
    payload = {"page": str(s.pages[page_index]), "action": action, **data}
    return post(client, target, payload, token_from=path or f"/umfragen/{s.id}")


def full(s, far="Zur Arbeit") -> dict:
    return {
        f"q{s.q['cycle']}": s.o["ja"],
        f"q{s.q['km']}": "12",
        f"q{s.q['often']}": "ja",
        f"q{s.q['far']}": far,
    }


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def test_page_title_carries_the_progress(app, client, make_user):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id, access="open")
    first = client.get(f"/umfragen/{s.id}/teilnehmen").get_data(as_text=True)
    assert "<title>Seite 1 von 2 – Radwege – " in first
    second = step(client, s, 0, full(s)).get_data(as_text=True)
    assert "<title>Seite 2 von 2 – Radwege – " in second
    assert '<progress id="survey-progress" max="2" value="2">' in second


def test_summary_lists_the_answers_links_back_and_sends(app, client, make_user):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id, access="open")
    summary = step(client, s, 1, full(s))
    html = summary.get_data(as_text=True)
    assert summary.status_code == 200 and "<title>Ihre Antworten prüfen – Radwege" in html
    for text in (
        "Fahren Sie Rad?",
        "Ja",
        "Wie viele Kilometer am Tag?",
        "12",
        "Fahren Sie täglich?",
        "Zur Arbeit",
    ):
        assert text in html
    assert stored(app) == 0
    # Every page has its way back (a button: the answers travel along, no JavaScript needed).
    assert f'value="page-{s.pages[0]}"' in html and f'value="page-{s.pages[1]}"' in html
    back = step(client, s, 1, full(s), f"page-{s.pages[0]}").get_data(as_text=True)
    assert "Seite 1 von 2" in back and 'value="12"' in back
    assert step(client, s, 1, full(s), "submit").status_code == 302 and stored(app) == 1


def test_summary_says_no_answer_and_a_tampered_summary_goes_back_to_the_error(app, client, make_user):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id, access="open")
    data = {f"q{s.q['cycle']}": s.o["nein"]}
    html = step(client, s, 0, data).get_data(as_text=True)
    assert "keine Angabe" in html and "Fahren Sie täglich?" not in html
    refused = step(client, s, 0, {f"q{s.q['km']}": "-3"}, "submit")
    assert refused.status_code == 422 and stored(app) == 0


def test_receipt_of_a_non_anonymous_survey_shows_and_downloads_the_answers(app, client, make_user):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id, anonymous=False)
    citizen = make_user(ROLE_SETS["citizen"])
    login(client, citizen)
    done = step(client, s, 1, full(s), "submit")
    thanks = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Eingegangen am" in thanks and "Zur Arbeit" in thanks and "Fahren Sie täglich?" in thanks
    assert "keine Kopie" not in thanks
    copy = client.get(f"/umfragen/{s.id}/danke/antworten.txt")
    assert copy.status_code == 200 and copy.mimetype == "text/plain"
    assert "attachment" in copy.headers["Content-Disposition"]
    text = copy.get_data(as_text=True)
    assert text.startswith("Radwege") and "Wohin?\r\n  Zur Arbeit" in text and "Abgegeben am" in text
    assert text.index("== Seite 1 ==") < text.index("Fahren Sie Rad?") < text.index("== Ihr Rad ==")
    # Later, in another browser: the account finds the copy through "Meine Teilnahmen".
    later = app.test_client()
    login(later, citizen)
    with app.app_context():
        response_id = db.session.scalars(select(Response.id)).one()
    detail = later.get(f"/umfragen/meine-teilnahmen/{response_id}").get_data(as_text=True)
    assert f'href="/umfragen/{s.id}/danke/antworten.txt"' in detail
    assert later.get(f"/umfragen/{s.id}/danke/antworten.txt").get_data(as_text=True) == text
    # Someone else (another browser, not logged in) gets no copy.
    stranger = app.test_client()
    assert "Zur Arbeit" not in stranger.get(f"/umfragen/{s.id}/danke").get_data(as_text=True)
    assert stranger.get(f"/umfragen/{s.id}/danke/antworten.txt").status_code == 404


def test_receipt_of_an_anonymous_survey_explains_why_there_is_no_copy(app, client, make_user):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id, anonymous=True, access="open")
    done = step(client, s, 1, full(s), "submit")
    thanks = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Eingegangen am" in thanks and "Warum es keine Kopie Ihrer Antworten gibt" in thanks
    assert "Zur Arbeit" not in thanks and "antworten.txt" not in thanks
    assert client.get(f"/umfragen/{s.id}/danke/antworten.txt").status_code == 404
    with client.session_transaction() as session:
        assert session["survey_receipt"]["response"] is None


def test_preview_renders_the_same_questions_as_answering(app, client, make_user):
    planner = make_user(ROLE_SETS["planner"])
    s = two_page_survey(app, planner.id, access="open")
    citizen = app.test_client()
    login(client, planner)
    preview_path = f"/umfragen/verwaltung/{s.id}/vorschau"
    pairs = [
        (client.get(preview_path), citizen.get(f"/umfragen/{s.id}/teilnehmen")),
        (step(client, s, 0, full(s), path=preview_path), step(citizen, s, 0, full(s))),
    ]
    for preview, answering in pairs:
        a, b = preview.get_data(as_text=True), answering.get_data(as_text=True)
        assert SECTION.findall(a) and SECTION.findall(a) == SECTION.findall(b)
        assert "Vorschau – Antworten werden nicht gespeichert" in a and "Vorschau –" not in b
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_preview_jumps_to_any_page_without_javascript(app, client, make_user):
    planner = make_user(ROLE_SETS["planner"])
    s = two_page_survey(app, planner.id, publish=False)
    login(client, planner)
    path = f"/umfragen/verwaltung/{s.id}/vorschau"
    first = client.get(path).get_data(as_text=True)
    assert 'name="goto"' in first and f'<option value="{s.pages[1]}">Seite 2: Ihr Rad</option>' in first
    # Page 2 only follows "Ja"; with no answers yet the planner still sees it, with a note.
    jumped = step(client, s, 0, {"goto": str(s.pages[1])}, "jump", path=path).get_data(as_text=True)
    assert "Fahren Sie täglich?" in jumped and "würde diese Seite übersprungen" in jumped
    linked = client.get(f"{path}?seite={s.pages[1]}").get_data(as_text=True)
    assert "Fahren Sie täglich?" in linked
    reached = step(client, s, 0, full(s) | {"goto": str(s.pages[0])}, "next", path=path).get_data(
        as_text=True
    )
    assert "Fahren Sie täglich?" in reached and "übersprungen" not in reached


def test_summary_and_receipt_queries_do_not_grow_with_responses(app, client, make_user):
    s = two_page_survey(app, make_user(ROLE_SETS["planner"]).id, anonymous=False, access="open")

    def measure(browser) -> tuple[int, int]:
        with app.app_context(), count_queries(db.engine) as summary:
            step(browser, s, 1, full(s))
        browser.get(f"/umfragen/{s.id}/danke")  # warm-up
        with app.app_context(), count_queries(db.engine) as receipt:
            assert "Zur Arbeit" in browser.get(f"/umfragen/{s.id}/danke").get_data(as_text=True)
        return len(summary), len(receipt)

    step(client, s, 1, full(s), "submit")
    few = measure(client)
    for index in range(15):
        step(app.test_client(), s, 1, full(s, far=f"Ziel {index}"), "submit")
    assert stored(app) == 16
    assert measure(client) == few


def test_receipt_after_a_code_in_a_non_anonymous_survey_says_why_there_is_no_copy(
    app, client, make_user, monkeypatch
):
    # A code's response waits for its batch, unlinkable to the code: there is no row to copy yet.
    monkeypatch.setitem(app.config, "SURVEY_BATCH_SIZE", 11)
    planner = make_user(ROLE_SETS["planner"])
    s = two_page_survey(app, planner.id, anonymous=False, access="code")
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        [code] = generate_codes(get_user(app, planner.id), survey, 1)
        db.session.commit()
    start = post(
        client,
        f"/umfragen/{s.id}/teilnehmen",
        {"action": "start", "code": code},
        token_from=f"/umfragen/{s.id}",
    )
    assert "Seite 1 von 2" in start.get_data(as_text=True)
    done = step(client, s, 1, {**full(s), "code": code}, "submit")
    assert done.status_code == 302, done.get_data(as_text=True)[:300]
    thanks = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Eingegangen am" in thanks and "mit einem Teilnahmecode teilgenommen" in thanks
    assert "Zur Arbeit" not in thanks
