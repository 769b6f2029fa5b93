"""Types shared by all domains: columns that behave alike on both databases, and the acting person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Protocol

from sqlalchemy import BigInteger, DateTime, Dialect, Integer
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite drops tzinfo, PostgreSQL would shift it."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Aware datetime in, naive UTC to the database."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use participation.core.types.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Naive UTC from the database, aware UTC out."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


# 64-bit ids on PostgreSQL (a city's vote table outgrows 2^31); SQLite needs INTEGER for rowid aliasing.
BigId = BigInteger().with_variant(Integer(), "sqlite")

IdPk = Annotated[int, mapped_column(BigId, primary_key=True)]


class Actor(Protocol):
    """Whoever acts (an account); core records and checks only its id, it never imports accounts."""

    @property
    def id(self) -> int: ...
