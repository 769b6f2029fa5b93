"""/api/v1/surveys/<id>/responses/<format>: a survey's raw responses as the export files, for a token.

The same files a planner downloads from the export page with its default options (the technical CSV's
rows): same writers, same names, same media types. The token is checked first, alone (one query); then
the use is audit-logged and committed before a row is read, as the export page does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from flask import Response, abort
from flask_babel import force_locale
from flask_babel import gettext as _

from participation.api.http import api_locale, problem
from participation.api.responses import api_options, readable_survey, record_use
from participation.api.tokens import authenticate
from participation.api.views import bp
from participation.core.downloads import attachment_headers
from participation.surveys.exports.columns import warm
from participation.surveys.exports.files import file_chunks
from participation.surveys.exports.naming import export_filename
from participation.surveys.exports.spss import sav_fits
from participation.surveys.exports.views import BROKEN_MARKER, FORMATS
from participation.surveys.services import today

logger = logging.getLogger(__name__)


def _guarded(first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    # After the first byte the status cannot change: a failure leaves the export's visible marker.
    yield first
    try:
        yield from chunks
    except Exception:
        logger.exception("API export failed while streaming")
        yield BROKEN_MARKER.encode("utf-8")
        raise


def _too_large() -> Response:
    with force_locale(api_locale()):
        return problem(
            422,
            _("Datei zu groß"),
            _(
                "Für eine SPSS-Datei hat diese Umfrage zu viele Antworten. Bitte die technische CSV "
                "und das Codebuch abrufen; SPSS liest beide ein."
            ),
        )


@bp.get("/surveys/<int(max=9223372036854775807):survey_id>/responses/<fmt>")
def survey_response_file(survey_id: int, fmt: str):
    """A survey's raw responses as one of the export files, for a token that may read the survey."""
    token = authenticate(survey_id)  # first: a refused request reads no survey and no answer
    if fmt not in FORMATS:
        abort(404)
    survey = readable_survey(token, survey_id)
    options = api_options(survey)
    if fmt == "sav" and not sav_fits(survey, options):
        return _too_large()
    record_use(token, survey, format=fmt)
    warm(survey)  # the file is read on after the request's session has closed
    chunks = file_chunks(survey, fmt, options)
    first = next(chunks, b"")  # errors before the first byte become a 500 problem, not an empty file
    name, extension, mimetype = FORMATS[fmt]
    headers = attachment_headers(export_filename(survey.title, survey.id, today(), name, extension))
    headers["Cache-Control"] = "private, no-store"
    return Response(_guarded(first, chunks), mimetype=mimetype, headers=headers)
