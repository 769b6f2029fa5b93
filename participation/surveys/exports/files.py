"""One export file's bytes by format: the export page and the API's token downloads write the same files."""

from __future__ import annotations

from collections.abc import Iterator

from participation.surveys.exports.codebook import codebook
from participation.surveys.exports.columns import ExportOptions, columns, iter_table
from participation.surveys.exports.json_export import json_chunks
from participation.surveys.exports.ods import write_ods
from participation.surveys.exports.spss import write_sav
from participation.surveys.exports.writers import csv_chunks, defuse, spooled
from participation.surveys.exports.xlsx import write_xlsx
from participation.surveys.models import Survey


def file_chunks(survey: Survey, fmt: str, options: ExportOptions) -> Iterator[bytes]:
    """The bytes of one export file in the format `fmt` (a key of exports.views.FORMATS)."""
    if fmt in ("xlsx", "ods"):
        writer = write_xlsx if fmt == "xlsx" else write_ods
        table = iter_table(survey, options)
        book = codebook(survey, options.weights)
        return spooled(writer, survey.title, columns(survey, options), table, book)
    if fmt == "codebuch":
        book = codebook(survey, options.weights)
        rows = ([defuse(v) if isinstance(v, str) else v for v in row] for row in book)
        return csv_chunks(rows, german=False)
    if fmt == "sav":
        return spooled(write_sav, survey, options)
    if fmt == "json":
        return json_chunks(survey, options)
    german = fmt == "csv"
    return csv_chunks(iter_table(survey, options, csv_comma=german), german=german)
