"""Security headers on every response, the check that keeps redirects on this site, the body limit."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, Response, current_app

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def is_safe_next(target: str | None) -> bool:
    """True only for a path on this site ("/x"), never "//host", "/\\host" or a scheme."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(char) < 32 or char == "\\" for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str) -> str:
    """The local target, or the fallback when the target would leave the site."""
    return target if target is not None and is_safe_next(target) else fallback


def add_security_headers(response: Response) -> Response:
    """Strict CSP and friends on every response, static files included."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html":
        # Pages can show personal data (profile, admin lists): never keep them in shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


CHUNK_SIZE = 64 * 1024


class ChunkedBodyLimit:
    """WSGI middleware: a chunked body over MAX_CONTENT_LENGTH gets the same 413 as a too long Content-Length.

    Werkzeug caps a body without Content-Length at the limit by silently truncating it, so a 20 MB
    chunked form arrived cut off (and failed the CSRF check with a misleading 400). This reads such a
    body up to one chunk past the limit and hands it on with its real length, so Werkzeug's own check
    of Content-Length answers 413 (with the German error page) before anything parses it.
    """

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Buffer a chunked body (the server has decoded the chunks) and give it a Content-Length."""
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        # Servers that decode chunked bodies say so with wsgi.input_terminated (gunicorn, Werkzeug).
        if limit is not None and chunked and environ.get("wsgi.input_terminated"):
            stream = environ["wsgi.input"]
            body = io.BytesIO()
            while body.tell() <= limit:
                data = stream.read(CHUNK_SIZE)
                if not data:
                    break
                body.write(data)
            # Past the limit the rest is not read: Werkzeug answers 413 from CONTENT_LENGTH alone.
            environ["CONTENT_LENGTH"] = str(body.tell())
            del environ["HTTP_TRANSFER_ENCODING"]
            body.seek(0)
            environ["wsgi.input"] = body
        return self.wsgi_app(environ, start_response)


def init_security(app: Flask) -> None:
    """Register the header hook and the body limit for chunked requests."""
    app.after_request(add_security_headers)
    # Flask documents wrapping wsgi_app as the way to add middleware; its stubs type it as a method.
    app.wsgi_app = ChunkedBodyLimit(app, app.wsgi_app)  # type: ignore[method-assign]
