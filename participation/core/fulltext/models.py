"""The search index: one row per visible document, plus each database's own full-text structure.

PostgreSQL: a stored tsvector column `fts` (the title weighted 'A', the body unweighted) with a GIN
index. SQLite: an FTS5 table `search_fts` over the stems in `title_stems` and `stems`, kept in step
by triggers (external content), so deleting index rows (a test's cleanup, a rebuild) also empties FTS5. Both
are created by migration 0011 and, for create_all (tests, benchmarks), by the DDL below; neither is
part of the model, so migrations/env.py leaves them out of `flask db check`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.types import BigId, IdPk, UTCDateTime
from participation.extensions import Model

FTS_TABLE = "search_fts"
FTS_COLUMN = "fts"
FTS_INDEX = "ix_search_documents_fts"

# PostgreSQL: the German word forms, stored once per row so ranking never re-parses a text; a word in the
# title counts ten times one in the body (ts_rank's default weights 1.0 for A, 0.1 for D).
POSTGRES_DDL = (
    "ALTER TABLE search_documents ADD COLUMN fts tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('german'::regconfig, title), 'A') || "
    "to_tsvector('german'::regconfig, body)) STORED",
    "CREATE INDEX ix_search_documents_fts ON search_documents USING gin (fts)",
)
# SQLite: FTS5 over the Python-made stems; diacritics kept (the stems have none left anyway).
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_stems, stems, content='search_documents', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title_stems, stems) VALUES (new.id, new.title_stems, new.stems); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_stems, stems) "
    "VALUES ('delete', old.id, old.title_stems, old.stems); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_stems, stems) "
    "VALUES ('delete', old.id, old.title_stems, old.stems); "
    "INSERT INTO search_fts(rowid, title_stems, stems) VALUES (new.id, new.title_stems, new.stems); END",
)


def include_in_schema_compare(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's include_object: leave the hand-made full-text parts out of `flask db check`.

    They are PostgreSQL's stored tsvector column and its GIN index, SQLite's FTS5 table and its
    shadow tables (search_fts_data, _idx, _docsize, _config).
    """
    if type_ == "table" and (name or "").startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == FTS_COLUMN and obj.table.name == "search_documents":
        return False
    return not (type_ == "index" and name == FTS_INDEX)


class SearchDocument(Model):
    """What an anonymous visitor may read of one project, survey, wiki page or comment, as plain text."""

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[IdPk]
    # The registered source (core/fulltext/registry.py) and its object's id.
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int] = mapped_column(BigId)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # SQLite only: the German stems of title and body for FTS5 (PostgreSQL stems in `fts` itself).
    title_stems: Mapped[str | None] = mapped_column(Text)
    stems: Mapped[str | None] = mapped_column(Text)
    dated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# SQLAlchemy's DDL constructor carries no annotations; the statements are constants above.
for _statement in POSTGRES_DDL:
    event.listen(SearchDocument.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))  # type: ignore[no-untyped-call]
for _statement in SQLITE_DDL:
    event.listen(SearchDocument.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))  # type: ignore[no-untyped-call]
# Dropping the table (tests, `flask db downgrade`) takes the FTS5 table along on SQLite.
event.listen(
    SearchDocument.__table__,
    "before_drop",
    DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite"),  # type: ignore[no-untyped-call]
)
