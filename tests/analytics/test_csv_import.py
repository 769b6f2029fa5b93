"""The CSV reader: accepted formats and every refusal, each naming its line."""

from __future__ import annotations

import pytest

from participation.analytics.csv_import import (
    MAX_FILE_BYTES,
    SAMPLE_CSV,
    PopulationFileError,
    parse_population,
)


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def problems(text: str | bytes) -> list[str]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(PopulationFileError) as caught:
        parse_population(data)
    return caught.value.problems


def test_three_dimensions_semicolon_with_bom_and_total_row():
    parsed = parse_population(("\ufeff" + SAMPLE_CSV).encode("utf-8"))
    assert parsed.dimensions == ("district", "age_band", "gender")
    # The "Insgesamt" row is checked and left out; six detail cells remain.
    assert len(parsed.cells) == 6
    assert parsed.cells[("Altstadt", "65+", "männlich")] == 1120
    assert parsed.total == 1210 + 1185 + 3020 + 2990 + 1405 + 1120


def test_subset_of_dimensions_with_commas_in_any_column_order():
    parsed = parse_population(b"Anzahl,Geschlecht\n500,weiblich\n480,m\xc3\xa4nnlich\n\n")
    assert parsed.dimensions == ("gender",)
    assert parsed.cells == {(None, None, "weiblich"): 500, (None, None, "männlich"): 480}


def test_partial_total_rows_are_checked_per_group():
    text = "Bezirk;Geschlecht;Anzahl\nA;w;10\nA;m;5\nB;w;7\nA;Insgesamt;15\nB;Gesamt;7\nInsgesamt;w;17\n"
    assert parse_population(text.encode()).total == 22
    wrong = text.replace("B;Gesamt;7", "B;Gesamt;8")
    assert problems(wrong) == ["Zeile 6: Die Summenzeile nennt 8, die Einzelzeilen ergeben 7."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Die Datei ist leer."),
        ("Bezirk;Anzahl\n", "Die Datei enthält keine Datenzeilen, nur die Kopfzeile."),
        ("Bezirk;Menge\nA;1\n", "Zeile 1: Unbekannte Spalte „Menge“."),
        ("Bezirk;Geschlecht\nA;w\n", "Zeile 1: Die Spalte „Anzahl“ fehlt."),
        ("Anzahl\n4\n", "Zeile 1: Es fehlt mindestens eine der Spalten"),
        ("Bezirk;Bezirk;Anzahl\nA;B;1\n", "Zeile 1: Die Spalte „Bezirk“ kommt doppelt vor."),
        ("Bezirk;Anzahl\nA;1\nB;-4\n", "Zeile 3: Die Anzahl -4 ist negativ."),
        ("Bezirk;Anzahl\nA;12,5\n", "Zeile 2: Die Anzahl „12,5“ ist keine ganze Zahl."),
        ("Bezirk;Anzahl\nA;zwölf\n", "Zeile 2: Die Anzahl „zwölf“ ist keine ganze Zahl."),
        ("Bezirk;Anzahl\nA;1\nA;2\n", "Zeile 3: Die Zelle A steht schon in Zeile 2."),
        ("Bezirk;Anzahl\nA;1;2\n", "Zeile 2: 3 Felder statt 2."),
        ("Bezirk;Anzahl\n;1\n", "Zeile 2: Ein Feld ist leer."),
        (
            "Bezirk;Anzahl\nA;1\nInsgesamt;2\n",
            "Zeile 3: Die Summenzeile nennt 2, die Einzelzeilen ergeben 1.",
        ),
    ],
)
def test_refusals_name_the_line(text, expected):
    found = problems(text)
    assert any(problem.startswith(expected) for problem in found), found


@pytest.mark.parametrize("value", ["=SUMME(A1:A9)", "+1", "-Altstadt", "@cmd", "\t=1"])
def test_formula_like_labels_are_refused(value):
    found = problems(f'Bezirk;Anzahl\nAltstadt;4\n"{value}";3\n')
    assert len(found) == 1
    assert found[0].startswith("Zeile 3: „")
    assert "beginnt mit =, +, - oder @" in found[0]


def test_not_utf8_and_too_large():
    assert problems("Bezirk;Anzahl\nSüdstadt;1\n".encode("latin-1"))[0].startswith(
        "Die Datei ist nicht in UTF-8"
    )
    big = b"Bezirk;Anzahl\n" + b"A;1\n" * (MAX_FILE_BYTES // 4)
    assert problems(big) == ["Die Datei ist größer als 2 MB. Bitte laden Sie nur die Zahlentabelle hoch."]


def test_several_problems_are_listed_together():
    found = problems("Bezirk;Anzahl\nA;-1\nB;x\n=C;1\n")
    assert [problem.split(":")[0] for problem in found] == ["Zeile 2", "Zeile 3", "Zeile 4"]
