"""What each content domain contributes to the search, keyed by kind (core imports no domain).

A domain registers one SearchSource from its init_app (participation/<domain>/search_source.py):
which of its objects an anonymous visitor may read, as plain text (`documents`), every candidate id
for a rebuild (`all_ids`), where a hit links to (`links`), and which of its model classes, when
written through the ORM, make which documents stale (`watches`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Document:
    """The searchable text of one object, as an anonymous visitor may read it (plain text, no markup)."""

    ref_id: int
    title: str
    body: str
    dated_at: datetime | None = None


@dataclass(frozen=True)
class Link:
    """Where a hit leads, and what it belongs to ("Kommentar zu „Radweg Lindenstraße“")."""

    url: str
    context: str = ""


@dataclass(frozen=True)
class SearchSource:
    """One kind of searchable object, supplied by its domain."""

    kind: str
    # The type's name in the filter and on each hit (a lazy string, translated when shown).
    label: Any
    # ids -> the visible documents among them (ids left out are removed from the index).
    documents: Callable[[Sequence[int]], list[Document]]
    # Every id that might be visible, for `flask search reindex`.
    all_ids: Callable[[], Iterable[int]]
    # ids -> their links, in one query for the whole page of hits.
    links: Callable[[Sequence[int]], Mapping[int, Link]]
    # Model class -> the ids of this kind an added, changed or deleted instance makes stale.
    watches: Mapping[type, Callable[[Any], Iterable[int | None]]] = field(default_factory=dict)
    # Position in the type filter.
    order: int = 50


_SOURCES: dict[str, SearchSource] = {}
# Every flush asks about each changed instance's class: answered once per class.
_WATCHERS: dict[type, list[tuple[str, Callable[[Any], Iterable[int | None]]]]] = {}


def register_source(source: SearchSource) -> None:
    """Add (or, for a second app, replace) the source of one kind."""
    _SOURCES[source.kind] = source
    _WATCHERS.clear()


def sources() -> list[SearchSource]:
    """Every registered source in filter order."""
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.kind))


def source(kind: str) -> SearchSource | None:
    """The source of one kind, or None for an unknown kind (a hand-made URL)."""
    return _SOURCES.get(kind)


def watchers(model: type) -> list[tuple[str, Callable[[Any], Iterable[int | None]]]]:
    """For an instance of this class: (kind, function giving the stale ids) of every source watching it."""
    known = _WATCHERS.get(model)
    if known is not None:
        return known
    found = []
    for registered in _SOURCES.values():
        for cls in model.__mro__:
            if cls in registered.watches:
                found.append((registered.kind, registered.watches[cls]))
                break
    _WATCHERS[model] = found
    return found
