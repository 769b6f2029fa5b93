"""The demo arrives indexed, and `flask search reindex` gives the same index as the writes did."""

from __future__ import annotations

from sqlalchemy import select

from participation.core.fulltext import SearchDocument
from participation.extensions import db

from .conftest import hits


def index_rows(app) -> set[tuple[str, int, str]]:
    with app.app_context():
        rows = db.session.execute(select(SearchDocument.kind, SearchDocument.ref_id, SearchDocument.body))
        return {(row.kind, row.ref_id, row.body) for row in rows}


def test_seed_demo_is_indexed_and_reindex_changes_nothing(app, cli):
    result = cli("seed-demo")
    assert result.exit_code == 0, result.output
    written = index_rows(app)
    assert {kind for kind, _, _ in written} == {"project", "survey", "wiki", "comment"}
    with app.test_request_context():
        assert {kind for kind, _ in hits("Radwege")} >= {"project", "comment", "wiki"}
        db.session.remove()
    result = cli("search", "reindex")
    assert result.exit_code == 0, result.output
    assert index_rows(app) == written
