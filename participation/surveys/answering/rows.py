"""Multi-row INSERTs of responses and answers: one statement each, compiled once per shape.

SQLAlchemy does not cache the compiled form of `insert().values([...several rows...])` (its cache key
is None), so building and compiling the statement for a submission's 18 answers cost 6–9 ms of CPU,
and for a batch of 200 answers some 100 ms. Instead:

- PostgreSQL: `INSERT INTO t (a, b) SELECT * FROM unnest(CAST(:a AS type[]), CAST(:b AS type[]))`, one
  array parameter per column. The statement's text is the same for 1 or 2,000 rows, so SQLAlchemy and
  psycopg prepare it once; unnest yields the rows in array order, so the order on disk is the list's.
- Other databases (SQLite): `INSERT ... VALUES (...), (...)` as a text statement with typed bind
  parameters, kept per (table, columns, number of rows); SQLAlchemy caches its compiled form.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Numeric, Table, TextClause, bindparam, text

from participation.extensions import db

# Rows per INSERT ... VALUES: far below SQLite's 32,766 bound parameters at ten columns.
ROWS_PER_INSERT = 1_000


def insert_rows(model, rows: list[dict]) -> None:
    """Insert rows (all with the same keys) in their order: one statement (SQLite: per 1,000 rows)."""
    if not rows:
        return
    table: Table = model.__table__
    names = tuple(rows[0])
    dialect = db.session.get_bind().dialect
    if dialect.name == "postgresql":
        statement = _unnest_insert(table, names, dialect)
        db.session.execute(statement, {name: _array(table, name, rows) for name in names})
        return
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        parameters = {f"{name}_{n}": row[name] for n, row in enumerate(chunk) for name in names}
        db.session.execute(_values_insert(table, names, len(chunk)), parameters)


def _array(table: Table, name: str, rows: list[dict]) -> list[Any]:
    """One column's values; psycopg refuses arrays of mixed types, so numbers all become Decimal."""
    values = [row[name] for row in rows]
    if isinstance(table.c[name].type, Numeric):
        return [v if v is None or isinstance(v, Decimal) else Decimal(str(v)) for v in values]
    return values


@lru_cache(maxsize=32)
def _unnest_insert(table: Table, names: tuple[str, ...], dialect) -> TextClause:
    """INSERT ... SELECT * FROM unnest(one typed array per column)."""
    quote = dialect.identifier_preparer.quote
    arrays = ", ".join(f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in names)
    columns = ", ".join(quote(name) for name in names)
    return text(f"INSERT INTO {quote(table.name)} ({columns}) SELECT * FROM unnest({arrays})")


@lru_cache(maxsize=256)
def _values_insert(table: Table, names: tuple[str, ...], count: int) -> TextClause:
    """INSERT ... VALUES with `count` rows of typed parameters (name_0, name_1 …)."""
    columns = ", ".join(names)
    values = ", ".join("(" + ", ".join(f":{name}_{n}" for name in names) + ")" for n in range(count))
    parameters = [bindparam(f"{name}_{n}", type_=table.c[name].type) for n in range(count) for name in names]
    return text(f"INSERT INTO {table.name} ({columns}) VALUES {values}").bindparams(*parameters)
