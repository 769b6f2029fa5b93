"""Bodies over MAX_CONTENT_LENGTH get 413, with a Content-Length or chunked (no silent truncation)."""

from __future__ import annotations

import io
import re
import socket

from tests.conftest import csrf_token
from tests.ops.servers import gunicorn

TOO_LARGE = "Eingabe zu groß"
FORM = "application/x-www-form-urlencoded"


def chunked_post(port: int, path: str, size: int, chunk: int = 64 * 1024) -> tuple[int, str]:
    """Send a chunked form of `size` bytes like a client that does not know the length; (status, page)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {FORM}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode()
        )
        try:
            for _ in range(size // chunk):
                connection.sendall(b"%x\r\n" % chunk + b"a" * chunk + b"\r\n")
            connection.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered early and closed: read its answer
        answer = b""
        while chunk_read := connection.recv(65536):
            answer += chunk_read
    status = int(answer.split(b" ", 2)[1])
    return status, answer.decode("utf-8", "replace")


def test_the_limit_is_the_configured_one(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 4 * 1024 * 1024


def test_content_length_over_the_limit_gets_413(app, client):
    body = b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/sprache", data=body, content_type=FORM)
    assert response.status_code == 413
    assert TOO_LARGE in response.get_data(as_text=True)


def test_chunked_body_over_the_limit_gets_413_not_a_truncated_form(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    # What gunicorn and Werkzeug's server hand on for a chunked request: decoded, no Content-Length.
    chunked = {"wsgi.input_terminated": True}
    for size in (limit + 1, 5 * limit):
        response = client.post(
            "/sprache", input_stream=io.BytesIO(b"a" * size), content_type=FORM,
            headers={"Transfer-Encoding": "chunked"}, environ_overrides=chunked,
        )  # fmt: skip
        assert response.status_code == 413, size
        assert TOO_LARGE in response.get_data(as_text=True)


def test_chunked_form_within_the_limit_is_read_whole(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    token = csrf_token(client)
    # The CSRF token comes last: a truncated body would lose it and fail with 400.
    body = b"filler=" + b"a" * (limit - 200) + b"&language=en&next=%2F&csrf_token=" + token.encode()
    assert len(body) <= limit
    response = client.post(
        "/sprache", input_stream=io.BytesIO(body), content_type=FORM,
        headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True},
    )  # fmt: skip
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["language"] == "en"


def test_gunicorn_answers_a_20_mb_chunked_post_with_413(tmp_path, keep_limiter):
    with gunicorn(tmp_path) as server:
        for path in ("/sprache", "/konto/anmelden"):
            status, page = chunked_post(server.port, path, 20 * 1024 * 1024)
            assert status == 413, page[:2000]
            assert TOO_LARGE in page and "abgelaufen" not in page
        # A small chunked form still arrives whole (here without a token: the CSRF check's own 400).
        status, page = chunked_post(server.port, "/sprache", 64 * 1024)
        assert status == 400 and re.search("abgelaufen", page)
