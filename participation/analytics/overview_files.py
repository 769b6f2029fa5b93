"""Participation overview: each table as German CSV or XLSX (the export writers of the surveys)."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import format_decimal, pgettext
from flask_babel import gettext as _

from participation.analytics.overview_service import COUNT, HOURS, PCT, Overview, Table
from participation.core.i18n import format_day
from participation.surveys.exports.columns import NUMBER, TEXT
from participation.surveys.exports.writers import csv_chunks, decimal_text, defuse, spooled
from participation.surveys.exports.xlsx import write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fmt_cell(kind: str, value) -> str:
    """A figure as the page shows it: counts with thousands separator, shares and hours with one decimal."""
    if kind == COUNT:
        return pgettext("suppressed count", "geschützt") if value is None else format_decimal(value, "#,##0")
    if kind in (PCT, HOURS):
        if value is None:
            return "–"
        text = format_decimal(round(value, 1), format="#,##0.0")
        return f"{text} %" if kind == PCT else text
    return "" if value is None else str(value)


def _file_value(kind: str, value, comma: bool):
    if value is None:
        return pgettext("suppressed count", "geschützt") if kind == COUNT else ""
    if kind in (PCT, HOURS):
        number = round(value, 1)
        return decimal_text(number, True) if comma else number
    return defuse(value) if isinstance(value, str) else value


def _rows(table: Table, comma: bool) -> Iterator[list]:
    yield [defuse(header) if comma else header for header, _kind in table.columns]
    for row in table.rows:
        yield [_file_value(kind, v, comma) for (_h, kind), v in zip(table.columns, row, strict=True)]


def _notes(overview: Overview, table: Table, scope_label: str) -> list[list]:
    period = f"{format_day(overview.period.first)} – {format_day(overview.period.last)}"
    notes = [
        [_("Angabe"), _("Wert")],
        [_("Tabelle"), table.title],
        [_("Zeitraum"), period],
        [_("Auswahl"), scope_label],
        [
            _("Wochen"),
            _("Kalenderwochen (ISO) in Berliner Zeit; erste und letzte Woche nur mit den Tagen im Zeitraum."),
        ],
    ]
    if not overview.exact:
        notes.append([_("Hinweis"), _("„geschützt“: weniger als 5 oder aus den übrigen Zahlen errechenbar.")])
    return notes


def csv_file(overview: Overview, table: Table, scope_label: str) -> Iterator[bytes]:
    """German CSV (BOM, `;`, decimal comma): the table, then a blank line and its notes."""

    def rows():
        yield from _rows(table, True)
        yield []
        for line in _notes(overview, table, scope_label)[1:]:
            yield [defuse(v) for v in line]

    return csv_chunks(rows(), german=True)


def xlsx_file(overview: Overview, table: Table, scope_label: str) -> Iterator[bytes]:
    """XLSX: the table on the first sheet, the notes on the second."""
    columns = [(h, h, TEXT if kind == "text" else NUMBER) for h, kind in table.columns]
    notes = [[a, b, "", "", ""] for a, b in _notes(overview, table, scope_label)]
    return spooled(write_xlsx, table.title, columns, _rows(table, False), notes)
