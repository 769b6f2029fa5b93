"""The public, read-only JSON API (/api/v1): app shell, like admin; no domain imports it.

Planner tokens (item 2): models.py, tokens.py (check, create, revoke), responses.py and
response_files.py (the JSON and the export files, on this blueprint), token_views.py (the
"Zugangsschlüssel (API)" pages in the account area).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

# Imported for their routes: they register the token endpoints on bp.
from participation.api import response_files, responses  # noqa: F401
from participation.api.http import CORS_HEADERS, http_problem
from participation.api.token_views import bp as token_bp
from participation.api.tokens import bearer, digest
from participation.api.views import bp
from participation.extensions import client_key, limiter

PREFIX = "/api/v1"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def rate_key() -> str:
    """Who a request counts against: a planner token (by its hash) when one is sent, else the address."""
    secret = bearer()
    if secret is not None:
        return "api:token:" + digest(secret)
    return "api:" + client_key()


def rate_limit() -> str:
    """The API's limit per key, from API_RATE_LIMIT (read per request: operators and tests change it)."""
    return str(current_app.config.get("API_RATE_LIMIT", "120/minute"))


def _api_response(response: Response) -> Response:
    """Every answer under /api/v1: CORS for reads only; HTML error pages of routing become problem+json."""
    if not request.path.startswith(PREFIX):
        return response
    if (
        response.status_code >= 400
        and response.mimetype == "text/html"
        and request.endpoint != "api.documentation"
    ):
        response = _routing_problem(response)
    if request.method in READ_METHODS:
        response.headers.update(CORS_HEADERS)
        response.vary.add("Accept-Language")
    return response


def _routing_problem(response: Response) -> Response:
    # An unknown path or method is answered by the app's HTML error page before our blueprint is found.
    error = HTTPException()
    error.code = response.status_code
    replaced = http_problem(error)
    for name in ("Allow", "Retry-After"):
        if name in response.headers and name not in replaced.headers:
            replaced.headers[name] = response.headers[name]
    return replaced


# Every API view counts against the limit (once, at import: a blueprint is set up before registration).
limiter.limit(rate_limit, key_func=rate_key)(bp)


def init_app(app: Flask) -> None:
    """Register the API blueprint (rate limit and problem+json errors come with it) and its CORS headers."""
    app.register_blueprint(bp)
    app.register_blueprint(token_bp)
    app.after_request(_api_response)
