"""Site-wide search: the index table, PostgreSQL's German tsvector with its GIN index, SQLite's FTS5.

Written by hand. One row per document an anonymous visitor may read (project, survey, published
wiki page, published comment); participation/core/fulltext keeps it in step with every write.
PostgreSQL stems with its 'german' configuration into a stored generated column; SQLite keeps the
same Snowball stems (made in Python) in `stems`, indexed by an external-content FTS5 table that
triggers keep in step. The DDL is the same as in participation/core/fulltext/models.py (for
create_all). The index starts empty: `flask --app app search reindex` fills it (`make run` does so
after seeding). A later batch migration of this table on SQLite must recreate the triggers.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 09:00:00

"""

import sqlalchemy as sa
from alembic import op

import participation.core.types

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

POSTGRES_DDL = (
    "ALTER TABLE search_documents ADD COLUMN fts tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('german'::regconfig, title), 'A') || "
    "to_tsvector('german'::regconfig, body)) STORED",
    "CREATE INDEX ix_search_documents_fts ON search_documents USING gin (fts)",
)
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


def upgrade():
    op.create_table(
        "search_documents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("title_stems", sa.Text(), nullable=True),
        sa.Column("stems", sa.Text(), nullable=True),
        sa.Column("dated_at", participation.core.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("kind", "ref_id", name=op.f("uq_search_documents_kind_ref_id")),
    )
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_DDL if dialect == "postgresql" else SQLITE_DDL if dialect == "sqlite" else ():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_documents")
