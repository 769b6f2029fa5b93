"""Multi-row INSERTs of responses and answers: one statement each, compiled once per shape.

SQLAlchemy does not cache the compiled form of `insert().values([...several rows...])` (its cache key
is None), so building and compiling the statement for a submission's 18 answers cost 6–9 ms of CPU,
and for a batch of 200 answers some 100 ms. Instead:

- PostgreSQL: `INSERT INTO t (a, b) SELECT a, b FROM jsonb_populate_recordset(NULL::t, :rows)`, the
  rows as one JSON parameter read with the table's own column types. The statement's text is the same
  for 1 or 2,000 rows, so SQLAlchemy and psycopg prepare it once; the rows come out in array order, so
  the order on disk is the list's. (One typed array per column, unnest's way, cost twice the CPU:
  psycopg dumps arrays element by element, 0.33 against 0.17 ms for a response with 18 answers.)
- Other databases (SQLite): `INSERT ... VALUES (...), (...)` as a text statement with typed bind
  parameters, kept per (table, columns, number of rows); SQLAlchemy caches its compiled form.

`insert_with_children` writes rows and the rows that refer to them (a response and its answers), and
deletes what the write makes obsolete (the account's draft): on PostgreSQL in one statement, the first
INSERT and the DELETE in a WITH clause (foreign keys are checked at the statement's end, when both
are written), two round trips fewer per submission; elsewhere one after the other.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, delete, text

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
        db.session.execute(_json_insert(table, names, dialect), {"rows": _json(rows)})
        return
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        parameters = {f"{name}_{n}": row[name] for n, row in enumerate(chunk) for name in names}
        db.session.execute(_values_insert(table, names, len(chunk)), parameters)


def insert_with_children(
    model, rows: list[dict], child_model, child_rows: list[dict], *, delete_from: tuple | None = None
) -> None:
    """Insert rows, then the child rows referring to them, and delete the rows `delete_from` names
    ((model, {column: value}): what this write makes obsolete): one statement on PostgreSQL."""
    dialect = db.session.get_bind().dialect
    obsolete_model, where = delete_from if delete_from is not None else (None, {})
    if dialect.name != "postgresql" or not rows or not child_rows:
        insert_rows(model, rows)
        insert_rows(child_model, child_rows)
        if obsolete_model is not None:
            table = obsolete_model.__table__
            matches = [table.c[name] == value for name, value in where.items()]
            db.session.execute(delete(table).where(*matches))
        return
    table, child_table = model.__table__, child_model.__table__
    parameters = {"p_rows": _json(rows), "c_rows": _json(child_rows)}
    parameters |= {f"d_{name}": value for name, value in where.items()}
    obsolete = (obsolete_model.__table__, tuple(where)) if obsolete_model is not None else None
    statement = _json_insert_with_children(
        table, tuple(rows[0]), child_table, tuple(child_rows[0]), obsolete, dialect
    )
    db.session.execute(statement, parameters)


def _json(rows: list[dict]) -> str:
    """The rows as a JSON array (numbers as exact decimal strings, days as ISO dates)."""
    return json.dumps(rows, default=_plain, ensure_ascii=False)


def _plain(value: Any) -> str:
    if isinstance(value, Decimal | date):
        return str(value)
    raise TypeError(f"not storable as JSON: {type(value).__name__}")


def _json_sql(table: Table, names: tuple[str, ...], dialect, parameter: str) -> str:
    """INSERT ... SELECT the named columns FROM the rows of one JSON parameter, typed as the table's."""
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    rows = f"jsonb_populate_recordset(NULL::{quote(table.name)}, CAST(:{parameter} AS jsonb))"
    return f"INSERT INTO {quote(table.name)} ({columns}) SELECT {columns} FROM {rows}"


@lru_cache(maxsize=32)
def _json_insert(table: Table, names: tuple[str, ...], dialect) -> TextClause:
    """One table's rows from one JSON parameter."""
    return text(_json_sql(table, names, dialect, "rows"))


@lru_cache(maxsize=32)
def _json_insert_with_children(
    table: Table,
    names: tuple[str, ...],
    child_table: Table,
    child_names: tuple[str, ...],
    obsolete: tuple[Table, tuple[str, ...]] | None,
    dialect,
) -> TextClause:
    """The parents' INSERT (and the DELETE of obsolete rows) in a WITH clause, the children's INSERT as
    the statement (PostgreSQL runs every data-modifying part of a WITH clause, used or not)."""
    parts = [f"parents AS ({_json_sql(table, names, dialect, 'p_rows')})"]
    if obsolete is not None:
        quote = dialect.identifier_preparer.quote
        obsolete_table, columns = obsolete
        where = " AND ".join(f"{quote(column)} = :d_{column}" for column in columns)
        parts.append(f"obsolete AS (DELETE FROM {quote(obsolete_table.name)} WHERE {where})")
    return text(f"WITH {', '.join(parts)} {_json_sql(child_table, child_names, dialect, 'c_rows')}")


@lru_cache(maxsize=256)
def _values_insert(table: Table, names: tuple[str, ...], count: int) -> TextClause:
    """INSERT ... VALUES with `count` rows of typed parameters (name_0, name_1 …)."""
    columns = ", ".join(names)
    values = ", ".join("(" + ", ".join(f":{name}_{n}" for name in names) + ")" for n in range(count))
    parameters = [bindparam(f"{name}_{n}", type_=table.c[name].type) for n in range(count) for name in names]
    return text(f"INSERT INTO {table.name} ({columns}) VALUES {values}").bindparams(*parameters)
