"""Every question type: valid answers become typed rows; bad values are refused with nothing stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from participation.extensions import db
from participation.surveys.models import Answer, Question, Response
from participation.surveys.questions import qtype
from tests.conftest import ROLE_SETS, post
from tests.surveys.factories import every_type_survey


@pytest.fixture
def survey(app, planner):
    """Instead of the shared results survey: every question type, open to anyone (no login to answer)."""
    return every_type_survey(app, planner.id, access="open")


def valid(s) -> dict:
    q, o = s.q, s.o
    return {
        f"q{q['single']}": o["single:Sonstiges"],
        f"q{q['single']}_other": "Spielplatz",
        f"q{q['dropdown']}": o["dropdown:Süd"],
        f"q{q['multiple']}": [o["multiple:Bäume"], o["multiple:Licht"]],
        f"q{q['short']}": "Grün",
        f"q{q['long']}": "Mehr Schatten bitte.",
        f"q{q['int']}": "42",
        f"q{q['dec']}": "3,25",
        f"q{q['scale']}": "4",
        f"q{q['matrix']}_r{o['matrix:Sauberkeit']}": "2",
        f"q{q['matrix']}_r{o['matrix:Sicherheit']}": "5",
        f"q{q['ranking']}_o{o['ranking:Grün']}": "2",
        f"q{q['ranking']}_o{o['ranking:Parken']}": "3",
        f"q{q['ranking']}_o{o['ranking:Markt']}": "1",
        f"q{q['yesno']}": "ja",
        f"q{q['date']}": "2001-05-17",
    }


def submit(client, s, data):
    payload = {"page": str(s.pages[0]), "action": "submit", **data}
    return post(client, f"/umfragen/{s.id}/teilnehmen", payload, token_from=f"/umfragen/{s.id}")


def stored(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Response)),
            db.session.scalar(select(func.count()).select_from(Answer)),
        )


def test_valid_answers_become_one_typed_row_per_value(app, client, survey):
    response = submit(client, survey, valid(survey))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/umfragen/{survey.id}/danke"
    )
    q, o = survey.q, survey.o
    with app.app_context():
        rows = db.session.scalars(select(Answer)).all()
        by_q = {}
        for row in rows:
            by_q.setdefault(row.question_id, []).append(row)
        assert [(r.option_id, r.value_text) for r in by_q[q["single"]]] == [
            (o["single:Sonstiges"], "Spielplatz")
        ]
        assert sorted(r.option_id for r in by_q[q["multiple"]]) == sorted(
            [o["multiple:Bäume"], o["multiple:Licht"]]
        )
        assert by_q[q["short"]][0].value_text == "Grün"
        assert by_q[q["int"]][0].value_number == Decimal("42")
        assert by_q[q["dec"]][0].value_number == Decimal("3.25")
        assert by_q[q["scale"]][0].value_number == 4
        assert {r.row_id: int(r.value_number) for r in by_q[q["matrix"]]} == {
            o["matrix:Sauberkeit"]: 2,
            o["matrix:Sicherheit"]: 5,
        }
        assert {r.option_id: r.rank for r in by_q[q["ranking"]]} == {
            o["ranking:Grün"]: 2,
            o["ranking:Parken"]: 3,
            o["ranking:Markt"]: 1,
        }
        assert by_q[q["yesno"]][0].value_number == 1
        assert by_q[q["date"]][0].value_date == date(2001, 5, 17)
        assert q["intro"] not in by_q  # display text stores nothing
        response = db.session.scalars(select(Response)).one()
        assert (response.channel, response.via, response.user_id) == ("online", "open", None)


def test_scale_dont_know_is_a_flag_outside_the_scale(app, client, survey):
    data = valid(survey) | {f"q{survey.q['scale']}": "dk"}
    assert submit(client, survey, data).status_code == 302
    with app.app_context():
        row = db.session.scalars(select(Answer).where(Answer.question_id == survey.q["scale"])).one()
        assert row.dont_know is True and row.value_number is None


def foreign_option(app, make_user):
    other = every_type_survey(app, make_user(ROLE_SETS["planner"]).id, access="open")
    return other.o["single:Brunnen"]


BAD = {
    "tampered option id": (
        "single",
        lambda s, f: {f"q{s.q['single']}": "999999"},
        "gibt es bei dieser Frage nicht",
    ),
    "option of another question": (
        "single",
        lambda s, f: {f"q{s.q['single']}": s.o["dropdown:Nord"]},
        "gibt es bei dieser Frage nicht",
    ),
    "option of another survey": (
        "single",
        lambda s, f: {f"q{s.q['single']}": f},
        "gibt es bei dieser Frage nicht",
    ),
    "other without text": (
        "single",
        lambda s, f: {f"q{s.q['single']}": s.o["single:Sonstiges"], f"q{s.q['single']}_other": ""},
        "Bitte beschreiben Sie",
    ),
    "too many selections": (
        "multiple",
        lambda s, f: {
            f"q{s.q['multiple']}": [s.o["multiple:Bäume"], s.o["multiple:Bänke"], s.o["multiple:Licht"]]
        },
        "höchstens 2",
    ),
    "exclusive combined": (
        "multiple",
        lambda s, f: {f"q{s.q['multiple']}": [s.o["multiple:Bäume"], s.o["multiple:keine davon"]]},
        "nicht mit anderen Antworten",
    ),
    "foreign option in multiple": (
        "multiple",
        lambda s, f: {f"q{s.q['multiple']}": [s.o["multiple:Bäume"], f]},
        "gibt es bei dieser Frage nicht",
    ),
    "text over limit": ("short", lambda s, f: {f"q{s.q['short']}": "x" * 11}, "höchstens 10 Zeichen"),
    "long text over limit": ("long", lambda s, f: {f"q{s.q['long']}": "y" * 51}, "höchstens 50 Zeichen"),
    "control characters": ("short", lambda s, f: {f"q{s.q['short']}": "a\x00b"}, "Steuerzeichen"),
    "not a number": ("int", lambda s, f: {f"q{s.q['int']}": "zwölf"}, "Bitte geben Sie eine Zahl ein"),
    "decimal for integer": ("int", lambda s, f: {f"q{s.q['int']}": "4.5"}, "ganze Zahl"),
    "number above max": ("int", lambda s, f: {f"q{s.q['int']}": "121"}, "zwischen 0 und 120"),
    "number below min": ("dec", lambda s, f: {f"q{s.q['dec']}": "-0,5"}, "zwischen 0 und 99,5"),
    "infinite number": ("dec", lambda s, f: {f"q{s.q['dec']}": "Infinity"}, "Bitte geben Sie eine Zahl ein"),
    "scale out of range": ("scale", lambda s, f: {f"q{s.q['scale']}": "6"}, "Wert der Skala"),
    "matrix out of range": (
        "matrix",
        lambda s, f: {f"q{s.q['matrix']}_r{s.o['matrix:Sicherheit']}": "0"},
        "Wert der Skala",
    ),
    "ranking not a permutation": (
        "ranking",
        lambda s, f: {
            f"q{s.q['ranking']}_o{s.o['ranking:Grün']}": "1",
            f"q{s.q['ranking']}_o{s.o['ranking:Parken']}": "1",
            f"q{s.q['ranking']}_o{s.o['ranking:Markt']}": "2",
        },
        "genau einmal",
    ),
    "ranking incomplete": (
        "ranking",
        lambda s, f: {
            f"q{s.q['ranking']}_o{s.o['ranking:Grün']}": "1",
            f"q{s.q['ranking']}_o{s.o['ranking:Parken']}": "",
            f"q{s.q['ranking']}_o{s.o['ranking:Markt']}": "",
        },
        "genau einmal",
    ),
    "yes/no other value": ("yesno", lambda s, f: {f"q{s.q['yesno']}": "vielleicht"}, "Ja oder Nein"),
    "date not a date": (
        "date",
        lambda s, f: {f"q{s.q['date']}": "2001-02-30"},
        "Bitte geben Sie ein Datum ein",
    ),
    "date out of range": ("date", lambda s, f: {f"q{s.q['date']}": "1949-12-31"}, "zwischen 01.01.1950"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_value_is_refused_at_the_field_and_nothing_is_stored(app, client, survey, make_user, case):
    key, change, message = BAD[case]
    data = valid(survey) | change(
        survey, foreign_option(app, make_user) if "another survey" in case or "foreign" in case else None
    )
    response = submit(client, survey, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="q{survey.q[key]}-error"' in html and message in html
    assert stored(app) == (0, 0)
    # The other answers are kept in the form.
    assert 'value="42"' in html or key == "int"
    assert ">Mehr Schatten bitte.</textarea>" in html or key == "long"
    assert 'value="2001-05-17"' in html or key == "date"


def test_mandatory_questions_need_an_answer(app, client, make_user):
    survey = every_type_survey(app, make_user(ROLE_SETS["planner"]).id, access="open", mandatory=True)
    response = submit(client, survey, {f"q{survey.q['short']}": "Hallo"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count("Bitte beantworten Sie diese Frage.") >= 11
    assert f'id="q{survey.q["short"]}-error"' not in html and 'value="Hallo"' in html
    assert stored(app) == (0, 0)


def test_german_date_and_exclusive_option_alone_are_accepted(app, client, survey):
    data = valid(survey) | {
        f"q{survey.q['date']}": "17.05.2001",
        f"q{survey.q['multiple']}": survey.o["multiple:keine davon"],
    }
    assert submit(client, survey, data).status_code == 302
    assert stored(app)[0] == 1


def test_unknown_fields_are_ignored_not_stored(app, client, survey):
    data = valid(survey) | {"q999999": "x", "user_id": "1", "channel": "papier"}
    assert submit(client, survey, data).status_code == 302
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.channel == "online"
        assert (
            db.session.scalar(select(func.count()).select_from(Answer).where(Answer.question_id == 999999))
            == 0
        )


def _configure(app, question_id, *, mandatory=None, **settings):
    with app.app_context():
        question = db.session.get(Question, question_id)
        question.settings = {**(question.settings or {}), **settings}
        if mandatory is not None:
            question.mandatory = mandatory
        db.session.commit()


def test_too_few_selections_are_refused(app, client, survey):
    _configure(app, survey.q["multiple"], min_choices=2, max_choices=3)
    response = submit(
        client, survey, valid(survey) | {f"q{survey.q['multiple']}": survey.o["multiple:Bäume"]}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="q{survey.q["multiple"]}-error"' in html and "mindestens 2 Antworten" in html
    assert stored(app) == (0, 0)


def test_multiple_choice_other_without_text_is_refused(app, client, survey):
    data = valid(survey) | {
        f"q{survey.q['multiple']}": [survey.o["multiple:Bäume"], survey.o["multiple:Sonstiges"]],
        f"q{survey.q['multiple']}_other": "   ",
    }
    html = submit(client, survey, data).get_data(as_text=True)
    assert f'id="q{survey.q["multiple"]}-error"' in html and "Bitte beschreiben Sie „Sonstiges“" in html
    assert stored(app) == (0, 0)


def test_mandatory_matrix_needs_every_row(app, client, survey):
    _configure(app, survey.q["matrix"], mandatory=True)
    data = valid(survey)
    del data[f"q{survey.q['matrix']}_r{survey.o['matrix:Sicherheit']}"]
    response = submit(client, survey, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="q{survey.q["matrix"]}-error"' in html and "Bitte beantworten Sie jede Zeile." in html
    # The answered row stays selected.
    assert f'name="q{survey.q["matrix"]}_r{survey.o["matrix:Sauberkeit"]}" value="2" checked' in html
    assert stored(app) == (0, 0)


def test_tampered_matrix_row_ids_are_ignored(app, client, survey, make_user):
    other = every_type_survey(app, make_user(ROLE_SETS["planner"]).id, access="open")
    matrix = survey.q["matrix"]
    foreign = {
        "row of another survey": other.o["matrix:Sauberkeit"],
        "option of another question": survey.o["single:Brunnen"],
        "unknown id": 999999,
    }
    data = valid(survey) | {f"q{matrix}_r{row}": "1" for row in foreign.values()}
    assert submit(client, survey, data).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(Answer).where(Answer.question_id == matrix)).all()
        assert {(r.row_id, int(r.value_number)) for r in rows} == {
            (survey.o["matrix:Sauberkeit"], 2),
            (survey.o["matrix:Sicherheit"], 5),
        }
        # No answer row anywhere points at a foreign row or option.
        foreign_ids = list(foreign.values())
        assert not db.session.scalars(
            select(Answer).where(Answer.row_id.in_(foreign_ids) | Answer.option_id.in_(foreign_ids))
        ).all()


def test_tampered_ranking_option_ids_are_ignored_or_refused(app, client, survey, make_user):
    other = every_type_survey(app, make_user(ROLE_SETS["planner"]).id, access="open")
    ranking, o = survey.q["ranking"], survey.o
    foreign = other.o["ranking:Grün"]
    # A foreign option instead of one of the question's own: the own ranks are incomplete -> refused.
    data = valid(survey)
    del data[f"q{ranking}_o{o['ranking:Grün']}"]
    data[f"q{ranking}_o{foreign}"] = "2"
    response = submit(client, survey, data)
    assert response.status_code == 422
    assert f'id="q{ranking}-error"' in response.get_data(as_text=True)
    assert stored(app) == (0, 0)
    # A foreign option in addition to a complete ranking: ignored, only the own options are stored.
    data = valid(survey) | {f"q{ranking}_o{foreign}": "4"}
    assert submit(client, survey, data).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(Answer).where(Answer.question_id == ranking)).all()
        assert {(r.option_id, r.rank) for r in rows} == {
            (o["ranking:Grün"], 2),
            (o["ranking:Parken"], 3),
            (o["ranking:Markt"], 1),
        }
        assert not db.session.scalars(select(Answer).where(Answer.option_id == foreign)).all()


def test_several_errors_at_once_are_all_shown_and_every_value_kept(app, client, survey):
    q, o = survey.q, survey.o
    bad = {
        f"q{q['short']}": "viel zu langer Text",
        f"q{q['int']}": "zwölf",
        f"q{q['date']}": "31.02.2001",
        f"q{q['multiple']}": [o["multiple:Bäume"], o["multiple:Bänke"], o["multiple:Licht"]],
        f"q{q['scale']}": "9",
    }
    response = submit(client, survey, valid(survey) | bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for key, message in (
        ("short", "höchstens 10 Zeichen"),
        ("int", "Bitte geben Sie eine Zahl ein"),
        ("date", "Bitte geben Sie ein Datum ein"),
        ("multiple", "höchstens 2"),
        ("scale", "Wert der Skala"),
    ):
        assert f'id="q{q[key]}-error"' in html and message in html, key
    # The summary at the top links every error.
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert all(f'href="#q{q[key]}"' in summary for key in ("short", "int", "date", "multiple", "scale"))
    # Everything typed is still there, the wrong values included, so nobody has to start over.
    for kept in (
        'value="viel zu langer Text"',
        'value="zwölf"',
        'value="31.02.2001"',
        'value="3,25"',
        ">Mehr Schatten bitte.</textarea>",
        'value="Spielplatz"',
    ):
        assert kept in html, kept
    for option in ("multiple:Bäume", "multiple:Bänke", "multiple:Licht"):
        assert f'value="{o[option]}" checked' in html, option
    assert stored(app) == (0, 0)


@pytest.mark.parametrize(("language", "shown"), [("de", "06.11.2026"), ("en", "6 Nov 2026")])
def test_a_date_answer_is_shown_in_the_readers_language(app, language, shown):
    """Respondents' own answers and 'Meine Daten' show a date answer as the formatting filters do."""
    question = SimpleNamespace(qtype="date", settings={})
    with app.test_request_context(), force_locale(language):
        assert qtype(question).display(question, date(2026, 11, 6)) == shown
        assert qtype(question).display(question, None) == ""
