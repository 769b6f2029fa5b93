"""Full request cost of the start and login pages vs a minimal Flask page, and SQL queries per page."""

from __future__ import annotations

import tempfile
import timeit

from flask import Flask, render_template_string
from sqlalchemy import event

from participation import create_app
from participation.extensions import db


def _baseline_client():
    app = Flask("baseline")

    @app.route("/")
    def index():
        return render_template_string(
            "<!doctype html><title>x</title><h1>{{ name }}</h1>", name="Musterstadt"
        )

    return app.test_client()


def run() -> dict[str, float]:
    """Time GET / and GET /konto/anmelden against a bare Flask page rendered in the same run."""
    tmp = tempfile.mkdtemp(prefix="bench-pages-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    baseline = _baseline_client()
    rounds = 300
    base = min(timeit.repeat(lambda: baseline.get("/"), number=rounds, repeat=3))
    results: dict[str, float] = {}
    for name, path in (("home", "/"), ("login", "/konto/anmelden")):
        client.get(path)
        statements.clear()
        client.get(path)
        results[f"page_{name}_queries"] = len(statements)
        measured = min(timeit.repeat(lambda p=path: client.get(p), number=rounds, repeat=3))
        results[f"page_{name}_ratio"] = round(measured / base, 2)
    return results
