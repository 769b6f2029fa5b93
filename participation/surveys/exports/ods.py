"""ODS written as a stream: content.xml goes row by row into the zip, so memory stays flat.

Like the XLSX: a bold, wrapped header row that stays in view (settings.xml freezes it), an autofilter
(a database range), column widths by content, numbers as floats shown with a decimal comma, dates as
date cells shown DD.MM.YYYY, text always as a string cell (never a formula), and a "Codebuch" sheet.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from participation.surveys.exports.columns import LONG_TEXT
from participation.surveys.exports.naming import sheet_name
from participation.surveys.exports.writers import CHUNK_ROWS, XML_INVALID, decimal_text
from participation.surveys.exports.xlsx import CODEBOOK_WIDTHS, column_letter, widths

_CM_PER_CHAR = 0.2  # about one digit of a 10 pt font
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">\n'
    ' <manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>\n'
    ' <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>\n'
    ' <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>\n'
    ' <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>\n'
    ' <manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>\n'
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
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
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
_FIXED_STYLES = (
    '<number:date-style style:name="dedate"><number:day number:style="long"/><number:text>.</number:text>'
    '<number:month number:style="long"/><number:text>.</number:text><number:year number:style="long"/>'
    "</number:date-style>"
    '<style:style style:name="cdate" style:family="table-cell" style:data-style-name="dedate"/>'
    '<style:style style:name="chead" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="cwrap" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/></style:style>'
)
_CONTENT_TAIL = "</office:spreadsheet></office:body></office:document-content>\n"
_FROZEN = (
    "<config:config-item-map-entry config:name={name}>"
    '<config:config-item config:name="HorizontalSplitMode" config:type="short">0</config:config-item>'
    '<config:config-item config:name="VerticalSplitMode" config:type="short">2</config:config-item>'
    '<config:config-item config:name="HorizontalSplitPosition" config:type="int">0</config:config-item>'
    '<config:config-item config:name="VerticalSplitPosition" config:type="int">1</config:config-item>'
    '<config:config-item config:name="ActiveSplitRange" config:type="short">2</config:config-item>'
    '<config:config-item config:name="PositionTop" config:type="int">0</config:config-item>'
    '<config:config-item config:name="PositionBottom" config:type="int">1</config:config-item>'
    "</config:config-item-map-entry>"
)


def _settings(names: list[str]) -> str:
    """settings.xml: the first row of every sheet frozen (LibreOffice reads this view setting)."""
    tables = "".join(_FROZEN.format(name=quoteattr(n)) for n in names)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-settings {_NS}><office:settings>'
        '<config:config-item-set config:name="ooo:view-settings">'
        '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
        '<config:config-item config:name="ViewId" config:type="string">view1</config:config-item>'
        f'<config:config-item-map-named config:name="Tables">{tables}</config:config-item-map-named>'
        "</config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set>"
        "</office:settings></office:document-settings>\n"
    )


def _ods_text(text: str) -> str:
    """A paragraph keeping line breaks, tabs and runs of spaces (ODF collapses whitespace otherwise)."""
    text = XML_INVALID.sub("", text)
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


def _ods_cell(value, style: str = "") -> str:
    if value is None:
        return "<table:table-cell/>"
    kind = type(value)
    if kind is bool:
        value, kind = int(value), int
    if kind is int or kind is float or kind is Decimal:
        number = decimal_text(value, False)
        return (
            f'<table:table-cell office:value-type="float" office:value="{number}">'
            f"<text:p>{number.replace('.', ',')}</text:p></table:table-cell>"
        )
    if kind is date or kind is datetime:
        day = value.date() if kind is datetime else value
        return (
            f'<table:table-cell table:style-name="cdate" office:value-type="date" '
            f'office:date-value="{day.isoformat()}"><text:p>{day:%d.%m.%Y}</text:p></table:table-cell>'
        )
    # Always a string cell: no table:formula attribute, so "=SUM(...)" stays text.
    styled = f' table:style-name="{style}"' if style else ""
    return f'<table:table-cell{styled} office:value-type="string">{_ods_text(str(value))}</table:table-cell>'


def _ods_table(name: str, rows: Iterable[list], column_styles: list[str], wrap: set[int], counter: list[int]):
    """The table's XML in pieces; counter[0] ends as the number of rows written (header included)."""
    columns = "".join(f'<table:table-column table:style-name="{s}"/>' for s in column_styles)
    yield f"<table:table table:name={quoteattr(name)}>{columns}"
    iterator = iter(rows)
    header = next(iterator, None)
    if header is not None:
        cells = "".join(_ods_cell(v, "chead") for v in header)
        yield f"<table:table-header-rows><table:table-row>{cells}</table:table-row></table:table-header-rows>"
        counter[0] = 1
    for row in iterator:
        counter[0] += 1
        cells = "".join(_ods_cell(v, "cwrap" if i in wrap else "") for i, v in enumerate(row))
        yield f"<table:table-row>{cells}</table:table-row>"
    yield "</table:table>"


def _column_styles(width_lists: list[list[int]]) -> tuple[str, list[list[str]]]:
    """Automatic column styles, one per distinct width, and each table's style names."""
    names: dict[int, str] = {}
    for width_list in width_lists:
        for width in width_list:
            names.setdefault(width, f"co{len(names) + 1}")
    xml = "".join(
        f'<style:style style:name="{name}" style:family="table-column"><style:table-column-properties '
        f'style:column-width="{width * _CM_PER_CHAR + 0.2:.2f}cm"/></style:style>'
        for width, name in names.items()
    )
    return xml, [[names[w] for w in width_list] for width_list in width_lists]


def _address(name: str, columns: int, rows: int) -> str:
    sheet = "'" + name.replace("'", "''") + "'"
    return f"{sheet}.A1:{sheet}.{column_letter(max(columns, 1) - 1)}{max(rows, 1)}"


def write_ods(
    target, title: str, columns: list[tuple[str, str, str]], rows: Iterable[list], codebook
) -> None:
    """An OpenDocument spreadsheet; content.xml is written into the zip row by row."""
    data_name = sheet_name(title, {"Codebuch"})
    rows = iter(rows)
    header = next(rows)
    kinds = [kind for _code, _text, kind in columns]
    width_list = widths([str(h) for h in header], kinds)
    wrap = {i for i, kind in enumerate(kinds) if kind == LONG_TEXT}
    column_xml, (data_styles, book_styles) = _column_styles([width_list, CODEBOOK_WIDTHS])
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        # The mimetype entry comes first and uncompressed, so tools can recognise the file type.
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
        archive.writestr("styles.xml", _STYLES)
        archive.writestr("meta.xml", _META)
        archive.writestr("settings.xml", _settings([data_name, "Codebuch"]))
        with archive.open("content.xml", "w", force_zip64=True) as content:
            pending: list[str] = [
                f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>'
                f"<office:automatic-styles>{_FIXED_STYLES}{column_xml}</office:automatic-styles>"
                "<office:body><office:spreadsheet>"
            ]
            counter = [0]
            tables: list[Iterator[str]] = [
                _ods_table(data_name, _chain(header, rows), data_styles, wrap, counter),
                _ods_table("Codebuch", codebook, book_styles, {1, 4}, [0]),
            ]
            for table in tables:
                for piece in table:
                    pending.append(piece)
                    if len(pending) >= CHUNK_ROWS:
                        content.write("".join(pending).encode("utf-8"))
                        pending.clear()
            pending.append(
                '<table:database-ranges><table:database-range table:name="__Anonymous_Sheet_DB__0" '
                f"table:target-range-address={quoteattr(_address(data_name, len(header), counter[0]))} "
                'table:display-filter-buttons="true"/></table:database-ranges>'
            )
            pending.append(_CONTENT_TAIL)
            content.write("".join(pending).encode("utf-8"))


def _chain(first: list, rest):
    yield first
    yield from rest
