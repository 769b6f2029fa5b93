"""/api/v1/surveys/<id>/responses: a survey's raw responses for a planner token, as the technical CSV.

The token is checked first (one query, no survey, no answers read): a refused request costs nothing.
The rows are the technical CSV's own rows (exports.columns.iter_table with the CSV-ready cells and
the default options), so the API and the download cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from itertools import islice
from typing import cast

from flask import Response, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from participation.api.http import api_locale, decode_cursor, encode_cursor, page_limit, problem
from participation.api.models import ApiToken
from participation.api.tokens import TokenRefused, authenticate
from participation.api.views import bp
from participation.core import audit
from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.exports.columns import ExportOptions, iter_table
from participation.surveys.models import Survey
from participation.surveys.policy import can_export_results
from participation.surveys.weighting.service import survey_weights

RESPONSE_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def technical_rows(survey: Survey, after: str | None, limit: int) -> tuple[list, list[list]]:
    """The technical CSV's header and up to limit + 1 of its rows after the response id `after`."""
    # Keyset on the responses' id (the exports' own index): the page reads limit + 1 responses from
    # its cursor in one batch, never the rows of the pages before it.
    options = api_options(survey)
    # iter_table is a generator function: closing it early ends its reading of batches.
    table = cast(
        Generator[list, None, None],
        iter_table(survey, options, csv_comma=False, after=after or "", batch_size=limit + 1),
    )
    try:
        header = next(table)
        rows = list(islice(table, limit + 1))
    finally:
        table.close()  # gives nothing back to hold: each batch already returned its connection
    return header, rows


def api_options(survey: Survey) -> ExportOptions:
    """The options of every API answer: the export form's defaults, with the survey's weights when the
    planner switched weighting on (the download then carries a weight column; so does the API)."""
    return ExportOptions(weights=survey_weights(survey))


def _response_id(value) -> bool:
    return isinstance(value, str) and RESPONSE_ID.fullmatch(value) is not None


@bp.errorhandler(TokenRefused)
def refusal(error: TokenRefused) -> Response:
    """No token, an unknown, expired or revoked one (401) or one for other surveys (403): problem+json."""
    with force_locale(api_locale()):
        if error.status == 403:
            response = problem(
                403, _("Kein Zugriff"), _("Dieser Zugangsschlüssel gilt nicht für diese Umfrage.")
            )
        else:
            response = problem(
                401,
                _("Nicht angemeldet"),
                _("Bitte einen gültigen Zugangsschlüssel senden (Authorization: Bearer …)."),
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    response.headers["Cache-Control"] = "no-store"
    return response


def readable_survey(token: ApiToken, survey_id: int) -> Survey:
    """The survey of a checked token; TokenRefused(403) if it is gone or its owner may not export it."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not can_export_results(token.user, survey):
        raise TokenRefused(403, "scope")
    return survey


def record_use(token: ApiToken, survey: Survey, **details) -> None:
    """Each use of a token: its last use and an audit row, committed before any row leaves."""
    token.last_used_at = utcnow()
    audit.record(token.user, "api.token_used", survey, **details)
    db.session.commit()


@bp.get("/surveys/<int(max=9223372036854775807):survey_id>/responses")
def survey_responses(survey_id: int):
    """Raw responses of a survey for a token that may read it: the technical CSV's rows, keyset paged."""
    token = authenticate(survey_id)  # first: a refused request reads no survey and no answer
    limit, cursor = page_limit(), decode_cursor(1, _response_id)
    survey = readable_survey(token, survey_id)
    header, rows = technical_rows(survey, cursor[0] if cursor else None, limit)
    record_use(token, survey, count=len(rows[:limit]))
    next_url = None
    if len(rows) > limit:
        after = encode_cursor([rows[limit - 1][0]])
        next_url = url_for("api.survey_responses", survey_id=survey_id, limit=limit, cursor=after)
    body = json.dumps(
        {"columns": header, "items": rows[:limit], "next": next_url},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = "private, no-store"
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response
