"""Builder routes: create, questions, options, reorder, conditions, locks, duplicate, codes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.surveys.models import (
    Answer,
    Draft,
    Option,
    ParticipationCode,
    Question,
    Response,
    Survey,
    SurveyPage,
)
from tests.conftest import login, post
from tests.surveys.factories import every_type_survey, two_page_survey
from tests.surveys.test_participation import answer


@pytest.fixture
def planner(client, planner):
    """The shared planner (conftest.py), logged in: these tests drive the builder's pages."""
    login(client, planner)
    return planner


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
    post(client, f"{base}/beenden", {"confirmed": "1"}, token_from=base)
    post(client, f"{base}/ergebnisse", {"published": "1", "confirmed": "1"}, token_from=base)
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        assert survey.state.value == "closed" and survey.results_published
    assert "Radwege" in client.get("/umfragen/").get_data(as_text=True)


def test_preview_stores_nothing(app, client, planner):
    s = every_type_survey(app, planner.id, access="open")
    path = f"/umfragen/verwaltung/{s.id}/vorschau"

    def stored():
        with app.app_context():
            return [
                db.session.scalar(select(db.func.count()).select_from(model))
                for model in (Response, Answer, Draft)
            ]

    before = stored()
    done = post(
        client,
        path,
        {"page": s.pages[0], "action": "submit", f"q{s.q['short']}": "Vorschau", f"q{s.q['int']}": "30"},
        token_from=path,
        follow_redirects=True,
    )
    assert "Die Antworten wären gültig" in done.get_data(as_text=True)
    assert before == stored() == [0, 0, 0]


def test_scale_labels_and_page_titles_reworded_after_responses_are_recorded(app, client, planner):
    s = every_type_survey(app, planner.id, access="open")
    base = f"/umfragen/verwaltung/{s.id}"
    # Before any response: wording changes are not audited.
    post(client, f"{base}/seiten/{s.pages[0]}", {"title": "Erste Seite"}, token_from=base)
    answer(app.test_client(), s)
    scale = {
        "qtype": "scale",
        "text": "Zufriedenheit",
        "scale_min": "1",
        "scale_max": "5",
        "dont_know": "y",
        "label_min": "überhaupt nicht",
        "label_max": "sehr",
    }
    assert post(client, f"{base}/fragen/{s.q['scale']}", scale, token_from=base).status_code == 302
    assert (
        post(client, f"{base}/seiten/{s.pages[0]}", {"title": "Ihr Platz"}, token_from=base).status_code
        == 302
    )
    # Saving unchanged wording records nothing.
    post(client, f"{base}/fragen/{s.q['scale']}", scale, token_from=base)
    with app.app_context():
        question = db.session.get(Question, s.q["scale"])
        assert question.setting("label_min") == "überhaupt nicht"
        entries = db.session.scalars(select(AuditLogEntry).order_by(AuditLogEntry.id)).all()
        reworded = [e.details for e in entries if e.action == "surveys.question_reworded"]
        renamed = [e.details for e in entries if e.action == "surveys.page_renamed"]
    assert reworded == [{"question": "Q09", "old_label_min": "gar nicht", "new_label_min": "überhaupt nicht"}]
    assert renamed == [{"page": 1, "old_title": "Erste Seite", "new_title": "Ihr Platz"}]


def _condition_ids(app, survey_id):
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        return sorted(
            [c.id for q in survey.questions for c in q.conditions]
            + [c.id for p in survey.pages for c in p.conditions]
        )


def test_conditions_are_fixed_once_responses_exist(app, client, planner):
    s = two_page_survey(app, planner.id, access="open")
    base = f"/umfragen/verwaltung/{s.id}"
    conditions = _condition_ids(app, s.id)
    assert len(conditions) == 2
    answer_client = app.test_client()
    url = f"/umfragen/{s.id}/teilnehmen"
    data = {"page": s.pages[0], "action": "submit", f"q{s.q['cycle']}": s.o["nein"]}
    assert post(answer_client, url, data, token_from=f"/umfragen/{s.id}").status_code == 302
    refused = post(
        client, f"{base}/bedingungen/{conditions[0]}/loeschen", {}, token_from=base, follow_redirects=True
    )
    assert "Bedingungen können nicht mehr hinzugefügt, gelöscht" in refused.get_data(as_text=True)
    post(
        client,
        f"{base}/fragen/{s.q['often']}/bedingungen",
        {"source_id": s.q["km"], "operator": "answered"},
        token_from=base,
    )
    post(client, f"{base}/verknuepfung", {"page_id": s.pages[1], "mode": "any"}, token_from=base)
    assert _condition_ids(app, s.id) == conditions
    with app.app_context():
        assert db.session.get(SurveyPage, s.pages[1]).condition_mode == "all"
    # The builder no longer offers what the server would refuse.
    page_form = client.get(f"{base}/seiten/{s.pages[1]}").get_data(as_text=True)
    assert "Bedingungen bleiben, wie sie sind" in page_form
    assert "Bedingung löschen" not in page_form and "Verknüpfung speichern" not in page_form
    assert "Bedingung hinzufügen" not in page_form


def test_type_change_of_a_condition_source_is_refused(app, client, planner):
    s = two_page_survey(app, planner.id, publish=False)
    base = f"/umfragen/verwaltung/{s.id}"
    refused = post(
        client,
        f"{base}/fragen/{s.q['cycle']}",
        {"qtype": "multiple", "text": "Fahren Sie Rad?", "mandatory": "y"},
        token_from=base,
        follow_redirects=True,
    )
    assert "Bedingungen anderer Fragen oder Seiten beziehen sich auf diese Frage" in refused.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(Question, s.q["cycle"]).qtype == "single"
        assert len(db.session.get(SurveyPage, s.pages[1]).conditions) == 1
    # A question nothing depends on may change its type (before responses).
    changed = post(
        client, f"{base}/fragen/{s.q['often']}", {"qtype": "single", "text": "Täglich?"}, token_from=base
    )
    assert changed.status_code == 302
    with app.app_context():
        assert db.session.get(Question, s.q["often"]).qtype == "single"
