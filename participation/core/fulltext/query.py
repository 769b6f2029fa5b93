"""Asking the index: one ranked, keyset-paged list of hits; or the matching ids of one kind.

Every word is stemmed and all words must occur ("Bäume Radweg" finds "Baum am Radweg").
PostgreSQL matches the stored tsvector with to_tsquery('german', ...) and ranks with ts_rank;
SQLite matches the FTS5 table with the same stems made in Python and ranks with bm25. Only the
hit sets must agree; the score is an integer (rank times a million) so the keyset cursor compares
exactly on both databases. Of very many matches the newest CANDIDATES are ranked."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Select,
    Subquery,
    TextClause,
    and_,
    bindparam,
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
SQLITE_SCALE = 1_000_000_000
TITLE_WEIGHT = 10.0
CANDIDATES = 1000
_fts5 = table(FTS_TABLE, column("rowid"))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _pg_match(query: ParsedQuery) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """PostgreSQL: the match condition on the stored tsvector, and the integer score."""
    # Rendered into the SQL (letters, digits and "&" only: nothing to escape), so that the planner sees
    # the words and uses its statistics on them: GIN for a rare word, the newest rows for a common one.
    words: BindParameter[str] = bindparam("tsquery_text", pg_tsquery_text(query), literal_execute=True)
    tsquery = func.to_tsquery(literal_column("'german'::regconfig"), words)
    vector: ColumnElement[Any] = literal_column(f"{docs.name}.{FTS_COLUMN}")
    return vector.op("@@")(tsquery), cast(func.ts_rank(vector, tsquery) * SCALE, BigInteger)


def _fts5_match(query: ParsedQuery) -> tuple[TextClause, ColumnElement[Any]]:
    """SQLite: the FTS5 MATCH condition, and the integer score (bm25 is lower for better hits)."""
    condition = text(f"{FTS_TABLE} MATCH :fts_match").bindparams(fts_match=fts5_match(query))
    # A title word weighs ten times a body word, as on PostgreSQL; FTS5 floors the weight of a word
    # found in most rows at 1e-6, so a larger scale keeps those apart.
    rank = func.bm25(literal_column(FTS_TABLE), TITLE_WEIGHT, 1.0)
    return condition, cast(rank * -SQLITE_SCALE, BigInteger)


def _matching(query: ParsedQuery) -> Select[Any]:
    """Every index row containing all stems of the query (no score: for counting and id lists)."""
    if _dialect() == "postgresql":
        return select(docs).where(_pg_match(query)[0])
    return select(docs).select_from(docs.join(_fts5, _fts5.c.rowid == docs.c.id)).where(_fts5_match(query)[0])


def _candidates(query: ParsedQuery, kind: str | None) -> Subquery:
    """The newest CANDIDATES matches (id, kind; on SQLite with the score, which needs the MATCH).

    Ranking reads every candidate's text; capping them keeps a word found in every third comment
    as fast as a rare one. Both databases walk the matches newest first and stop at the cap.
    """
    if _dialect() == "postgresql":
        statement = select(docs.c.id, docs.c.kind).where(_pg_match(query)[0]).order_by(docs.c.id.desc())
    else:
        condition, score = _fts5_match(query)
        statement = (
            select(_fts5.c.rowid.label("id"), docs.c.kind, score.label("score"))
            .select_from(_fts5.join(docs, docs.c.id == _fts5.c.rowid))
            .where(condition)
            .order_by(_fts5.c.rowid.desc())
        )
    if kind:
        statement = statement.where(docs.c.kind == kind)
    return statement.limit(CANDIDATES).subquery()


def _scored(query: ParsedQuery, candidates: Subquery) -> Subquery:
    """The candidates' index rows with their integer score."""
    columns = (docs.c.id, docs.c.kind, docs.c.ref_id, docs.c.title, docs.c.body, docs.c.dated_at)
    if _dialect() == "postgresql":
        score = _pg_match(query)[1]
    else:
        score = candidates.c.score
    return select(*columns, score.label("score")).join(candidates, candidates.c.id == docs.c.id).subquery()


def match_ids(kind: str, query: ParsedQuery) -> Select[Any]:
    """The ref_ids of one kind that match (for a domain's own list search: `Model.id.in_(...)`)."""
    if query.empty:
        return select(docs.c.ref_id).where(false())
    sub = _matching(query).where(docs.c.kind == kind).subquery()
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
    # More than CANDIDATES matches: the counts are lower bounds and the newest CANDIDATES are ranked.
    capped: bool = False


def parse_cursor(raw: str | None) -> tuple[int, int] | None:
    """ "score.id" from the "Weitere Treffer" link; anything malformed starts at the top."""
    score, _, last_id = (raw or "").partition(".")
    try:
        return (int(score), int(last_id)) if last_id else None
    except ValueError:
        return None


def search(query: ParsedQuery, kind: str | None = None, cursor: str | None = None) -> Results:
    """Hits best first, PAGE_SIZE at a time, in a fixed number of queries (counts, page, one per kind).

    Of very many matches the newest CANDIDATES are ranked and paged (Results.capped says so).
    """
    if query.empty:
        return Results([], {}, 0, None, False)
    counted = _candidates(query, None)
    counts = {
        row.kind: row.n
        for row in db.session.execute(
            select(counted.c.kind, func.count().label("n")).group_by(counted.c.kind)
        )
    }
    capped = sum(counts.values()) >= CANDIDATES
    total = counts.get(kind, 0) if kind else sum(counts.values())
    sub = _scored(query, _candidates(query, kind))
    page = select(sub).order_by(sub.c.score.desc(), sub.c.id.desc()).limit(PAGE_SIZE + 1)
    after = parse_cursor(cursor)
    if after is not None:
        page = page.where(or_(sub.c.score < after[0], and_(sub.c.score == after[0], sub.c.id < after[1])))
    rows = list(db.session.execute(page))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_cursor = f"{rows[-1].score}.{rows[-1].id}" if more else None
    return Results(_hits(rows, query), counts, total, next_cursor, capped)


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
