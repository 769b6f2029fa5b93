"""Cross-tabulation (#13 item 3): counts with margins, row and column shares, the chi-square test, the
warning on small expected counts, the table at the top after "Anwenden", public suppression, exports."""

from __future__ import annotations

import csv
import io
import math

import pytest
from openpyxl import load_workbook

from participation.extensions import db
from participation.surveys import services
from participation.surveys.models import Survey
from participation.surveys.results.crosstab import chi_square
from participation.surveys.results.services import compute
from tests.conftest import count_queries, get_user, login
from tests.surveys.factories import set_dates
from tests.surveys.results_factories import answer, close_and_publish
from tests.surveys.test_results import _text

BOM = b"\xef\xbb\xbf"


def test_chi_square_equals_the_textbook_example():
    """Agresti, An Introduction to Categorical Data Analysis, 2nd ed. (Wiley 2007), section 2.4.3, Table 2.5:
    party identification by gender (GSS 2000). Published: X² = 30.1, df = 2, P < 0.001; expected counts
    in parentheses, e.g. 703.7 for female Democrats and 246.4 (the smallest) for male Independents."""
    observed = [[762, 327, 468], [484, 239, 477]]
    test = chi_square(observed)
    assert round(test.statistic, 1) == 30.1 and test.df == 2 and test.p < 0.001
    assert round(test.min_expected, 1) == 246.4 and test.small_expected == 0 and not test.unreliable
    # For df = 2 the chi-square survival function is exactly exp(-x/2): SciPy's value checked by hand.
    assert test.p == pytest.approx(math.exp(-test.statistic / 2), rel=1e-9)
    # Cramér's V = sqrt(X² / (n (min(r, c) - 1))) with n = 2757.
    assert test.cramers_v == pytest.approx(math.sqrt(test.statistic / 2757))


def test_chi_square_leaves_out_empty_rows_and_columns_and_needs_two_of_each():
    """An empty category has expected counts of 0: it is dropped, df counts what is left."""
    test = chi_square([[10, 0, 5], [0, 0, 0], [5, 0, 10]])
    assert test.df == 1 and test.cells == 4
    assert test.statistic == pytest.approx(chi_square([[10, 5], [5, 10]]).statistic)
    assert chi_square([[4, 0], [6, 0]]) is None and chi_square([[3, 4]]) is None


def _mode_by_yesno(app, survey) -> None:
    """Rad: 3 ja, 1 nein; Auto: 1 ja, 2 nein; Bus: 1 nein; one cyclist skips yes/no (not in the table)."""
    for mode, yesno in [("Rad", "ja")] * 3 + [("Rad", "nein"), ("Auto", "ja")] + [("Auto", "nein")] * 2:
        answer(app, survey, mode=mode, yesno=yesno)
    answer(app, survey, mode="Bus", yesno="nein")
    answer(app, survey, mode="Rad")


def test_counts_margins_shares_and_test_by_hand(app, survey):
    """Margins, row % and column % as computed by hand; X² = 7/3 with df 2 and p = exp(-7/6)."""
    _mode_by_yesno(app, survey)
    with app.app_context():
        table = compute(db.session.get(Survey, survey.id), cross=(survey.q["mode"], survey.q["yesno"])).cross
    assert table.grid == [[3, 1, 4], [1, 2, 3], [0, 1, 1], [4, 4, 8]]
    assert table.row_pct[0] == [75.0, 25.0, 100.0] and table.row_pct[3] == [50.0, 50.0, 100.0]
    assert table.row_pct[1] == [pytest.approx(100 / 3), pytest.approx(200 / 3), 100.0]
    assert table.col_pct[0] == [75.0, 25.0, 50.0] and table.col_pct[2] == [0.0, 25.0, 12.5]
    assert table.col_pct[3] == [100.0, 100.0, 100.0]
    test = table.test
    assert test.statistic == pytest.approx(7 / 3) and test.df == 2
    assert test.p == pytest.approx(math.exp(-7 / 6))
    # Expected counts 2, 2, 1.5, 1.5, 0.5, 0.5: every one below 5.
    assert (test.small_expected, test.cells, test.min_expected) == (6, 6, 0.5) and test.unreliable


def test_multiple_choice_has_totals_of_mentions_and_no_test(app, survey):
    """A person counts in several columns: the cells are not independent, so no chi-square."""
    answer(app, survey, mode="Rad", wish=["Bäume", "Licht"])
    answer(app, survey, mode="Auto", wish=["Licht"])
    with app.app_context():
        table = compute(db.session.get(Survey, survey.id), cross=(survey.q["mode"], survey.q["wish"])).cross
    assert table.mentions and table.test is None and "Mehrfachnennungen" in table.no_test
    assert table.grid[0] == [1, 0, 1, 2] and table.grid[-1] == [1, 0, 2, 3]


def test_page_shows_the_table_first_with_the_chosen_shares_test_and_warning(app, client, planner, survey):
    """After "Anwenden" the page opens at the cross-table (#auswertung), above the overview."""
    _mode_by_yesno(app, survey)
    login(client, planner)
    base = f"/umfragen/{survey.id}/ergebnisse"
    html = client.get(
        f"{base}?zeilen={survey.q['mode']}&spalten={survey.q['yesno']}&prozent=zeilen"
    ).get_data(as_text=True)
    assert f'action="{base}#auswertung"' in html
    assert (
        html.index('id="auswertung"') < html.index('id="cross-heading"') < html.index('id="overview-heading"')
    )
    cross = _text(html[html.index('id="cross-heading"') : html.index('id="overview-heading"')])
    assert "Zeilen: 1. Verkehrsmittel? (Q01)" in cross and "Spalten: 7. Wohnen Sie hier? (Q07)" in cross
    assert "Anzahl Befragte, darunter Zeilenprozente" in cross
    assert "Rad 3 75,0 % 1 25,0 % 4 100,0 %" in cross and "Summe 4 50,0 % 4 50,0 % 8 100,0 %" in cross
    assert "Chi-Quadrat (Pearson) 2,33 Freiheitsgrade 2 p-Wert 0,311" in cross
    assert "nicht gesichert" in cross
    assert "Bei 6 von 6 Zellen ist die erwartete Häufigkeit kleiner als 5 (kleinste: 0,5)" in cross
    columns = _text(
        client.get(f"{base}?zeilen={survey.q['mode']}&spalten={survey.q['yesno']}&prozent=spalten").get_data(
            as_text=True
        )
    )
    assert (
        "Anzahl Befragte, darunter Spaltenprozente" in columns and "Bus 0 0,0 % 1 25,0 % 1 12,5 %" in columns
    )
    plain = _text(
        client.get(f"{base}?zeilen={survey.q['mode']}&spalten={survey.q['yesno']}").get_data(as_text=True)
    )
    assert "Rad 3 1 4" in plain and "75,0 %" not in plain
    nothing = client.get(f"{base}?zeilen={survey.q['mode']}&spalten={survey.q['mode']}").get_data(
        as_text=True
    )
    assert 'id="cross-heading"' not in nothing


def test_public_cross_table_hides_small_cells_margins_shares_and_test(app, survey):
    """9 respondents, small combinations: the public page has no cross-table at all (a crafted query is
    ignored); computed in public mode anyway, it protects cells, margins, their shares and the test."""
    _mode_by_yesno(app, survey)
    close_and_publish(app, survey)
    pair = f"zeilen={survey.q['mode']}&spalten={survey.q['yesno']}"
    html = (
        app.test_client()
        .get(f"/umfragen/{survey.id}/ergebnisse?{pair}&prozent=zeilen")
        .get_data(as_text=True)
    )
    assert 'id="cross-heading"' not in html and "Kreuztabelle: Zeilen" not in html
    with app.app_context():
        table = compute(
            db.session.get(Survey, survey.id), public=True, cross=(survey.q["mode"], survey.q["yesno"])
        ).cross
    assert all(value in (None, 0) or value >= 5 for line in table.grid for value in line)
    assert table.test is None


def _download(client, survey_id: int, query: str):
    response = client.get(f"/umfragen/{survey_id}/ergebnisse/kreuztabelle?{query}")
    assert response.status_code == 200, response.status_code
    return response


def test_export_as_german_csv_and_xlsx(app, client, planner, survey):
    """CSV for German Excel (BOM, ;, decimal comma) and XLSX with a sheet per view: real numbers."""
    _mode_by_yesno(app, survey)
    login(client, planner)
    query = f"zeilen={survey.q['mode']}&spalten={survey.q['yesno']}"
    response = _download(client, survey.id, query + "&format=csv")
    disposition = response.headers["Content-Disposition"]
    assert "_kreuztabelle-csv.csv" in disposition and response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith(BOM) and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline=""), delimiter=";"))
    assert rows[0] == ["Anzahl"]
    assert rows[1] == ["1. Verkehrsmittel? (Q01) / 7. Wohnen Sie hier? (Q07)", "Ja", "Nein", "Summe"]
    assert rows[2] == ["Rad", "3", "1", "4"] and rows[5] == ["Summe", "4", "4", "8"]
    assert ["Auto", "33,3", "66,7", "100"] in rows  # row shares, decimal comma
    assert ["Bus", "0", "25", "12,5"] in rows  # column shares
    assert ["Freiheitsgrade", "2"] in rows and ["Chi-Quadrat (Pearson)", "2,333"] in rows

    xlsx = _download(client, survey.id, query + "&format=xlsx")
    assert "_kreuztabelle-xlsx.xlsx" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.get_data()))
    assert book.sheetnames == ["Anzahl", "Zeilenprozente", "Spaltenprozente", "Signifikanztest"]
    counts = book["Anzahl"]
    assert [c.value for c in counts[2]] == ["Rad", 3, 1, 4] and counts["A1"].font.bold
    assert counts.freeze_panes == "A2"
    assert [c.value for c in book["Zeilenprozente"][3]] == ["Auto", 33.3, 66.7, 100]
    test = {row[0]: row[1] for row in book["Signifikanztest"].iter_rows(min_row=2, values_only=True)}
    assert test["Freiheitsgrade"] == 2 and test["p-Wert"] == pytest.approx(math.exp(-7 / 6), rel=1e-3)
    assert test["Zellen mit erwarteter Häufigkeit unter 5"] == "6 / 6"
    # No pair, or a question that is not categorical: the results page, asking for a pair.
    bad = f"zeilen={survey.q['note']}&spalten={survey.q['mode']}"
    for wrong in ("format=csv", bad):
        page = client.get(f"/umfragen/{survey.id}/ergebnisse/kreuztabelle?{wrong}")
        assert page.status_code == 200 and page.mimetype == "text/html"
        assert "Bitte wählen Sie für die Kreuztabelle zwei verschiedene Fragen" in page.get_data(as_text=True)


def test_export_keeps_labels_inert_and_public_files_protected(app, client, planner):
    """A label like a formula stays text in both files; there is no public file (a 403 page says why)."""
    with app.app_context():
        owner = get_user(app, planner.id)
        created = services.create_survey(owner, title="Formeln", access="account", anonymous=True)
        page = created.pages[0]
        first = services.add_question(owner, page, "single", "Erste")
        options = [services.add_option(owner, first, label) for label in ('=HYPERLINK("x")', "B")]
        second = services.add_question(owner, page, "yesno", "Zweite")
        services.publish(owner, created)
        db.session.commit()
        survey_id, ids = created.id, (first.id, second.id, [o.id for o in options])
    with app.app_context():
        for index in range(7):
            form = {f"q{ids[0]}": [str(ids[2][index % 2])], f"q{ids[1]}": ["ja" if index < 6 else "nein"]}
            services.submit_response(db.session.get(Survey, survey_id), form, channel="papier", assisted=True)
        db.session.commit()
    login(client, planner)
    query = f"zeilen={ids[0]}&spalten={ids[1]}"
    text = _download(client, survey_id, query + "&format=csv").get_data().decode("utf-8")
    assert '\'=HYPERLINK(""x"")' in text
    sheet = load_workbook(io.BytesIO(_download(client, survey_id, query + "&format=xlsx").get_data()))[
        "Anzahl"
    ]
    assert sheet["A2"].value == '=HYPERLINK("x")' and sheet["A2"].data_type == "s"
    set_dates(app, survey_id, closed=True)
    with app.app_context():
        db.session.get(Survey, survey_id).results_published = True
        db.session.commit()
    for fmt in ("csv", "xlsx"):
        public = app.test_client().get(f"/umfragen/{survey_id}/ergebnisse/kreuztabelle?{query}&format={fmt}")
        assert public.status_code == 403 and "Content-Disposition" not in public.headers
        assert "Kreuztabellen und Filter stehen nur der Verwaltung zur Verfügung" in _text(
            public.get_data(as_text=True)
        )


def test_cross_table_export_reads_a_fixed_number_of_statements(app, client, planner, survey):
    """The download's query count does not grow with the responses."""
    login(client, planner)
    url = (
        f"/umfragen/{survey.id}/ergebnisse/kreuztabelle?zeilen={survey.q['mode']}&spalten={survey.q['yesno']}"
    )

    def measure() -> int:
        with app.app_context():
            engine = db.engine
        with count_queries(engine) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    _mode_by_yesno(app, survey)
    small = measure()
    for index in range(20):
        answer(app, survey, mode=["Rad", "Auto", "Bus"][index % 3], yesno=["ja", "nein"][index % 2])
    assert measure() == small
