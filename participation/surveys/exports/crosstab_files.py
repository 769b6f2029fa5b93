"""A cross-table as a file for the council paper: XLSX (one sheet per view and the test) or German CSV.

Built on the export writers: the XLSX sheets are written by xlsx.py's streaming sheet writer (bold frozen
header, numbers as numbers, text always inline, never a formula), the CSV by csv_chunks (BOM, `;`,
decimal comma, CRLF) with text defused. Staff only: the public results have no cross-table.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from xml.sax.saxutils import escape

from flask_babel import format_decimal
from flask_babel import gettext as _

from participation.surveys.exports.naming import sheet_name
from participation.surveys.exports.writers import csv_chunks, decimal_text, defuse, spooled
from participation.surveys.exports.xlsx import _REL, _ROOT_RELS, _STYLES, _write_sheet
from participation.surveys.results.crosstab import CrossTable
from participation.surveys.results.numbering import label

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def blocks(table: CrossTable) -> list[tuple[str, list[list]]]:
    """The file's parts as (title, rows): counts, row shares, column shares, the test."""
    corner = f"{label(table.row_question, table.row_number, True)} / " + label(
        table.col_question, table.col_number, True
    )
    total = _("Summe")
    header = [corner, *table.col_labels, total]
    names = [*table.row_labels, total]

    def grid(values) -> list[list]:
        return [header] + [[name, *line] for name, line in zip(names, values, strict=True)]

    if table.weighted_grid is not None and table.weighted_row_pct and table.weighted_col_pct:
        # Weighting on: the weighted sums and shares, with the unweighted n as its own block.
        return [
            (_("Anzahl gewichtet"), grid([[_rounded(v) for v in line] for line in table.weighted_grid])),
            (
                _("Zeilenprozente gewichtet"),
                grid([[_rounded(v) for v in line] for line in table.weighted_row_pct]),
            ),
            (
                _("Spaltenprozente gewichtet"),
                grid([[_rounded(v) for v in line] for line in table.weighted_col_pct]),
            ),
            (_("n ungewichtet"), grid(table.grid)),
            (_("Signifikanztest"), test_rows(table)),
        ]
    return [
        (_("Anzahl"), grid(table.grid)),
        (_("Zeilenprozente"), grid([[_rounded(v) for v in line] for line in table.row_pct])),
        (_("Spaltenprozente"), grid([[_rounded(v) for v in line] for line in table.col_pct])),
        (_("Signifikanztest"), test_rows(table)),
    ]


def test_rows(table: CrossTable) -> list[list]:
    """The chi-square test and the notes a reader of the file needs."""
    rows: list[list] = [
        [_("Angabe"), _("Wert")],
        [_("Zeilen"), label(table.row_question, table.row_number, True)],
        [_("Spalten"), label(table.col_question, table.col_number, True)],
    ]
    test = table.test
    if test is None:
        rows.append([_("Chi-Quadrat-Test"), table.no_test])
    else:
        name = _("Chi-Quadrat (Rao-Scott-korrigiert)") if test.corrected else _("Chi-Quadrat (Pearson)")
        rows += [
            [name, round(test.statistic, 3)],
            [_("Freiheitsgrade"), test.df],
            [_("p-Wert"), float(f"{test.p:.4g}")],
            [_("Cramérs V"), round(test.cramers_v, 3)],
            [_("Zellen mit erwarteter Häufigkeit unter 5"), f"{test.small_expected} / {test.cells}"],
        ]
    if test is not None and test.corrected:
        rows.append(
            [
                _("Hinweis"),
                _(
                    "Gewichtete Daten: Chi-Quadrat der gewichteten Anteile (auf die ungewichtete Zahl der "
                    "Befragten bezogen), geteilt durch den Designeffekt %(deff)s (Rao-Scott-Korrektur erster "
                    "Ordnung).",
                    deff=format_decimal(round(test.design_effect, 2), format="0.00"),
                ),
            ]
        )
    if table.mentions:
        rows.append([_("Hinweis"), _("Mehrfachnennungen: Summen zählen Nennungen, nicht Personen.")])
    return rows


def csv_file(table: CrossTable) -> Iterator[bytes]:
    """German CSV: the blocks one below the other, each under its title, a blank line between."""

    def cell(value):
        if isinstance(value, str):
            return defuse(value)
        return decimal_text(value, True) if isinstance(value, float) else value

    def rows():
        for index, (title, lines) in enumerate(blocks(table)):
            if index:
                yield []
            yield [defuse(title)]
            for line in lines:
                yield [cell(value) for value in line]

    return csv_chunks(rows(), german=True)


def xlsx_file(table: CrossTable) -> Iterator[bytes]:
    """XLSX, one sheet per block (the survey's title is in the file name)."""
    return spooled(_write_workbook, blocks(table))


def _write_workbook(target, parts: list[tuple[str, list[list]]]) -> None:
    names: list[str] = []
    for part, _rows in parts:
        names.append(sheet_name(part, set(names)))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
            for i in range(1, len(parts) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(parts) + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            f'{relations}<Relationship Id="rId{len(parts) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        for index, (_part, rows) in enumerate(parts, start=1):
            path, first = f"xl/worksheets/sheet{index}.xml", index == 1
            if index == len(parts):  # the test: names and sentences
                _write_sheet(archive, path, rows, [40, 60], {0, 1}, first, False)
                continue
            width = max(len(row) for row in rows)
            widths = [max(14, min(max(len(str(row[0])) for row in rows) + 2, 50))] + [14] * (width - 1)
            _write_sheet(archive, path, rows, widths, {0}, first, False)
        sheets = "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(names, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets></workbook>",
        )
