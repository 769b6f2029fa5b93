"""Read population figures from CSV text as a statistics office delivers them, or refuse with reasons.

Format: a header line naming the dimension columns (any of Bezirk, Altersgruppe, Geschlecht; at least
one) and the column Anzahl; `;` or `,` between fields; UTF-8 with or without BOM. Total rows (a label
"Insgesamt", "Gesamt", "Summe" or "Total" in one or more dimension columns) are allowed: each must equal
the sum of the detail rows it covers, and is then not stored (the platform recomputes totals). Labels
that begin with =, +, - or @ are refused: a spreadsheet would run them as formulas when the figures are
exported again (CSV injection).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _

from participation.analytics.models import DIMENSIONS

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
MAX_LABEL = 80
# Show this many problems; a file with hundreds of wrong lines usually has one cause.
MAX_ERRORS = 10

# Accepted header names (compared case-insensitively) for each dimension and the count.
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "district": ("bezirk", "stadtbezirk", "stadtteil", "ortsteil"),
    "age_band": ("altersgruppe", "alter"),
    "gender": ("geschlecht",),
    "count": ("anzahl", "einwohner", "personen"),
}
TOTAL_LABELS = frozenset({"insgesamt", "gesamt", "summe", "total"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Key = tuple[str | None, str | None, str | None]


@dataclass
class ParsedPopulation:
    """The detail cells of a valid file, keyed by (district, age band, gender); None for absent dimensions."""

    dimensions: tuple[str, ...]
    cells: dict[Key, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All residents counted in the cells."""
        return sum(self.cells.values())


class PopulationFileError(Exception):
    """The file was refused; `problems` are German sentences, most with their line number."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_population(data: bytes) -> ParsedPopulation:
    """Check a whole file and return its cells, or raise PopulationFileError listing what is wrong."""
    if len(data) > MAX_FILE_BYTES:
        raise PopulationFileError(
            [_("Die Datei ist größer als 2 MB. Bitte laden Sie nur die Zahlentabelle hoch.")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PopulationFileError(
            [_("Die Datei ist nicht in UTF-8 gespeichert. Bitte speichern Sie sie als „CSV UTF-8“.")]
        ) from None
    if not text.strip():
        raise PopulationFileError([_("Die Datei ist leer.")])
    first_line = text.splitlines()[0]
    delimiter = ";" if ";" in first_line else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    columns = _columns(rows[0])
    return _cells(rows[1:], columns)


def _columns(header: list[str]) -> dict[str, int]:
    """Map each known column to its position; refuse unknown, repeated or missing columns (line 1)."""
    columns: dict[str, int] = {}
    allowed = "Bezirk, Altersgruppe, Geschlecht, Anzahl"
    for position, raw in enumerate(header):
        name = raw.strip().lower()
        kind = next((k for k, names in HEADER_NAMES.items() if name in names), None)
        if kind is None:
            raise PopulationFileError(
                [
                    _(
                        "Zeile 1: Unbekannte Spalte „%(name)s“. Erlaubt sind: %(allowed)s.",
                        name=raw.strip(),
                        allowed=allowed,
                    )
                ]
            )
        if kind in columns:
            raise PopulationFileError(
                [_("Zeile 1: Die Spalte „%(name)s“ kommt doppelt vor.", name=raw.strip())]
            )
        columns[kind] = position
    if "count" not in columns:
        raise PopulationFileError([_("Zeile 1: Die Spalte „Anzahl“ fehlt.")])
    if len(columns) == 1:
        raise PopulationFileError(
            [_("Zeile 1: Es fehlt mindestens eine der Spalten Bezirk, Altersgruppe oder Geschlecht.")]
        )
    return columns


def _cells(rows: list[list[str]], columns: dict[str, int]) -> ParsedPopulation:
    dimensions = tuple(d for d in DIMENSIONS if d in columns)
    parsed = ParsedPopulation(dimensions)
    first_line: dict[Key, int] = {}
    totals: list[tuple[int, Key, int]] = []
    problems: list[str] = []
    data_rows = 0
    for index, row in enumerate(rows, start=2):
        if not any(value.strip() for value in row):
            continue  # blank lines (often one at the end) carry nothing
        data_rows += 1
        if data_rows > MAX_ROWS:
            problems.append(_("Die Datei hat mehr als %(max)s Datenzeilen.", max=MAX_ROWS))
            break
        try:
            key, count = _row(index, row, columns)
        except PopulationFileError as exc:
            problems.extend(exc.problems)
        else:
            if any(label is not None and label.lower() in TOTAL_LABELS for label in key):
                totals.append((index, key, count))
            elif key in first_line:
                problems.append(
                    _(
                        "Zeile %(line)s: Die Zelle %(cell)s steht schon in Zeile %(first)s.",
                        line=index,
                        cell=_cell_name(key),
                        first=first_line[key],
                    )
                )
            else:
                first_line[key] = index
                parsed.cells[key] = count
        if len(problems) >= MAX_ERRORS:
            break
    if not problems and not parsed.cells:
        problems.append(_("Die Datei enthält keine Datenzeilen, nur die Kopfzeile."))
    if not problems:
        problems.extend(_total_problems(parsed, totals))
    if problems:
        raise PopulationFileError(problems[:MAX_ERRORS])
    return parsed


def _row(line: int, row: list[str], columns: dict[str, int]) -> tuple[Key, int]:
    """One data line as its key and count; a PopulationFileError names the line's problem."""
    if len(row) != len(columns):
        raise PopulationFileError(
            [
                _(
                    "Zeile %(line)s: %(found)s Felder statt %(expected)s.",
                    line=line,
                    found=len(row),
                    expected=len(columns),
                )
            ]
        )
    labels: list[str | None] = []
    for dimension in DIMENSIONS:
        if dimension not in columns:
            labels.append(None)
            continue
        label = row[columns[dimension]].strip()
        if not label:
            raise PopulationFileError([_("Zeile %(line)s: Ein Feld ist leer.", line=line)])
        if label.startswith(FORMULA_STARTS):
            raise PopulationFileError(
                [
                    _(
                        "Zeile %(line)s: „%(value)s“ beginnt mit =, +, - oder @. Solche Werte werden nicht "
                        "angenommen, weil Tabellenprogramme sie als Formel ausführen.",
                        line=line,
                        value=label[:40],
                    )
                ]
            )
        if len(label) > MAX_LABEL:
            raise PopulationFileError(
                [
                    _(
                        "Zeile %(line)s: Eine Bezeichnung ist länger als %(max)s Zeichen.",
                        line=line,
                        max=MAX_LABEL,
                    )
                ]
            )
        labels.append(label)
    raw = row[columns["count"]].strip()
    if raw.startswith("-") and raw[1:].isdigit():
        raise PopulationFileError(
            [_("Zeile %(line)s: Die Anzahl %(value)s ist negativ.", line=line, value=raw)]
        )
    if not (raw.isascii() and raw.isdigit()):
        raise PopulationFileError(
            [_("Zeile %(line)s: Die Anzahl „%(value)s“ ist keine ganze Zahl.", line=line, value=raw[:40])]
        )
    return (labels[0], labels[1], labels[2]), int(raw)


def _total_problems(parsed: ParsedPopulation, totals: list[tuple[int, Key, int]]) -> list[str]:
    """Each total row must equal the sum of the detail cells that agree with it outside its total columns."""
    problems = []
    for line, key, stated in totals:
        fixed = [
            (position, label)
            for position, label in enumerate(key)
            if label is not None and label.lower() not in TOTAL_LABELS
        ]
        computed = sum(
            count for cell, count in parsed.cells.items() if all(cell[p] == label for p, label in fixed)
        )
        if computed != stated:
            problems.append(
                _(
                    "Zeile %(line)s: Die Summenzeile nennt %(stated)s, "
                    "die Einzelzeilen ergeben %(computed)s.",
                    line=line,
                    stated=stated,
                    computed=computed,
                )
            )
    return problems


def _cell_name(key: Key) -> str:
    return " / ".join(label for label in key if label is not None)


SAMPLE_CSV = (
    "Bezirk;Altersgruppe;Geschlecht;Anzahl\n"
    "Altstadt;18–29;weiblich;1210\n"
    "Altstadt;18–29;männlich;1185\n"
    "Altstadt;30–64;weiblich;3020\n"
    "Altstadt;30–64;männlich;2990\n"
    "Altstadt;65+;weiblich;1405\n"
    "Altstadt;65+;männlich;1120\n"
    "Altstadt;Insgesamt;Insgesamt;10930\n"
)
