"""The survey report as PDF and print view: figures equal the results, period, weeks, released free texts.

The PDF is read back with pypdf: its text (the figures on the page equal `services.compute`), its pages
(footer "Seite i von N" on each, N = the page count), its structure tree and document language.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from participation.extensions import db
from participation.surveys import services
from participation.surveys.models import Survey
from participation.surveys.results import report as reports
from participation.surveys.results.sql import ResultFilter
from tests.conftest import ROLE_SETS, count_queries, login
from tests.surveys.factories import set_dates
from tests.surveys.results_factories import answer, results_survey

TITLE = "Mobilität: [2026]/Innenstadt?"
NOTES = [
    "Mehr Grün <b>bitte</b>",
    "Radweg & Licht",
    "Zweite Zeile\nfolgt",
    "Ampel länger",
    "Sitzplätze fehlen",
]


def _pdf(client, survey_id: int, query: str = "") -> PdfReader:
    response = client.get(f"/umfragen/verwaltung/{survey_id}/bericht.pdf{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(response.data))


def _text(reader: PdfReader) -> str:
    """The whole document's text with runs of whitespace as one space, without the page footers."""
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return re.sub(rf" ?{re.escape(TITLE)} Seite \d+ von \d+", "", text)


def _html_text(client, survey_id: int, query: str = "") -> str:
    page = client.get(f"/umfragen/verwaltung/{survey_id}/bericht{query}").get_data(as_text=True)
    page = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " %"


def _release_texts(app, survey_id: int, released: bool = True) -> None:
    with app.app_context():
        db.session.get(Survey, survey_id).texts_published = released
        db.session.commit()


@pytest.fixture
def filled(app, client, planner):
    """Five responses on three days (one phone call); every question type answered."""
    built = results_survey(app, planner.id)
    for index, note in enumerate(NOTES):
        once = {"word": "kurz"} if index == 0 else {}
        answer(
            app,
            built,
            channel="telefon" if index == 4 else "online",
            **once,
            mode=["Rad", "Auto", "Rad", "Bus", "Rad"][index],
            wish=["Bäume", "Licht"][: index % 2 + 1],
            scale=index + 1,
            temp="2,5",
            note=note,
            yesno="ja" if index < 3 else "nein",
            matrix={"Licht": 1 + index % 3},
            rank={"Grün": 1, "Parken": 2},
            since="2026-11-27",
            day=date(2026, 11, 20 + index % 3),
        )
    login(client, planner)
    return built


def test_pdf_is_for_the_surveys_planners_only(app, client, filled, make_user):
    url = f"/umfragen/verwaltung/{filled.id}/bericht.pdf"
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/konto/anmelden" in anonymous.headers["Location"]
    citizen = app.test_client()
    login(citizen, make_user())
    assert citizen.get(url).status_code == 403
    other_planner = app.test_client()
    login(other_planner, make_user(ROLE_SETS["planner"]))
    assert other_planner.get(url).status_code == 403
    assert app.test_client().get(f"/umfragen/verwaltung/{filled.id + 999}/bericht.pdf").status_code in (
        302,
        404,
    )


def test_pdf_name_and_no_writes(app, client, filled):
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        response = client.get(f"/umfragen/verwaltung/{filled.id}/bericht.pdf?texte=1")
    assert response.status_code == 200
    writes = [s for s in statements if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    disposition = response.headers["Content-Disposition"]
    assert re.search(r'filename="mobilitaet-2026-innenstadt_\d{4}-\d{2}-\d{2}_bericht\.pdf"', disposition)


def test_pdf_figures_equal_the_results(app, client, filled):
    text = _text(_pdf(client, filled.id))
    with app.app_context():
        survey = db.session.get(Survey, filled.id)
        results = services.compute(survey, ResultFilter(), with_texts=False)
        assert results.total == 5
        assert f"Basis {results.total} Befragte" in text
        for channel in results.channels:
            assert f"{channel.label}: {channel.count}" in text  # first page: channels
        for r in results.questions:
            assert f"{r.question.code} {r.question.text}" in text
            assert (
                f"Basis: {r.base} Befragte, denen die Frage gezeigt wurde. Beantwortet: {r.answered}" in text
            )
            for cell in r.cells:
                assert f"{cell.label} {cell.count} {_pct(cell.pct)}" in text, (r.question.code, cell)
            for row in r.rows:
                for cell in row.cells:
                    assert f"{cell.label} {cell.count} {_pct(cell.pct)}" in text
        ranking = next(r for r in results.questions if r.question.qtype == "ranking")
        for rank in ranking.ranks:  # table: mean rank and first places; chart: first places and share
            mean = f"{round(rank.mean_rank, 2):g}".replace(".", ",")
            assert f"{rank.label} {mean} {rank.first}" in text
            assert f"{rank.label} {rank.first} ({_pct(rank.first / ranking.answered * 100)})" in text
        scale = next(r for r in results.questions if r.question.qtype == "scale")
        assert scale.stats.mean == 3.0 and "Mittelwert 3 " in text
    # Answers per day (a short survey): the days and their counts, in order.
    assert "Antworten pro Tag" in text and "Tag Antworten 20.11.2026 2 21.11.2026 2 22.11.2026 1" in text
    assert "Antworten pro Woche" not in text


def test_pdf_pages_footer_tags_and_language(client, filled):
    reader = _pdf(client, filled.id)
    pages = len(reader.pages)
    assert 2 <= pages <= 6  # eleven questions with charts and tables on A4
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
        footer = " ".join(page.extract_text().split())
        assert f"Seite {number} von {pages}" in footer and TITLE in footer
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "de"
    assert reader.metadata.title == f"Bericht: {TITLE}"


def test_free_texts_only_when_released_and_chosen(app, client, filled):
    # Not released: the choice is not offered and texte=1 lists nothing; only the count is stated.
    for query in ("", "?texte=1"):
        text = _text(_pdf(client, filled.id, query))
        page = _html_text(client, filled.id, query)
        for document in (text, page):
            assert "Freitextantworten: 5; in diesem Bericht nicht aufgeführt." in document
            assert "nicht aufgeführt (nicht zur Veröffentlichung freigegeben)" in document
            assert not any(" ".join(note.split()) in document for note in NOTES)
    assert 'name="texte"' not in client.get(f"/umfragen/verwaltung/{filled.id}/bericht").get_data(
        as_text=True
    )

    _release_texts(app, filled.id)
    assert "Radweg & Licht" not in _text(_pdf(client, filled.id))  # released, but not chosen
    page = client.get(f"/umfragen/verwaltung/{filled.id}/bericht").get_data(as_text=True)
    assert 'type="checkbox" id="report-texte" name="texte" value="1"' in page
    text = _text(_pdf(client, filled.id, "?texte=1"))
    page = _html_text(client, filled.id, "?texte=1")
    for document in (text, page):
        assert "Freitextantworten: 5, zur Veröffentlichung freigegeben" in document
        for note in NOTES:
            assert " ".join(note.split()) in document  # markup stays text: "<b>bitte</b>"
        # The one-word question was answered once: fewer than five, so its text is not listed.
        assert "Freitextantworten: 1; zu wenige, um sie aufzuführen (weniger als 5)." in document
        assert "kurz" not in document.replace("Zu kurz", "")
        assert "aufgeführt (zur Veröffentlichung freigegeben)" in document


def test_filter_carries_into_the_pdf(client, filled):
    text = _text(_pdf(client, filled.id, "?kanal=telefon"))
    assert "Basis 1 Befragte (gefiltert)" in text
    page = client.get(f"/umfragen/verwaltung/{filled.id}/bericht?kanal=telefon").get_data(as_text=True)
    assert '<input type="hidden" name="kanal" value="telefon">' in page


def test_long_survey_shows_weeks_and_busiest_days(app, client, planner):
    built = results_survey(app, planner.id)
    days = [date(2026, 9, 1)] * 3 + [date(2026, 9, 2)] * 2 + [date(2026, 9, 9), date(2026, 10, 20)]
    for day in days:
        answer(app, built, mode="Rad", day=day)
    set_dates(app, built.id, starts_in=-timedelta(days=90), ends_in=-timedelta(days=40))
    login(client, planner)
    text = _text(_pdf(client, built.id))
    page = _html_text(client, built.id)
    for document in (text, page):
        assert "Antworten pro Woche" in document and "Antworten pro Tag" not in document
        # ISO weeks Monday to Sunday: 31.08.–06.09. holds five, 07.09.–13.09. one, 19.10.–25.10. one.
        assert "KW 36/2026 (31.08.2026–06.09.2026) 5" in document
        assert "KW 37/2026 (07.09.2026–13.09.2026) 1" in document
        assert "KW 38/2026 (14.09.2026–20.09.2026) 0" in document
        assert "KW 43/2026 (19.10.2026–25.10.2026) 1" in document
        busiest = re.search(r"meisten Antworten Tag Antworten ((?:[\d.]+ \d+ )+)Ergebnisse", document)
        assert busiest and busiest.group(1) == "01.09.2026 3 02.09.2026 2 09.09.2026 1 20.10.2026 1 "
        assert "15.09.2026" not in document  # no table of days
    with app.app_context():
        survey = db.session.get(Survey, built.id)
        first = (survey.starts_at.astimezone(reports.BERLIN)).date()
        last = (survey.ends_at.astimezone(reports.BERLIN)).date()
    period = f"Zeitraum {first:%d.%m.%Y} bis {last:%d.%m.%Y}"
    assert period in text and period in page


def test_print_view_states_period_and_free_text_counts(app, client, filled):
    with app.app_context():
        db.session.execute(update(Survey).where(Survey.id == filled.id).values(starts_at=None, ends_at=None))
        db.session.commit()
    text = _html_text(client, filled.id)
    assert re.search(r"Zeitraum seit \d\d\.\d\d\.\d{4} \(ohne Enddatum\)", text)
    assert "Stand der Daten" in text and "Basis 5 Befragte" in text
    assert "Freitextantworten: 5; in diesem Bericht nicht aufgeführt." in text  # Q05, not only "Basis"
    page = client.get(f"/umfragen/verwaltung/{filled.id}/bericht").get_data(as_text=True)
    assert f'formaction="/umfragen/verwaltung/{filled.id}/bericht.pdf"' in page


def test_report_query_count_does_not_grow_with_data(app, client, filled):
    _release_texts(app, filled.id)
    with app.app_context():
        engine = db.engine

    def queries() -> int:
        with count_queries(engine) as statements:
            assert client.get(f"/umfragen/verwaltung/{filled.id}/bericht?texte=1").status_code == 200
        return len(statements)

    before = queries()
    for index in range(6):
        answer(app, filled, mode="Bus", note=f"Noch ein Text {index}", day=date(2026, 12, 1 + index))
    assert queries() == before


def test_buckets_and_busiest_days():
    per_day = [(date(2026, 3, 1) + timedelta(days=i), n) for i, n in enumerate([2, 0, 5, 5, 1, 0, 0, 0, 3])]
    weeks = reports.buckets(per_day, weekly=True)
    # 1 March 2026 is a Sunday: its week starts on 23 February.
    assert [(b.first, b.last, b.count, b.week) for b in weeks] == [
        (date(2026, 2, 23), date(2026, 3, 1), 2, 9),
        (date(2026, 3, 2), date(2026, 3, 8), 11, 10),
        (date(2026, 3, 9), date(2026, 3, 15), 3, 11),
    ]
    assert reports.buckets(per_day, weekly=False)[2].count == 5
    assert reports.busiest(per_day, 3) == [
        (date(2026, 3, 3), 5),
        (date(2026, 3, 4), 5),
        (date(2026, 3, 9), 3),
    ]
    assert reports.buckets([(date(2026, 3, 2), None), (date(2026, 3, 3), 7)], weekly=True)[0].count is None
