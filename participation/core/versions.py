"""Version counters: an integer column raised once per transaction when the rows it stands for change.

A per-worker cache keyed by such a counter is right on every app server at once, without a query of
its own, when the counter sits on a row the request loads anyway: the project page's ``page_version``
(projects/page_cache.py), a survey's ``structure_version`` (surveys/structure_cache.py).

Domains name the rows a counter stands for with ``track``: whenever such a row is inserted, changed or
deleted through the ORM, a ``before_flush`` hook notes its owner, and one UPDATE per counter raises
the noted owners' versions just before the transaction commits. Bulk UPDATEs and DELETEs of tracked
rows name no row: they raise every owner's version, unless the caller marks its owners itself
(``mark_changed``) and says so with ``execution_options(versions_marked=True)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Update, event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session

# What a change may touch when it cannot name its owner (an account's name is on every project page).
EVERY = -1


@dataclass(frozen=True)
class Counter:
    """A version column of ``model`` (the owner), raised by changes to the rows tracked for it."""

    name: str  # the Session.info key of the owners noted in a transaction
    model: Any  # a mapped class with an id column
    column: str
    # Columns whose onupdate must not fire when only the version rises (updated_at would date the
    # project to every comment).
    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Tracked:
    counter: Counter
    owner_of: Callable[[Any], int | None]
    # A changed row counts only if one of these changed, a new row not at all (None: any change).
    columns: frozenset[str] | None


# Model class -> the counters its rows change, and how to find the owner of a row.
_tracked: dict[type, dict[str, _Tracked]] = {}
# Counters in the order their UPDATEs run: always the same order, so two transactions cannot deadlock.
_counters: dict[str, Counter] = {}


def track(
    counter: Counter,
    model: type,
    owner_of: Callable[[Any], int | None],
    *,
    columns: tuple[str, ...] | None = None,
) -> None:
    """Changes to rows of ``model`` raise ``counter`` on the owner ``owner_of(row)`` names (None: no
    owner's, EVERY: every owner's). With ``columns``, only changes to those columns of existing rows
    count, and bulk UPDATEs of the model must mark their owners themselves."""
    _counters.setdefault(counter.name, counter)
    frozen = frozenset(columns) if columns is not None else None
    _tracked.setdefault(model, {})[counter.name] = _Tracked(counter, owner_of, frozen)


def mark_changed(session: Session | scoped_session[Any], counter: Counter, owner_id: int | None) -> None:
    """Raise the owner's version at this transaction's commit (for writes the ORM does not see)."""
    if owner_id is not None:
        session.info.setdefault(counter.name, set()).add(owner_id)


def _changed_columns(row: Any, columns: frozenset[str]) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in columns)


def _collect(session: Session, _context: Any, _instances: Any) -> None:
    """Before each flush: note the owners whose tracked rows are about to be written."""
    for rows, dirty in ((session.new, False), (session.deleted, False), (session.dirty, True)):
        for row in rows:
            trackings = _tracked.get(type(row))
            if not trackings or (dirty and not session.is_modified(row)):
                continue
            for tracked in trackings.values():
                if tracked.columns is None or (dirty and _changed_columns(row, tracked.columns)):
                    mark_changed(session, tracked.counter, tracked.owner_of(row))


def _bulk_write(state: ORMExecuteState) -> None:
    """A bulk UPDATE or DELETE of tracked rows names no row: every owner may have changed."""
    if not (state.is_update or state.is_delete) or state.execution_options.get("versions_marked"):
        return
    mapper = state.bind_mapper
    for tracked in (_tracked.get(mapper.class_, {}) if mapper is not None else {}).values():
        if tracked.columns is None:
            mark_changed(state.session, tracked.counter, EVERY)


def _raise_versions(session: Session) -> None:
    """Before commit: one UPDATE per counter raises the versions noted in this transaction."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit's own flush comes after this event: collect what it would write
    for counter in _counters.values():
        owner_ids = session.info.pop(counter.name, None)
        if owner_ids:
            # versions_marked: the UPDATE of a tracked model (a survey's version on its project page)
            # must not note every owner again for the next commit.
            statement = _raise_statement(counter, owner_ids)
            session.execute(statement.execution_options(synchronize_session=False, versions_marked=True))


def _raise_statement(counter: Counter, owner_ids: set[int]) -> Update:
    """UPDATE owner SET version = version + 1 for the noted owners (or all), their other columns kept."""
    model = counter.model
    if len(owner_ids) == 1 and EVERY not in owner_ids:
        statement = update(model).where(model.id == next(iter(owner_ids)))
    else:
        # Several rows are locked in id order (a plain UPDATE locks them in the order it scans): two
        # transactions raising several versions wait for each other in one order, never in a circle.
        locked = select(model.id).order_by(model.id).with_for_update()
        if EVERY not in owner_ids:
            locked = locked.where(model.id.in_(owner_ids))
        statement = update(model).where(model.id.in_(locked.scalar_subquery()))
    kept = {name: getattr(model, name) for name in counter.keep}
    return statement.values({counter.column: getattr(model, counter.column) + 1, **kept})


def _forget(session: Session, *_args: Any) -> None:
    """A rolled back transaction changed nothing."""
    for name in _counters:
        session.info.pop(name, None)


def listen() -> None:
    """Attach the version keeping to the app's sessions (once per process)."""
    if not event.contains(FlaskSession, "before_flush", _collect):
        event.listen(FlaskSession, "before_flush", _collect)
        event.listen(FlaskSession, "before_commit", _raise_versions)
        event.listen(FlaskSession, "after_rollback", _forget)
        event.listen(FlaskSession, "do_orm_execute", _bulk_write)
