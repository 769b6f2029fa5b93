"""Builder routes: create, questions, options, reorder, conditions, locks, duplicate, codes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.surveys.models import Option, ParticipationCode, Question, Survey
from tests.conftest import ROLE_SETS, login, post
from tests.surveys.factories import every_type_survey, two_page_survey
from tests.surveys.test_participation import answer


@pytest.fixture
def planner(client, make_user):
    user = make_user(ROLE_SETS["planner"])
    login(client, user)
    return user


def questions(app, survey_id):
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        return [(q.code, q.text, q.qtype) for q in survey.ordered_questions()]


def test_create_add_questions_options_publish(app, client, planner):
    created = post(
        client,
        "/umfragen/verwaltung/neu",
        {
            "title": "Neugestaltung",
            "intro": "**Hallo**",
            "access": "account",
            "anonymous": "y",
            "starts_at": "2026-03-01T09:00",
            "ends_at": "2026-03-31T18:00",
        },
        token_from="/umfragen/verwaltung/neu",
    )
    assert created.status_code == 302
    survey_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        page_id = survey.pages[0].id
        # Berlin wall-clock time stored as UTC (CET = UTC+1 in March before the switch).
        assert survey.starts_at.hour == 8 and survey.created_by_id == planner.id
    base = f"/umfragen/verwaltung/{survey_id}"
    added = post(
        client,
        f"{base}/seiten/{page_id}/fragen",
        {"qtype": "single", "text": "Welche Farbe?"},
        token_from=base,
    )
    question_path = added.headers["Location"]
    question_id = int(question_path.rstrip("/").split("/")[-1])
    for label in ("Rot", "Grün"):
        post(client, f"{base}/fragen/{question_id}/optionen", {"label": label}, token_from=question_path)
    post(
        client, f"{base}/seiten/{page_id}/fragen", {"qtype": "short_text", "text": "Warum?"}, token_from=base
    )
    assert questions(app, survey_id) == [("Q01", "Welche Farbe?", "single"), ("Q02", "Warum?", "short_text")]
    with app.app_context():
        assert [o.code for o in db.session.get(Question, question_id).options] == ["A1", "A2"]
    assert post(client, f"{base}/veroeffentlichen", {}, token_from=base).status_code == 302
    with app.app_context():
        assert db.session.get(Survey, survey_id).published_at is not None
    builder_page = client.get(base).get_data(as_text=True)
    assert "Q01" in builder_page and "Nach oben" in builder_page


def test_reorder_questions_and_options_without_javascript(app, client, planner):
    s = every_type_survey(app, planner.id, publish=False)
    base = f"/umfragen/verwaltung/{s.id}"
    post(client, f"{base}/fragen/{s.q['dropdown']}/verschieben", {"direction": "up"}, token_from=base)
    codes = [c for c, _t, _k in questions(app, s.id)]
    assert codes[:3] == ["Q01", "Q03", "Q02"]
    post(
        client, f"{base}/optionen/{s.o['single:Bänke']}", {"action": "up", "label": "Bänke"}, token_from=base
    )
    with app.app_context():
        assert [o.label for o in db.session.get(Question, s.q["single"]).options] == [
            "Bänke",
            "Brunnen",
            "Sonstiges",
        ]


def test_structure_edits_are_refused_once_answered_but_wording_is_recorded(app, client, planner, make_user):
    s = every_type_survey(app, planner.id, access="open")
    answer(app.test_client(), s)
    base = f"/umfragen/verwaltung/{s.id}"
    refused = post(
        client, f"{base}/fragen/{s.q['single']}/loeschen", {}, token_from=base, follow_redirects=True
    )
    assert "bereits Antworten" in refused.get_data(as_text=True)
    post(
        client,
        f"{base}/optionen/{s.o['single:Brunnen']}",
        {"action": "delete", "label": "Brunnen"},
        token_from=base,
    )
    changed_type = post(
        client,
        f"{base}/fragen/{s.q['short']}",
        {"qtype": "long_text", "text": "Ein Wort"},
        token_from=base,
        follow_redirects=True,
    )
    assert "Fragetyp kann nicht mehr geändert werden" in changed_type.get_data(as_text=True)
    limits = post(
        client,
        f"{base}/fragen/{s.q['short']}",
        {"qtype": "short_text", "text": "Ein Wort", "max_length": "500"},
        token_from=base,
        follow_redirects=True,
    )
    assert "Grenzen" in limits.get_data(as_text=True)
    reworded = post(
        client,
        f"{base}/fragen/{s.q['short']}",
        {"qtype": "short_text", "text": "Ein einziges Wort", "max_length": "10"},
        token_from=base,
    )
    assert reworded.status_code == 302
    post(
        client,
        f"{base}/optionen/{s.o['single:Brunnen']}",
        {"action": "save", "label": "Der Brunnen"},
        token_from=base,
    )
    with app.app_context():
        assert db.session.get(Question, s.q["single"]) is not None
        assert db.session.get(Option, s.o["single:Brunnen"]).label == "Der Brunnen"
        question = db.session.get(Question, s.q["short"])
        assert (question.text, question.qtype, question.code) == ("Ein einziges Wort", "short_text", "Q05")
        actions = set(db.session.scalars(select(AuditLogEntry.action)))
        assert {"surveys.question_reworded", "surveys.option_relabelled"} <= actions


def test_conditions_only_on_earlier_questions(app, client, planner):
    s = two_page_survey(app, planner.id, publish=False)
    base = f"/umfragen/verwaltung/{s.id}"
    # Q01 (cycle) conditioned on a later question: refused.
    post(
        client,
        f"{base}/fragen/{s.q['cycle']}/bedingungen",
        {"source_id": s.q["often"], "operator": "answered"},
        token_from=base,
    )
    with app.app_context():
        assert db.session.get(Question, s.q["cycle"]).conditions == []
    ok = post(
        client,
        f"{base}/fragen/{s.q['often']}/bedingungen",
        {"source_id": s.q["km"], "operator": "ge", "value": "2"},
        token_from=base,
        follow_redirects=True,
    )
    assert "Q02 ist mindestens „2“" in ok.get_data(as_text=True)


def test_duplicate_copies_structure_as_new_draft(app, client, planner):
    s = two_page_survey(app, planner.id)
    base = f"/umfragen/verwaltung/{s.id}"
    copied = post(client, f"{base}/duplizieren", {}, token_from=base)
    copy_id = int(copied.headers["Location"].rstrip("/").split("/")[-1])
    assert copy_id != s.id
    assert questions(app, copy_id) == questions(app, s.id)
    with app.app_context():
        copy = db.session.get(Survey, copy_id)
        assert copy.published_at is None and copy.title == "Kopie von Radwege"
        assert len(copy.pages[1].conditions) == 1 and copy.pages[1].conditions[0].source.survey_id == copy_id


def test_codes_download_as_csv_and_printable_page(app, client, planner):
    s = every_type_survey(app, planner.id, access="code")
    path = f"/umfragen/verwaltung/{s.id}/codes"
    csv_response = post(client, path, {"count": "5", "format": "csv"}, token_from=path)
    assert csv_response.mimetype == "text/csv"
    assert "attachment" in csv_response.headers["Content-Disposition"]
    lines = csv_response.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 6 and lines[0].lstrip("\ufeff") == "umfrage;code;adresse"
    printed = post(client, path, {"count": "2", "format": "print"}, token_from=path).get_data(as_text=True)
    assert printed.count('class="survey-code"') == 2
    with app.app_context():
        assert len(db.session.scalars(select(ParticipationCode)).all()) == 7
    too_many = post(client, path, {"count": "5001", "format": "csv"}, token_from=path)
    assert too_many.status_code == 422 and "zwischen 1 und 5000" in too_many.get_data(as_text=True)


def test_preview_validates_and_stores_nothing(app, client, planner):
    s = two_page_survey(app, planner.id, publish=False)
    path = f"/umfragen/verwaltung/{s.id}/vorschau"
    page = client.get(path).get_data(as_text=True)
    assert "Vorschau" in page and "Fahren Sie Rad?" in page
    result = post(
        client,
        path,
        {"page": s.pages[0], "action": "next", f"q{s.q['cycle']}": s.o["nein"]},
        token_from=path,
        follow_redirects=True,
    )
    assert "Die Antworten wären gültig" in result.get_data(as_text=True)


def test_close_by_hand_and_results_flag(app, client, planner):
    s = two_page_survey(app, planner.id)
    base = f"/umfragen/verwaltung/{s.id}"
    post(client, f"{base}/beenden", {}, token_from=base)
    post(client, f"{base}/ergebnisse", {"published": "1"}, token_from=base)
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        assert survey.state.value == "closed" and survey.results_published
    assert "Radwege" in client.get("/umfragen/").get_data(as_text=True)
