"""CSV writers (German Excel and RFC 4180) and what every format shares; XLSX and ODS: xlsx.py, ods.py.

CSV is produced chunk by chunk while the response is sent. XLSX and ODS are zip files: they are written
row by row into a temporary file (memory stays flat) and sent once complete, so a failure is reported as
an error page and never as a half file.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 500
# Characters XML 1.0 cannot carry (validated input never has them; defence in depth).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
