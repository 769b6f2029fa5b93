"""The one place with database-specific SQL shared by the domains: INSERT ... ON CONFLICT DO NOTHING."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from participation.extensions import db


def insert_unless_exists(model: Any, **values: Any) -> bool:
    """Insert a row unless a unique constraint already holds one; True when this call inserted it.

    Used instead of a savepoint (pysqlite's SAVEPOINT handling is unreliable): on PostgreSQL a
    parallel transaction inserting the same key makes this wait for it and then insert nothing.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING rather than rowcount: ORM-enabled inserts do not report a reliable rowcount on psycopg.
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(model.id)
    return db.session.execute(statement).first() is not None
