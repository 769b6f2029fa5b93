"""Asking the index: one ranked, keyset-paged list of hits; or the matching ids of one kind.

Every word is stemmed and matched as a prefix of a stored stem ("Markt" finds "Marktplatz", German
compounds), and all words must occur. PostgreSQL matches the stored tsvector with
to_tsquery('german', ...) and ranks with ts_rank; SQLite matches the FTS5 table with the same stems
made in Python and ranks with bm25. Only the hit
sets must agree; the score is an integer (rank times a million) so the keyset cursor compares
exactly on both databases.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    cast,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)

from participation.core.fulltext.index import documents_table as docs
from participation.core.fulltext.models import FTS_COLUMN, FTS_TABLE
from participation.core.fulltext.registry import source
from participation.core.fulltext.text import ParsedQuery, fts5_match, highlight, pg_tsquery_text, snippet
from participation.extensions import db

PAGE_SIZE = 20
SCALE = 1_000_000
_fts5 = table(FTS_TABLE, column("rowid"))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _matching(query: ParsedQuery, *, scored: bool) -> Select[Any]:
    """Index rows containing every stem of the query (with an integer score when asked)."""
    if _dialect() == "postgresql":
        tsquery = func.to_tsquery(literal_column("'german'::regconfig"), pg_tsquery_text(query))
        vector: ColumnElement[Any] = literal_column(f"{docs.name}.{FTS_COLUMN}")
        statement = select(docs).where(vector.op("@@")(tsquery))
        score: ColumnElement[Any] = cast(func.ts_rank(vector, tsquery) * SCALE, BigInteger)
    else:
        statement = (
            select(docs)
            .select_from(docs.join(_fts5, _fts5.c.rowid == docs.c.id))
            .where(text(f"{FTS_TABLE} MATCH :fts_match").bindparams(fts_match=fts5_match(query)))
        )
        # bm25 is lower for better hits; negated so that higher is better on both databases.
        score = cast(func.bm25(literal_column(FTS_TABLE)) * -SCALE, BigInteger)
    return statement.add_columns(score.label("score")) if scored else statement


def match_ids(kind: str, query: ParsedQuery) -> Select[Any]:
    """The ref_ids of one kind that match (for a domain's own list search: `Model.id.in_(...)`)."""
    if query.empty:
        return select(docs.c.ref_id).where(false())
    sub = _matching(query, scored=False).where(docs.c.kind == kind).subquery()
    return select(sub.c.ref_id)


@dataclass(frozen=True)
class Hit:
    """One search result as the page shows it."""

    kind: str
    label: str
    title: Markup
    snippet: Markup
    url: str
    context: str
    dated_at: datetime | None


@dataclass(frozen=True)
class Results:
    """One page of hits, how many there are per kind, and the cursor of the next page."""

    hits: list[Hit]
    counts: dict[str, int]
    total: int
    next_cursor: str | None


def parse_cursor(raw: str | None) -> tuple[int, int] | None:
    """ "score.id" from the "Weitere Treffer" link; anything malformed starts at the top."""
    score, _, last_id = (raw or "").partition(".")
    try:
        return (int(score), int(last_id)) if last_id else None
    except ValueError:
        return None


def search(query: ParsedQuery, kind: str | None = None, cursor: str | None = None) -> Results:
    """Hits best first, PAGE_SIZE at a time, in a fixed number of queries (counts, page, one per kind)."""
    if query.empty:
        return Results([], {}, 0, None)
    counted = _matching(query, scored=False).subquery()
    counts = {
        row.kind: row.n
        for row in db.session.execute(
            select(counted.c.kind, func.count().label("n")).group_by(counted.c.kind)
        )
    }
    total = counts.get(kind, 0) if kind else sum(counts.values())
    matching = _matching(query, scored=True)
    if kind:
        matching = matching.where(docs.c.kind == kind)
    sub = matching.subquery()
    page = select(sub).order_by(sub.c.score.desc(), sub.c.id.desc()).limit(PAGE_SIZE + 1)
    after = parse_cursor(cursor)
    if after is not None:
        page = page.where(or_(sub.c.score < after[0], and_(sub.c.score == after[0], sub.c.id < after[1])))
    rows = list(db.session.execute(page))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_cursor = f"{rows[-1].score}.{rows[-1].id}" if more else None
    return Results(_hits(rows, query), counts, total, next_cursor)


def _hits(rows: list[Any], query: ParsedQuery) -> list[Hit]:
    """Rows with their links (one query per kind on the page), titles and snippets marked."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row.ref_id)
    links = {}
    for kind, ids in by_kind.items():
        registered = source(kind)
        if registered is not None:
            links[kind] = registered.links(ids)
    hits = []
    for row in rows:
        registered, link = source(row.kind), links.get(row.kind, {}).get(row.ref_id)
        if registered is None or link is None:
            continue
        hits.append(
            Hit(
                kind=row.kind,
                label=str(registered.label),
                title=highlight(row.title, query),
                snippet=snippet(row.body, query),
                url=link.url,
                context=link.context,
                dated_at=row.dated_at,
            )
        )
    return hits
