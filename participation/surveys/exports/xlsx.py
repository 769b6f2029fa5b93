"""XLSX written as a stream: the sheet XML goes row by row into the zip, so memory stays flat.

Written by hand rather than with openpyxl or XlsxWriter: both build an object per cell, which made the
XLSX several times slower than the CSV of the same rows (XlsxWriter's constant-memory mode: about 30
times the time of csv.writer). Here a row is one string made from f-strings. The file has what a planner
needs to start at once: a bold, frozen, wrapped header row with an autofilter, column widths by content,
numbers as numbers, dates as date cells shown DD.MM.YYYY, and text always as inline text (never a formula).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from participation.surveys.exports.columns import DATE, LONG_TEXT, NUMBER, STATUS, TEXT
from participation.surveys.exports.naming import sheet_name
from participation.surveys.exports.writers import CHUNK_ROWS, XML_INVALID, decimal_text

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/worksheet" Target="worksheets/sheet2.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
# Cell styles: 0 normal, 1 header (bold, wrapped, top), 2 date DD.MM.YYYY, 3 wrapped long text.
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD.MM.YYYY"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Standard" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<sheetViews><sheetView workbookViewId="0"{selected}><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
)
# Widths in characters: (least, most) by column kind; the header's length decides in between.
WIDTHS = {NUMBER: (8, 16), DATE: (11, 16), STATUS: (14, 16), TEXT: (14, 30), LONG_TEXT: (40, 60)}
CODEBOOK_WIDTHS = [18, 50, 16, 14, 60]
MAX_ROWS = 1_048_576  # Excel opens no sheet with more rows (header included)
_LINE_PT = 15


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def widths(headers: list[str], kinds: list[str]) -> list[int]:
    """Column widths in characters from each column's kind and header."""
    result = []
    for header, kind in zip(headers, kinds, strict=True):
        least, most = WIDTHS.get(kind, WIDTHS[TEXT])
        result.append(max(least, min(len(header) + 2, most)))
    return result


def _text(value: str) -> str:
    return escape(XML_INVALID.sub("", value))


class _Sheet:
    """One worksheet's XML, written into the open zip entry in chunks of rows."""

    def __init__(self, handle, letters: list[str], wrap_columns: set[int], limit: int | None = None):
        self.handle, self.letters, self.count = handle, letters, 0
        self.wrap, self.limit = wrap_columns, limit
        self.pending: list[str] = []

    def header(self, values: list, width_list: list[int]) -> None:
        lines = max(
            (math.ceil(len(str(v)) / max(w - 1, 1)) for v, w in zip(values, width_list, strict=False) if v),
            default=1,
        )
        height = _LINE_PT * min(max(lines, 1), 4)
        self.count = 1
        cells = "".join(
            f'<c r="{col}1" s="1" t="inlineStr"><is><t xml:space="preserve">{_text(str(v))}</t></is></c>'
            for col, v in zip(self.letters, values, strict=False)
            if v is not None
        )
        self.pending.append(f'<row r="1" ht="{height}" customHeight="1">{cells}</row>')

    def row(self, values: list) -> None:
        if self.limit is not None and self.count >= self.limit:
            # A file Excel refuses to open is worse than an error page (the CSV has no such limit).
            raise ValueError(f"more than {self.limit - 1} responses do not fit one XLSX sheet")
        self.count += 1
        n = self.count
        parts = [f'<row r="{n}">']
        append = parts.append
        for index, (col, value) in enumerate(zip(self.letters, values, strict=False)):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                style = ' s="3"' if index in self.wrap else ""
                append(
                    f'<c r="{col}{n}"{style} t="inlineStr">'
                    f'<is><t xml:space="preserve">{_text(value)}</t></is></c>'
                )
            elif kind is int:
                append(f'<c r="{col}{n}"><v>{value}</v></c>')
            elif kind is date:
                append(f'<c r="{col}{n}" s="2"><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>')
            elif kind is float or kind is Decimal:
                append(f'<c r="{col}{n}"><v>{decimal_text(value, False)}</v></c>')
            elif kind is datetime:
                append(f'<c r="{col}{n}" s="2"><v>{value.date().toordinal() - _EXCEL_EPOCH}</v></c>')
            elif kind is bool:
                append(f'<c r="{col}{n}"><v>{int(value)}</v></c>')
            else:
                append(
                    f'<c r="{col}{n}" t="inlineStr">'
                    f'<is><t xml:space="preserve">{_text(str(value))}</t></is></c>'
                )
        parts.append("</row>")
        self.pending.append("".join(parts))
        if len(self.pending) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        self.handle.write("".join(self.pending).encode("utf-8"))
        self.pending.clear()


def _write_sheet(archive, path, rows, width_list, wrap, selected: bool, autofilter: bool) -> str:
    """Writes one sheet; returns the autofilter range (or "")."""
    letters = [column_letter(i) for i in range(len(width_list))]
    with archive.open(path, "w", force_zip64=True) as handle:
        head = _SHEET_HEAD.format(selected=' tabSelected="1"' if selected else "")
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(width_list, start=1)
        )
        handle.write((head + f"<cols>{cols}</cols><sheetData>").encode("utf-8"))
        sheet = _Sheet(handle, letters, wrap, MAX_ROWS if autofilter else None)
        iterator = iter(rows)
        first = next(iterator, None)
        if first is not None:
            sheet.header(first, width_list)
            for row in iterator:
                sheet.row(row)
        sheet.flush()
        span = f"A1:{letters[-1]}{max(sheet.count, 1)}" if autofilter and letters else ""
        tail = f'</sheetData><autoFilter ref="{span}"/>' if span else "</sheetData>"
        handle.write((tail + "</worksheet>").encode("utf-8"))
    return span


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def write_xlsx(
    target, title: str, columns: list[tuple[str, str, str]], rows: Iterable[list], codebook
) -> None:
    """Two sheets, the answers (named after the survey) and "Codebuch"; rows start with the header row."""
    data_name = sheet_name(title, {"Codebuch"})
    rows = iter(rows)
    header = next(rows)
    kinds = [kind for _code, _text, kind in columns]
    width_list = widths([str(h) for h in header], kinds)
    wrap = {i for i, kind in enumerate(kinds) if kind == LONG_TEXT}
    # Level 1: the sheet XML is repetitive, so the fastest level already shrinks it about tenfold.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        span = _write_sheet(
            archive, "xl/worksheets/sheet1.xml", _chain(header, rows), width_list, wrap, True, True
        )
        _write_sheet(archive, "xl/worksheets/sheet2.xml", codebook, CODEBOOK_WIDTHS, {1, 4}, False, False)
        defined = (
            f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{escape(_quoted(data_name))}!{_absolute(span)}</definedName></definedNames>"
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>'
            f'<sheet name="{escape(data_name, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
            f'<sheet name="Codebuch" sheetId="2" r:id="rId2"/></sheets>{defined}</workbook>',
        )


def _chain(first: list, rest):
    yield first
    yield from rest


def _absolute(span: str) -> str:
    """A1:K20 -> $A$1:$K$20."""
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", span)
