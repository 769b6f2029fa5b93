"""Core's command-line tool: `serve`, the development server that logs no addresses."""

from __future__ import annotations

import werkzeug.serving
from werkzeug.test import EnvironBuilder


def test_serve_hands_the_real_app_to_the_server_and_logs_no_address(app, cli, monkeypatch):
    """`make run` uses `flask serve`: the server thread must get an app it can call without a context."""
    captured = {}

    def fake_run_simple(host, port, application, request_handler=None, threaded=False):
        captured.update(host=host, port=port, app=application, handler=request_handler)

    monkeypatch.setattr(werkzeug.serving, "run_simple", fake_run_simple)
    result = cli("serve", "--host", "127.0.0.1", "--port", "5999")
    assert result.exit_code == 0, result.output
    assert captured["port"] == 5999
    # Called like the server thread does: no application context is active here.
    environ = EnvironBuilder(path="/impressum").get_environ()
    statuses = []
    body = b"".join(captured["app"](environ, lambda status, headers, exc_info=None: statuses.append(status)))
    assert statuses == ["200 OK"] and b"Impressum" in body
    assert captured["handler"].address_string(object.__new__(captured["handler"])) == "-"
