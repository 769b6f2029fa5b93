"""Multi-row INSERTs of responses and answers: one statement each, compiled once per shape.

SQLAlchemy does not cache the compiled form of `insert().values([...several rows...])` (its cache key
is None), so building and compiling the statement for a submission's 18 answers cost 6–9 ms of CPU,
and for a batch of 200 answers some 100 ms. Instead:

- PostgreSQL: `INSERT INTO t (a, b) SELECT * FROM unnest(CAST(:a AS type[]), CAST(:b AS type[]))`, one
  array parameter per column. The statement's text is the same for 1 or 2,000 rows, so SQLAlchemy and
  psycopg prepare it once; unnest yields the rows in array order, so the order on disk is the list's.
- Other databases (SQLite): `INSERT ... VALUES (...), (...)` as a text statement with typed bind
  parameters, kept per (table, columns, number of rows); SQLAlchemy caches its compiled form.

`insert_with_children` writes rows and the rows that refer to them (a response and its answers): on
PostgreSQL in one statement, the first INSERT in a WITH clause (its foreign keys are checked at the
statement's end, when both are written), one round trip fewer per submission; elsewhere one after the other.
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


def insert_with_children(model, rows: list[dict], child_model, child_rows: list[dict]) -> None:
    """Insert rows, then the child rows referring to them: one statement on PostgreSQL."""
    dialect = db.session.get_bind().dialect
    if dialect.name != "postgresql" or not rows or not child_rows:
        insert_rows(model, rows)
        insert_rows(child_model, child_rows)
        return
    table, child_table = model.__table__, child_model.__table__
    names, child_names = tuple(rows[0]), tuple(child_rows[0])
    parameters = {f"p_{name}": _array(table, name, rows) for name in names}
    parameters |= {f"c_{name}": _array(child_table, name, child_rows) for name in child_names}
    db.session.execute(
        _unnest_insert_with_children(table, names, child_table, child_names, dialect), parameters
    )


def _array(table: Table, name: str, rows: list[dict]) -> list[Any]:
    """One column's values; psycopg refuses arrays of mixed types, so numbers all become Decimal."""
    values = [row[name] for row in rows]
    if isinstance(table.c[name].type, Numeric):
        return [v if v is None or isinstance(v, Decimal) else Decimal(str(v)) for v in values]
    return values


def _unnest_sql(table: Table, names: tuple[str, ...], dialect, prefix: str = "") -> str:
    """INSERT ... SELECT * FROM unnest(one typed array per column), parameters named prefix + column."""
    quote = dialect.identifier_preparer.quote
    arrays = ", ".join(
        f"CAST(:{prefix}{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in names
    )
    columns = ", ".join(quote(name) for name in names)
    return f"INSERT INTO {quote(table.name)} ({columns}) SELECT * FROM unnest({arrays})"


@lru_cache(maxsize=32)
def _unnest_insert(table: Table, names: tuple[str, ...], dialect) -> TextClause:
    """One table's rows from one typed array per column."""
    return text(_unnest_sql(table, names, dialect))


@lru_cache(maxsize=32)
def _unnest_insert_with_children(
    table: Table, names: tuple[str, ...], child_table: Table, child_names: tuple[str, ...], dialect
) -> TextClause:
    """The parents' INSERT in a WITH clause, the children's as the statement (PostgreSQL)."""
    parents = _unnest_sql(table, names, dialect, "p_")
    return text(f"WITH parents AS ({parents}) {_unnest_sql(child_table, child_names, dialect, 'c_')}")


@lru_cache(maxsize=256)
def _values_insert(table: Table, names: tuple[str, ...], count: int) -> TextClause:
    """INSERT ... VALUES with `count` rows of typed parameters (name_0, name_1 …)."""
    columns = ", ".join(names)
    values = ", ".join("(" + ", ".join(f":{name}_{n}" for name in names) + ")" for n in range(count))
    parameters = [bindparam(f"{name}_{n}", type_=table.c[name].type) for n in range(count) for name in names]
    return text(f"INSERT INTO {table.name} ({columns}) VALUES {values}").bindparams(*parameters)
