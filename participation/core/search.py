"""Case-insensitive substring search that behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import ColumnExpressionArgument, func
from sqlalchemy.sql.elements import ColumnElement


def contains_pattern(term: str) -> str:
    """A LIKE pattern matching the term anywhere; "%", "_" and "\\" in the term match themselves."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    # lower(), not casefold(): the databases lower "ß" to itself, casefold would turn it into "ss".
    return f"%{escaped.lower()}%"


def contains(column: ColumnExpressionArgument[str | None], term: str) -> ColumnElement[bool]:
    """`lower(column) LIKE '%term%'` with escaped wildcards (SQLite's lower() is made Unicode-aware)."""
    return func.lower(column).like(contains_pattern(term), escape="\\")
