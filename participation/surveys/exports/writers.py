"""File writers: CSV (German Excel and RFC 4180), XLSX (openpyxl write-only), ODS (XML written as a stream).

CSV is produced chunk by chunk while the response is sent. XLSX and ODS are zip files: they are written
row by row into a temporary file (memory stays flat) and sent once complete, so a failure is reported as
an error page and never as a half file.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import suppress
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 500
# Characters XML 1.0 cannot carry (validated input never has them; defence in depth).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def defuse(text: str) -> str:
    """CSV: text a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def decimal_text(value, comma: bool) -> str:
    """A number as text with the chosen decimal mark, never in exponent notation."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    text = format(value.normalize() if isinstance(value, Decimal) else value, "f")
    return text.replace(".", ",") if comma else text


def csv_chunks(rows: Iterable[list], *, german: bool) -> Iterator[bytes]:
    """German: BOM, `;`, decimal comma. Technical: `,`, decimal point. Both CRLF, quoted where needed.

    The rows must be CSV-ready (text, int or None: see columns.iter_table with csv_comma).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if german else ",", lineterminator="\r\n")
    if german:
        buffer.write("\ufeff")
    for index, row in enumerate(rows, start=1):
        writer.writerow(row)
        if index % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def sheet_title(title: str) -> str:
    """Spreadsheet sheet names: at most 31 characters, none of []:*?/\\ (Excel refuses them)."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip().strip("'") or "Antworten"
    return cleaned[:31].strip() or "Antworten"


def write_xlsx(target, title: str, rows: Iterable[list], codebook: Iterable[list]) -> None:
    """Typed cells in write-only mode: text is always a text cell (never a formula), numbers stay numbers."""
    from openpyxl import Workbook  # deferred: openpyxl is heavy, and only XLSX downloads need it

    workbook = Workbook(write_only=True)
    try:
        _fill_xlsx(workbook, title, rows, codebook)
    except BaseException:
        for sheet in workbook.worksheets:
            with suppress(Exception):  # release the temporary files of the half-written sheets
                sheet.close()
        raise
    workbook.save(target)


def _fill_xlsx(workbook, title, rows, codebook) -> None:
    # deferred: openpyxl is heavy, and only XLSX downloads need it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # deferred: as above

    for name, data in ((sheet_title(title), rows), ("Codebuch", codebook)):
        sheet = workbook.create_sheet(name)
        for row in data:
            cells = []
            for value in row:
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                    cell.data_type = "s"  # a leading "=" must not turn into a formula
                elif isinstance(value, date):
                    # openpyxl writes dates as they are; its stubs name only datetime
                    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
                    cell.number_format = "YYYY-MM-DD"
                elif isinstance(value, Decimal):
                    cell = WriteOnlyCell(sheet, value=float(value))
                else:
                    cell = WriteOnlyCell(sheet, value=value)
                cells.append(cell)
            sheet.append(cells)


# --- ODS ----------------------------------------------------------------------------------------

_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">\n'
    ' <manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>\n'
    ' <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>\n'
    ' <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>\n'
    ' <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>\n'
    "</manifest:manifest>\n"
)
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'office:version="1.2"'
)
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_NS}>'
    "<office:styles/></office:document-styles>\n"
)
_META = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_NS}><office:meta>'
    "<meta:generator>Verwaltung 2.0</meta:generator></office:meta></office:document-meta>\n"
)
_CONTENT_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>'
    "<office:automatic-styles>"
    '<number:date-style style:name="isodate"><number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
    "</number:date-style>"
    '<style:style style:name="cdate" style:family="table-cell" style:data-style-name="isodate"/>'
    "</office:automatic-styles><office:body><office:spreadsheet>"
)
_CONTENT_TAIL = "</office:spreadsheet></office:body></office:document-content>\n"


def _ods_text(text: str) -> str:
    """A paragraph keeping line breaks, tabs and runs of spaces (ODF collapses whitespace otherwise)."""
    text = _XML_INVALID.sub("", text)
    lines = []
    for line in text.split("\n"):
        out = []
        for part in re.split(r"( {2,}|\t|^ )", line):
            if not part:
                continue
            if part == "\t":
                out.append("<text:tab/>")
            elif part.startswith(" ") and part.strip() == "" and (len(part) > 1 or not out):
                out.append(f'<text:s text:c="{len(part)}"/>')
            else:
                out.append(escape(part))
        lines.append("".join(out))
    return "<text:p>" + "<text:line-break/>".join(lines) + "</text:p>"


def _ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | Decimal | float):
        number = decimal_text(value, False)
        return (
            f'<table:table-cell office:value-type="float" office:value="{number}">'
            f"<text:p>{number}</text:p></table:table-cell>"
        )
    if isinstance(value, date):
        iso = value.isoformat()
        return (
            f'<table:table-cell table:style-name="cdate" office:value-type="date" office:date-value="{iso}">'
            f"<text:p>{iso}</text:p></table:table-cell>"
        )
    # Always a string cell: no table:formula attribute, so "=SUM(...)" stays text.
    return f'<table:table-cell office:value-type="string">{_ods_text(str(value))}</table:table-cell>'


def _ods_table(name: str, rows: Iterable[list]) -> Iterator[str]:
    yield f"<table:table table:name={quoteattr(name)}>"
    for row in rows:
        yield "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
    yield "</table:table>"


def write_ods(target, title: str, rows: Iterable[list], codebook: Iterable[list]) -> None:
    """An OpenDocument spreadsheet; content.xml is written into the zip row by row."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # The mimetype entry comes first and uncompressed, so tools can recognise the file type.
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
        archive.writestr("styles.xml", _STYLES)
        archive.writestr("meta.xml", _META)
        with archive.open("content.xml", "w", force_zip64=True) as content:
            pending: list[str] = [_CONTENT_HEAD]
            for table in (_ods_table(sheet_title(title), rows), _ods_table("Codebuch", codebook)):
                for piece in table:
                    pending.append(piece)
                    if len(pending) >= CHUNK_ROWS:
                        content.write("".join(pending).encode("utf-8"))
                        pending.clear()
            pending.append(_CONTENT_TAIL)
            content.write("".join(pending).encode("utf-8"))


def spooled(writer, *args) -> Iterator[bytes]:
    """Write a zip format into a temporary file first; returns a generator of its bytes."""
    handle = tempfile.TemporaryFile()
    try:
        writer(handle, *args)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise

    def chunks() -> Iterator[bytes]:
        with handle:
            while block := handle.read(64 * 1024):
                yield block

    return chunks()
