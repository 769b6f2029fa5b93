"""LimeSurvey import (#13 item 5): .lss round trips for both layouts, refusals, report, permissions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.surveys.builder.limesurvey import (
    MAX_BYTES,
    MAX_QUESTIONS,
    ImportRefused,
    parse,
    plain_text,
)
from participation.surveys.builder.limesurvey_mapping import PlannedQuestion, plan_import
from participation.surveys.builder.limesurvey_relevance import Unmapped, parse_relevance
from participation.surveys.models import Condition, Option, Question, Survey, SurveyPage
from tests.conftest import ROLE_SETS, csrf_token, login, post

FIXTURES = Path(__file__).parent / "fixtures"
URL = "/umfragen/verwaltung/import"
TABLES = (Survey, SurveyPage, Question, Option, Condition, AuditLogEntry)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upload(client, data: bytes, filename: str = "umfrage.lss", *, token_from: str = URL):
    """POST the file like the browser form does (multipart, CSRF token from the form page)."""
    # The body is encoded here, in memory: the test client would spool a body over 500 kB to a
    # temporary file that it never closes (a ResourceWarning in the 2 MB test).
    fields = {"csrf_token": csrf_token(client, token_from), "file": FileStorage(io.BytesIO(data), filename)}
    boundary, body = encode_multipart(fields)
    return client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {t.__name__: db.session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def newest_structure(app) -> tuple[str, str, list]:
    """The newest survey as (title, intro, pages): every question with options, rows and conditions."""
    with app.app_context():
        survey = db.session.scalars(select(Survey).order_by(Survey.id.desc())).first()
        assert survey is not None
        pages = []
        for page in survey.pages:
            questions = []
            for q in page.questions:
                options = [(o.kind, o.code, o.label, o.is_other) for o in q.options]
                conditions = [_condition(c) for c in q.conditions]
                questions.append(
                    (
                        q.code,
                        q.qtype,
                        q.text,
                        q.help_text,
                        q.mandatory,
                        q.settings,
                        options,
                        q.condition_mode,
                        conditions,
                    )
                )
            pages.append(
                (page.title, page.condition_mode, [_condition(c) for c in page.conditions], questions)
            )
        return survey.title, survey.intro, pages


def _condition(c: Condition) -> tuple:
    return (c.source.code, c.operator, c.option.label if c.option else None, c.value)


@pytest.fixture
def planner_in(client, planner):
    """The planner, logged in."""
    login(client, planner)
    return planner


# --- round trips ------------------------------------------------------------------------------------

RADIO, DROPDOWN = {"display": "radio"}, {"display": "dropdown"}
V3_PAGES = [
    (
        "Allgemeines",
        "all",
        [],
        [
            ("Q01", "display", "Willkommen\n\nSchön, dass Sie mitmachen.", "", False, {}, [], "all", []),
            (
                "Q02",
                "yesno",
                "Wohnen Sie im Quartier?",
                "Gemeint ist das Gebiet „Lindenpark“.",
                True,
                {},
                [],
                "all",
                [],
            ),
            (
                "Q03",
                "single",
                "Wo genau wohnen Sie?",
                "",
                False,
                RADIO,
                [
                    ("choice", "A1", "Nord", False),
                    ("choice", "A2", "Süd", False),
                    ("choice", "A3", "West", False),
                    ("choice", "A4", "Sonstiges", True),
                ],
                "all",
                [],
            ),
            (
                "Q04",
                "single",
                "Welcher Bezirk?",
                "",
                False,
                DROPDOWN,
                [("choice", "A1", "Altstadt", False), ("choice", "A2", "Neustadt", False)],
                "all",
                [("Q03", "eq", "Süd", None)],
            ),
            (
                "Q05",
                "single",
                "Ihr Geschlecht?",
                "",
                False,
                RADIO,
                [("choice", "A1", "weiblich", False), ("choice", "A2", "männlich", False)],
                "all",
                [],
            ),
        ],
    ),
    (
        "Ihr Quartier",
        "all",
        [("Q02", "eq", None, "ja")],
        [
            (
                "Q06",
                "multiple",
                "Was wünschen Sie sich?",
                "Mehrere Antworten möglich.",
                True,
                {"max_choices": 2},
                [
                    ("choice", "A1", "Bänke", False),
                    ("choice", "A2", "Bäume", False),
                    ("choice", "A3", "Licht", False),
                ],
                "all",
                [],
            ),
            (
                "Q07",
                "matrix",
                "Wie bewerten Sie …",
                "",
                False,
                {"scale_min": 1, "scale_max": 4, "label_min": "sehr gut", "label_max": "sehr schlecht"},
                [("row", "R1", "Sauberkeit", False), ("row", "R2", "Sicherheit", False)],
                "all",
                [],
            ),
            ("Q08", "number", "Wie alt sind Sie?", "", False, {"min": "0", "max": "120"}, [], "all", []),
            (
                "Q09",
                "long_text",
                "Ihre Anmerkungen",
                "",
                False,
                {},
                [],
                "any",
                [("Q06", "contains", "Bäume", None), ("Q08", "answered", None, None)],
            ),
        ],
    ),
    (
        "Zum Schluss",
        "all",
        [],
        [
            (
                "Q10",
                "scale",
                "Ihre Gesamtnote?",
                "",
                False,
                {"scale_min": 1, "scale_max": 5},
                [],
                "all",
                [("Q08", "eq", None, "30"), ("Q05", "eq", "weiblich", None)],
            ),
            ("Q11", "date", "Seit wann wohnen Sie hier?", "", False, {}, [], "all", []),
            (
                "Q12",
                "ranking",
                "Bringen Sie in eine Rangfolge",
                "",
                False,
                {},
                [
                    ("choice", "A1", "Spielplatz", False),
                    ("choice", "A2", "Parkplatz", False),
                    ("choice", "A3", "Radweg", False),
                ],
                "all",
                [],
            ),
            ("Q13", "short_text", "Ihr Vorname?", "", False, {}, [], "all", []),
            ("Q14", "long_text", "Noch etwas?", "", False, {}, [], "all", []),
        ],
    ),
]


def test_v3_layout_round_trip(app, client, planner_in):
    """3.x layout, German base language plus English rows: every group, type, text, option and condition."""
    response = upload(client, fixture("v3_quartier.lss"))
    assert response.status_code == 200
    title, intro, pages = newest_structure(app)
    assert (title, intro) == ("Quartier Lindenpark", "Ihre Meinung zum Quartier.")
    assert pages == V3_PAGES
    body = response.get_data(as_text=True)
    # The report: what was left out, with the code and the reason.
    assert "nicht übernommen: PERS" in body and "Typ K" in body
    assert "nicht übernommen: DATEI" in body and "Datei-Uploads" in body
    assert "nicht übernommen: NAME" in body and "„und“ und „oder“ gemischt" in body
    assert "nicht übernommen: NOCH" in body and "DATEI ist nicht übernommen" in body
    assert "2 = gut, 3 = schlecht" in body  # the dropped middle labels of the 4-column array
    assert "EN " not in body  # only the base language


V5_PAGES = [
    (
        "Verkehr",
        "all",
        [],
        [
            (
                "Q01",
                "multiple",
                "Womit kommen Sie in die Stadt?",
                "",
                True,
                {"min_choices": 1},
                [
                    ("choice", "A1", "Fahrrad", False),
                    ("choice", "A2", "Bus", False),
                    ("choice", "A3", "Auto", False),
                    ("choice", "A4", "Sonstiges", True),
                ],
                "all",
                [],
            ),
            (
                "Q02",
                "matrix",
                "Bewerten Sie (1 bis 5)",
                "",
                False,
                {"scale_min": 1, "scale_max": 5, "label_min": "1", "label_max": "5"},
                [("row", "R1", "Radwege", False), ("row", "R2", "Gehwege", False)],
                "all",
                [],
            ),
            (
                "Q03",
                "matrix",
                "Bewerten Sie (1 bis 10)",
                "",
                False,
                {"scale_min": 1, "scale_max": 10, "label_min": "1", "label_max": "10"},
                [("row", "R1", "Lärm", False)],
                "all",
                [],
            ),
            (
                "Q04",
                "matrix",
                "Ja, unsicher oder nein?",
                "",
                False,
                {"scale_min": 1, "scale_max": 3, "label_min": "Ja", "label_max": "Nein"},
                [("row", "R1", "Tempo 30", False)],
                "all",
                [],
            ),
            (
                "Q05",
                "matrix",
                "Mehr, gleich oder weniger?",
                "",
                False,
                {"scale_min": 1, "scale_max": 3, "label_min": "Zunahme", "label_max": "Abnahme"},
                [("row", "R1", "Verkehr", False)],
                "all",
                [],
            ),
            (
                "Q06",
                "matrix",
                "Wie oft nutzen Sie …",
                "",
                True,
                {"scale_min": 1, "scale_max": 3, "label_min": "oft", "label_max": "nie"},
                [("row", "R1", "Bus", False), ("row", "R2", "Bahn", False)],
                "all",
                [],
            ),
            (
                "Q07",
                "short_text",
                "Ihre Postleitzahl",
                "Fünf Ziffern",
                False,
                {"max_length": 5},
                [],
                "all",
                [],
            ),
            ("Q08", "long_text", "Was fehlt?", "", False, {}, [], "all", []),
            (
                "Q09",
                "yesno",
                "Haben Sie ein Auto?",
                "",
                False,
                {},
                [],
                "all",
                [("Q07", "answered", None, None)],
            ),
        ],
    ),
    (
        "Wohnen",
        "any",
        [("Q09", "eq", None, "nein"), ("Q01", "contains", "Fahrrad", None)],
        [
            ("Q10", "number", "Wie viele Quadratmeter?", "", False, {"decimal": True}, [], "all", []),
            (
                "Q11",
                "single",
                "Wie wohnen Sie?",
                "",
                False,
                RADIO,
                [("choice", "A1", "zur Miete", False), ("choice", "A2", "im Eigentum", False)],
                "all",
                [],
            ),
            (
                "Q12",
                "yesno",
                "Haben Sie einen Balkon?",
                "",
                False,
                {},
                [],
                "all",
                [("Q11", "ne", "im Eigentum", None), ("Q01", "contains", "Bus", None)],
            ),
        ],
    ),
    ("Leer", "all", [], []),
]


def test_v5_layout_round_trip(app, client, planner_in):
    """5.x/6.x layout (texts in *_l10ns): each array kind, an OR page condition, an entity in the title."""
    response = upload(client, fixture("v5_mobilitaet.lss"))
    assert response.status_code == 200
    title, _intro, pages = newest_structure(app)
    assert title == "Mobilität & Wohnen 2026"
    assert pages == V5_PAGES
    body = response.get_data(as_text=True)
    assert "nicht übernommen: DUAL" in body and "nicht übernommen: MTEXT" in body
    assert "nicht übernommen: AUSW" in body and "ZAHL &gt; 3" in body
    assert "Kommentarfelder" in body  # type P's comments are named as dropped


def test_import_is_audited_and_the_draft_opens_in_the_builder(app, client, planner_in):
    upload(client, fixture("v5_mobilitaet.lss"))
    with app.app_context():
        survey = db.session.scalars(select(Survey).order_by(Survey.id.desc())).first()
        assert survey.published_at is None and survey.created_by_id == planner_in.id
        entry = db.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "surveys.imported")
        ).one()
        assert entry.target_id == survey.id and entry.actor_id == planner_in.id
        survey_id = survey.id
    assert client.get(f"/umfragen/verwaltung/{survey_id}").status_code == 200


# --- refusals ---------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<document><LimeSurveyDocType>Survey</LimeSurveyDocType><x>&lol3;</x></document>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<document><LimeSurveyDocType>Survey</LimeSurveyDocType><x>&xxe;</x></document>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE document SYSTEM "http://127.0.0.1:9/limesurvey.dtd">
<document><LimeSurveyDocType>Survey</LimeSurveyDocType></document>"""
QUESTION_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<document><LimeSurveyDocType>Question</LimeSurveyDocType><DBVersion>600</DBVersion></document>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Titel;Frage\nA;B\n", "keine lesbare XML-Datei"),
        (b"<html><body>Hallo</body></html>", "keine LimeSurvey-Umfragestruktur"),
        (QUESTION_EXPORT, "keine LimeSurvey-Umfragestruktur"),
        (BILLION_LAUGHS, "aus Sicherheitsgründen"),
        (EXTERNAL_ENTITY, "aus Sicherheitsgründen"),
        (EXTERNAL_DTD, "aus Sicherheitsgründen"),
        (fixture("ohne_gruppen.lss"), "keine Fragengruppen"),
        (b"<document>" + b" " * MAX_BYTES + b"</document>", "größer als 2 MB"),
    ],
    ids=["not-xml", "not-limesurvey", "question-export", "billion-laughs", "external-entity", "external-dtd",
         "no-groups", "too-large"],
)  # fmt: skip
def test_refusals_say_why_next_to_the_file_field_and_store_nothing(app, client, planner_in, data, message):
    before = counts(app)
    response = upload(client, data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="file-error"' in body and message in body.split('id="file-error"')[1][:400]
    assert counts(app) == before


def test_a_form_without_a_file_is_refused(app, client, planner_in):
    before = counts(app)
    response = post(client, URL, {}, token_from=URL, content_type="multipart/form-data")
    assert response.status_code == 422 and "Bitte wählen Sie eine .lss-Datei aus." in response.get_data(
        as_text=True
    )
    assert counts(app) == before


def test_a_failure_half_way_leaves_nothing(app, client, planner_in, monkeypatch):
    """One transaction: an error after some rows were written rolls all of them back."""
    from participation.surveys.builder import limesurvey_import  # the module patched for this test only

    real = limesurvey_import._add_question
    calls = iter(range(100))

    def failing(actor, page, planned):
        if next(calls) == 3:
            raise RuntimeError("simulated crash")
        return real(actor, page, planned)

    monkeypatch.setattr(limesurvey_import, "_add_question", failing)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    before = counts(app)
    assert upload(client, fixture("v3_quartier.lss")).status_code == 500
    assert counts(app) == before


# --- relevance equations and texts ------------------------------------------------------------------


def _q(code: str, qtype: str, options=()) -> PlannedQuestion:
    return PlannedQuestion(
        code=code, lss_type="", qtype=qtype, text=code, options=[(o, o, False) for o in options]
    )


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('Q1 == "A2"', ([("Q1", "eq", "A2", None)], "all")),
        ("Q1.NAOK == 'A2'", ([("Q1", "eq", "A2", None)], "all")),
        ('Q1 != "A1" && N1 == 5', ([("Q1", "ne", "A1", None), ("N1", "eq", None, "5")], "all")),
        (
            "!is_empty(T1) or is_empty(N1)",
            ([("T1", "answered", None, None), ("N1", "not_answered", None, None)], "any"),
        ),
        (
            '(M1_S2 == "Y") || !is_empty(M1_S1)',
            ([("M1", "contains", "S2", None), ("M1", "contains", "S1", None)], "any"),
        ),
        ('((Y1 == "N"))', ([("Y1", "eq", None, "nein")], "all")),
        ("", ([], "all")),
        ("1", ([], "all")),
    ],
)
def test_relevance_forms_that_map(app, expr, expected):
    earlier = {
        "Q1": _q("Q1", "single", ("A1", "A2")),
        "M1": _q("M1", "multiple", ("S1", "S2")),
        "T1": _q("T1", "short_text"),
        "N1": _q("N1", "number"),
        "Y1": _q("Y1", "yesno"),
    }
    with app.test_request_context():
        conditions, mode = parse_relevance(expr, earlier)
    assert ([(c.source, c.operator, c.option, c.value) for c in conditions], mode) == expected


@pytest.mark.parametrize(
    "expr",
    [
        'Q1 == "A9"',  # no such answer
        'X9 == "A1"',  # not mapped / later
        'Q1 == "A1" and Q1 == "A2" or Q1 == "A1"',  # and/or mixed
        "N1 > 3",  # comparison operators beyond == and !=
        'M1_S1 != "Y"',  # "does not contain" has no equal
        'M1 == "S1"',
        "D1 == 'x'",  # a display text cannot be a source
        "count(Q1, N1) > 1",
    ],
)
def test_relevance_forms_that_do_not_map(app, expr):
    earlier = {
        "Q1": _q("Q1", "single", ("A1", "A2")),
        "M1": _q("M1", "multiple", ("S1",)),
        "N1": _q("N1", "number"),
        "D1": _q("D1", "display"),
    }
    with app.test_request_context(), pytest.raises(Unmapped):
        parse_relevance(expr, earlier)


def test_plain_text_from_limesurvey_html():
    assert plain_text("<p>Wie <b>finden</b> Sie&nbsp;das?</p><script>alert(1)</script><p>A &amp; B</p>") == (
        "Wie finden Sie das?\n\nA & B"
    )
    assert plain_text("Zeile\u0000 mit\u202e Steuerzeichen") == "Zeile mit Steuerzeichen"


def test_base_language_is_chosen_when_it_is_not_listed_first(app):
    data = fixture("v3_quartier.lss").replace(
        b"<language>de</language>\n  <language>en</language>",
        b"<language>en</language>\n  <language>de</language>",
    )
    with app.test_request_context():
        survey = parse(data)
    assert survey.language == "de" and survey.groups[0].title == "Allgemeines"


# --- permissions ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(app, client):
    before = counts(app)
    response = client.get(URL)
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    refused = upload(client, fixture("v5_mobilitaet.lss"), token_from="/")
    assert refused.status_code == 302 and "/konto/anmelden" in refused.headers["Location"]
    assert counts(app) == before


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_citizens_and_moderators_are_refused(app, client, make_user, role):
    login(client, make_user(ROLE_SETS[role]))
    assert client.get(URL).status_code == 403
    before = counts(app)
    response = upload(client, fixture("v5_mobilitaet.lss"), token_from="/")
    assert response.status_code == 403
    assert counts(app) == before


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planners_and_admins_import(app, client, make_user, role):
    login(client, make_user(ROLE_SETS[role]))
    page = client.get(URL)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    before = counts(app)
    assert upload(client, fixture("v5_mobilitaet.lss")).status_code == 200
    assert counts(app)["Survey"] == before["Survey"] + 1


def test_manage_list_links_to_the_import(client, planner_in):
    assert f'href="{URL}"' in client.get("/umfragen/verwaltung/").get_data(as_text=True)


def test_built_in_labels_follow_the_files_base_language(app):
    """LimeSurvey's own labels (gender, "other", fixed arrays) become content in the survey's language."""
    english = fixture("v3_quartier.lss").replace(
        b"<language><![CDATA[de]]></language>\n    <additional",
        b"<language><![CDATA[en]]></language>\n    <additional",
    )
    with app.test_request_context():
        plan = plan_import(parse(english))
    assert plan.language == "en" and plan.title == "Lindenpark quarter"
    first = {q.code: q for q in plan.pages[0].questions}
    assert first["GESCHL"].options == [("F", "female", False), ("M", "male", False)]
    assert first["ORT"].options[-1] == ("-oth-", "Other", True) and first["ORT"].text == "EN ORT"


def test_imported_conditions_behave_like_limesurveys_relevance(app, client, planner_in):
    """The v3 draft through the real evaluation: its conditions show what LimeSurvey would show."""
    from participation.surveys.answering.services import (
        evaluate,
    )  # the answering side, only to check behaviour

    upload(client, fixture("v3_quartier.lss"))
    with app.app_context():
        survey = db.session.scalars(select(Survey).order_by(Survey.id.desc())).first()
        q = {question.code: question for question in survey.questions}
        option = {(c.question.code, c.label): c.id for question in survey.questions for c in question.options}

        def shown(raw: dict) -> set[str]:
            evaluation = evaluate(survey, {f"q{q[code].id}": [value] for code, value in raw.items()})
            return {code for code, question in q.items() if question.id in evaluation.shown}

        # Q02 (WOHNT) "nein" hides page 2; Q04 (BEZIRK) needs Q03 Süd; Q10 (NOTE) needs Q08 = 30 and weiblich.
        assert shown({"Q02": "nein", "Q03": str(option[("Q03", "Nord")])}) == {
            "Q01", "Q02", "Q03", "Q05", "Q11", "Q12", "Q13", "Q14",
        }  # fmt: skip
        both = shown(
            {
                "Q02": "ja",
                "Q03": str(option[("Q03", "Süd")]),
                "Q05": str(option[("Q05", "weiblich")]),
                "Q08": "30",
            }
        )
        assert {"Q04", "Q06", "Q07", "Q08", "Q09", "Q10"} <= both


def test_more_questions_than_the_limit_are_refused(app):
    """Each question is a builder call: a file with more than MAX_QUESTIONS is refused before any."""
    row = "<row><qid>{n}</qid><parent_qid>0</parent_qid><gid>1</gid><type>S</type><title>Q{n}</title></row>"
    rows = "".join(row.format(n=n) for n in range(MAX_QUESTIONS + 1))
    data = (
        "<document><LimeSurveyDocType>Survey</LimeSurveyDocType>"
        "<groups><rows><row><gid>1</gid><group_name>G</group_name></row></rows></groups>"
        f"<questions><rows>{rows}</rows></questions></document>"
    ).encode()
    with app.test_request_context(), pytest.raises(ImportRefused, match="mehr als 500 Fragen"):
        parse(data)
