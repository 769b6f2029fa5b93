"""Export downloads (planners and admins): streamed, audit-logged, failures reported as failures."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from flask import Response as HttpResponse
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.core import audit
from participation.core.downloads import attachment_headers
from participation.core.permissions import require
from participation.extensions import db
from participation.surveys.exports.columns import ExportOptions, warm
from participation.surveys.exports.files import file_chunks
from participation.surveys.exports.naming import export_filename
from participation.surveys.exports.spss import sav_fits
from participation.surveys.models import CHANNEL_LABELS
from participation.surveys.policy import can_export_results
from participation.surveys.results.filters import read_filter
from participation.surveys.services import today
from participation.surveys.views import bp, load_survey
from participation.surveys.weighting.service import survey_weights

# format -> (name in the file name, extension, media type)
FORMATS = {
    "csv": ("csv-excel", "csv", "text/csv"),  # Werkzeug adds "; charset=utf-8" to text/* types
    "csv-technisch": ("csv-technisch", "csv", "text/csv"),
    "xlsx": ("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ods": ("ods", "ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "json": ("json", "json", "application/json"),
    "sav": ("spss", "sav", "application/x-spss-sav"),
    "codebuch": ("codebuch", "csv", "text/csv"),  # for R and other tools next to the technical CSV
}
logger = logging.getLogger(__name__)
BROKEN_MARKER = "\r\n### EXPORT ABGEBROCHEN – DIESE DATEI IST UNVOLLSTÄNDIG ###\r\n"


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = request.values.get(name, allowed[0])
    return value if value in allowed else allowed[0]


def read_options(survey) -> ExportOptions:
    """Options from the export form; unknown values fall back to the defaults."""
    return ExportOptions(
        answers=_choice("antworten", ("labels", "codes")),
        # "beides" was a choice before the headers carried the code anyway: it now means "texte".
        headers="codes" if _choice("kopf", ("texte", "codes", "beides")) == "codes" else "texts",
        multiple=_choice("mehrfach", ("spalten", "verbunden", "beides"))
        .replace("spalten", "columns")
        .replace("verbunden", "joined")
        .replace("beides", "both"),
        filter=read_filter(survey, True),
        # Weighting on: every file carries each response's weight (documented in the codebook).
        weights=survey_weights(survey),
    )


@bp.route("/verwaltung/<int:survey_id>/export")
def export_form(survey_id: int):
    """Choose format and options for a download."""
    survey = load_survey(survey_id)
    require(can_export_results(current_user, survey))
    return render_template(
        "surveys/exports/results_export.html", survey=survey, channel_labels=CHANNEL_LABELS
    )


def _failed(survey, fmt: str, error: Exception):
    current_app.logger.exception("survey export failed", exc_info=error)
    db.session.rollback()
    audit.record(current_user, "surveys.export_failed", survey, format=fmt)
    db.session.commit()
    return render_template("surveys/exports/results_export_failed.html", survey=survey), 500


def _guarded(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """After the first byte an HTTP status cannot change: a failure leaves a visible marker, then aborts."""
    try:
        yield from chunks
    except Exception:
        # No app context here any more (the request has ended): a plain module logger.
        logger.exception("survey export failed while streaming")
        yield BROKEN_MARKER.encode("utf-8")
        raise


# A POST: handing out the rows is an action on record (audit log), and reads never write.
@bp.route("/verwaltung/<int:survey_id>/export/datei", methods=["POST"])
def export_file(survey_id: int):
    """The file in the chosen format (default: CSV for German Excel)."""
    survey = load_survey(survey_id)
    require(can_export_results(current_user, survey))
    fmt = request.values.get("format", "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    options = read_options(survey)
    if fmt == "sav" and not sav_fits(survey, options):
        # Refused before anything is read or logged: the planner gets the alternative at once.
        flash(
            _(
                "Für eine SPSS-Datei hat diese Umfrage zu viele Antworten. Bitte laden Sie die "
                "technische CSV und das Codebuch herunter; SPSS liest beide ein."
            ),
            "error",
        )
        return redirect(url_for("surveys.export_form", survey_id=survey.id))
    # Logged (and committed) before the data is read, so a failed export is still on record.
    audit.record(current_user, "surveys.exported", survey, format=fmt)
    db.session.commit()
    survey = load_survey(survey_id)
    warm(survey)
    name, extension, mimetype = FORMATS[fmt]
    try:
        chunks = file_chunks(survey, fmt, options)
        first = next(chunks)  # errors before the first byte become an error page, not an empty file
    except Exception as error:  # noqa: BLE001 - any failure must be reported, whatever its cause
        return _failed(survey, fmt, error)

    def body() -> Iterator[bytes]:
        # The rows are read in batches, each on a pooled connection it gives back at once: nothing to
        # release here if the client goes away mid-download.
        yield first
        yield from _guarded(chunks)

    filename = export_filename(survey.title, survey.id, today(), name, extension)
    headers = attachment_headers(filename)
    return HttpResponse(body(), mimetype=mimetype, headers=headers)
