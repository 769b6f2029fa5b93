"""Keeping the index in step with every write, in the same transaction; and rebuilding it.

ORM writes: after each flush the changed, added and deleted instances of watched classes name the
documents they make stale (registry.watchers); right after the flush, still inside it, those
documents are read again through their source (which applies the visibility rule) and rewritten.
Bulk UPDATE statements bypass the ORM: the services that issue them call `mark_stale`. A GET that
changes nothing flushes nothing, so reading never writes the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, cast

from sqlalchemy import Table, delete, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, UOWTransaction

from participation.core.fulltext.models import FTS_TABLE, SearchDocument
from participation.core.fulltext.registry import Document, source, sources, watchers
from participation.core.fulltext.text import normalized, stems_of
from participation.extensions import db

_STALE = "fulltext_stale"
CHUNK = 500

# A Table (the mapped class declares no other kind of selectable); Core statements write it in bulk.
documents_table = cast(Table, SearchDocument.__table__)


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _rows(kind: str, documents: Sequence[Document], with_stems: bool) -> list[dict[str, Any]]:
    return [
        {
            "kind": kind,
            "ref_id": document.ref_id,
            # Normalized as the search words are, so PostgreSQL's parser sees the same letters.
            "title": normalized(document.title),
            "body": normalized(document.body),
            "title_stems": " ".join(stems_of(document.title)) if with_stems else None,
            "stems": " ".join(stems_of(document.body)) if with_stems else None,
            "dated_at": document.dated_at,
        }
        for document in documents
    ]


def _write(connection: Connection, kind: str, ids: list[int]) -> None:
    """Make the index rows of these ids what their source says is visible now.

    An upsert, not delete-then-insert: two transactions refreshing the same document at once (an
    edit and a moderation decision) then wait for each other instead of one failing on the unique key.
    """
    registered = source(kind)
    if registered is None or not ids:
        return
    documents = registered.documents(ids)
    visible = [document.ref_id for document in documents]
    if set(ids) - set(visible):  # every one still visible (a new comment): nothing to take out
        connection.execute(
            delete(documents_table).where(
                documents_table.c.kind == kind,
                documents_table.c.ref_id.in_(ids),
                documents_table.c.ref_id.not_in(visible),
            )
        )
    if documents:
        dialect = connection.dialect.name
        insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
        upsert = insert_for(documents_table)
        changing = ("title", "body", "title_stems", "stems", "dated_at")
        statement = upsert.on_conflict_do_update(
            index_elements=["kind", "ref_id"], set_={name: upsert.excluded[name] for name in changing}
        )
        connection.execute(statement, _rows(kind, documents, dialect == "sqlite"))


def refresh(session: Session, stale: dict[str, set[int]]) -> None:
    """Rewrite the index rows of the stale documents (inside the caller's transaction)."""
    connection = session.connection()
    for kind, ids in stale.items():
        for chunk in _chunks(sorted(ids)):
            _write(connection, kind, chunk)


def mark_stale(kind: str, ids: Iterable[int]) -> None:
    """After a bulk UPDATE the ORM did not see: rewrite these documents now, in this transaction.

    Call it after the statement that wrote the source rows: holding their locks, this transaction
    reads what a concurrent writer committed (as the flush events do), never an older text.
    """
    wanted = {int(i) for i in ids}
    if wanted:
        refresh(db.session(), {kind: wanted})


def reindex() -> dict[str, int]:
    """Rebuild the whole index from the sources (`flask search reindex`); returns documents per kind."""
    session = db.session()
    connection = session.connection()
    connection.execute(delete(documents_table))
    if connection.dialect.name == "sqlite":
        # External-content FTS5 follows the triggers; a rebuild also repairs an index made by hand.
        connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
    counts: dict[str, int] = {}
    for registered in sources():
        for chunk in _chunks(registered.all_ids()):
            _write(connection, registered.kind, chunk)
        counted = select(func.count()).where(documents_table.c.kind == registered.kind)
        counts[registered.kind] = connection.execute(counted).scalar_one()
    return counts


def _stale_of(session: Session) -> dict[str, set[int]]:
    stale: dict[str, set[int]] = session.info.setdefault(_STALE, {})
    return stale


@event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context: UOWTransaction) -> None:
    """Note which documents this flush made stale (the instances still show what changed)."""
    changed = [(obj, False) for obj in session.new] + [(obj, False) for obj in session.deleted]
    changed += [(obj, True) for obj in session.dirty]
    for obj, dirty in changed:
        found = watchers(type(obj))
        if not found or (dirty and not session.is_modified(obj, include_collections=False)):
            continue
        for kind, ids_of in found:
            ids = {i for i in ids_of(obj) if i is not None}
            if ids:
                _stale_of(session).setdefault(kind, set()).update(ids)


@event.listens_for(Session, "after_flush_postexec")
def _refresh(session: Session, flush_context: UOWTransaction) -> None:
    """Rewrite what the flush made stale, before anything else happens in the transaction."""
    stale = session.info.pop(_STALE, None)
    if stale:
        refresh(session, stale)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    """A rolled-back transaction leaves nothing stale behind."""
    session.info.pop(_STALE, None)
