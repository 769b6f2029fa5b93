"""Checking pooled database connections before use, only where one may have gone stale.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` before every checkout: a round trip per request,
about 5 % of a survey submission's time under load. A connection handed back to the pool moments ago
is as alive as that ping would find it; one that sat idle longer (the server restarted meanwhile, a
firewall dropped it) is pinged before use, and a dead one is replaced before the visitor notices.
``DATABASE_PING_AFTER_IDLE_SECONDS`` sets "longer" (default 5; 0 pings before every use).

What this gives up: when the database restarts while a worker is busy, that worker's next request on a
connection it used within those seconds fails with the 503 page ("Vorübergehend nicht erreichbar");
SQLAlchemy then discards the worker's whole pool, so the request after it connects afresh.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

_RETURNED = "returned_at"  # the connection record's info key: when it was last handed back (monotonic)


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Ping a connection when it is taken from the pool after idling ``idle_seconds`` or longer."""

    def connected(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()  # a new connection needs no ping

    def returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_RETURNED] = time.monotonic()

    def taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_RETURNED, 0.0) < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool's documented answer to a dead connection: it discards it and takes another.
            raise DisconnectionError(str(error)) from error

    event.listen(engine, "connect", connected)
    event.listen(engine, "checkin", returned)
    event.listen(engine, "checkout", taken)
