"""The API's HTTP conventions: JSON with ETag, problem+json errors, keyset cursors, page sizes, CORS."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Response, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from participation.extensions import limiter

DEFAULT_LIMIT = 20
LIMIT_PATTERN = re.compile(r"[0-9]{1,3}")
MAX_LIMIT = 100
API_LOCALES = ("de", "en")
# The API answers only GET (and HEAD/OPTIONS): a browser on any site may read it, never with cookies.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, Accept-Language",
    "Access-Control-Expose-Headers": "ETag, Link, Retry-After",
}


class BadParameter(ValueError):
    """A query parameter the API cannot use; its message is a lazy string, read in the API's language."""


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with offset; stored times are UTC (naive ones are UTC too)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def api_locale() -> str:
    """German unless the client prefers English (Accept-Language), for problem texts."""
    return request.accept_languages.best_match(API_LOCALES, default="de") or "de"


def json_response(payload: Any, *, links: dict[str, str] | None = None) -> Response:
    """JSON with a strong ETag over its bytes; If-None-Match that matches gives 304 without a body."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    if links:
        response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    response.headers["Cache-Control"] = "public, max-age=60"
    response.make_conditional(request)  # turns it into a 304 in place when If-None-Match matches
    return response


def problem(status: int, title: str, detail: str | None = None) -> Response:
    """An RFC 9457 problem document; title and detail are already in the client's language."""
    payload: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        payload["detail"] = detail
    response = Response(
        json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/problem+json"
    )
    response.headers["Content-Language"] = api_locale()
    return response


def http_problem(error: HTTPException) -> Response:
    """Any HTTP error inside the API as problem+json in German or English."""
    status = error.code or 500
    with force_locale(api_locale()):
        title, detail = _problem_texts(status)
        response = problem(status, title, detail)
    if status == 429:
        response.headers["Retry-After"] = str(retry_after())
    if status == 405:
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
    return response


def retry_after() -> int:
    """Seconds until the exceeded limit's window resets (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def _problem_texts(status: int) -> tuple[str, str]:
    texts = {
        400: (_("Ungültige Anfrage"), _("Ein Parameter der Anfrage ist ungültig.")),
        404: (_("Nicht gefunden"), _("Diese Ressource gibt es nicht oder sie ist nicht öffentlich.")),
        405: (_("Methode nicht erlaubt"), _("Die API kann nur gelesen werden (GET).")),
        429: (_("Zu viele Anfragen"), _("Bitte warten Sie, bevor Sie weitere Anfragen senden.")),
    }
    return texts.get(status, (_("Fehler"), _("Die Anfrage konnte nicht beantwortet werden.")))


def bad_request_title() -> str:
    """The title of a 400 problem, in the current locale."""
    return _problem_texts(400)[0]


def page_limit() -> int:
    """The `limit` parameter: 1 … 100, default 20."""
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not LIMIT_PATTERN.fullmatch(raw) or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadParameter(_l("„limit“ muss eine ganze Zahl von 1 bis %(max)s sein.", max=MAX_LIMIT))
    return int(raw)


def _key_int(value: Any) -> bool:
    # bool is an int in Python; ids beyond 64 bits would overflow PostgreSQL's bigint.
    return type(value) is int and 0 <= value < 2**63


def encode_cursor(values: list[Any]) -> str:
    """An opaque cursor: the last row's sort key, base64url JSON."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(size: int, valid: Callable[[Any], bool] = _key_int) -> list[Any] | None:
    """The `cursor` parameter back as the sort key it holds (`size` values), None when absent."""
    raw = request.args.get("cursor")
    if raw is None:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != size or not all(valid(v) for v in values):
        raise BadParameter(_l("„cursor“ ist ungültig: Bitte den Link „next“ der vorigen Seite verwenden."))
    return values


def page(items: list[dict[str, Any]], rows: list[Any], limit: int, key, **args: Any) -> Response:
    """A list page: `items`, `next` (cursor URL or null) and a Link header; rows holds limit + 1 at most."""
    links: dict[str, str] = {}
    next_url = None
    if len(rows) > limit:
        cursor = encode_cursor(key(rows[limit - 1]))
        params: dict[str, Any] = dict(request.view_args or {})
        params.update((k, v) for k, v in request.args.items() if k != "cursor")
        params.update(args, cursor=cursor)
        next_url = url_for(request.endpoint or "", **params)
        links["next"] = next_url
    return json_response({"items": items[:limit], "next": next_url}, links=links)
