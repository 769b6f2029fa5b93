"""The site-wide search page (/suche): thin; the engine in core/fulltext decides what is found."""

from __future__ import annotations

from flask import render_template, request

from participation.core.fulltext import parse_query, search, sources
from participation.core.fulltext import query as engine

MAX_TERM_CHARS = 200


def search_page() -> str:
    """Hits of every kind (or one, `art`) for `q`, best first, a page at a time (`weiter`); reads only."""
    query = parse_query(request.args.get("q", "")[:MAX_TERM_CHARS])
    kinds = sources()
    kind = request.args.get("art") or None
    if kind not in {source.kind for source in kinds}:
        kind = None
    results = None if query.empty else search(query, kind, request.args.get("weiter"))
    return render_template(
        "core/search.html",
        query=query,
        kinds=kinds,
        kind=kind,
        results=results,
        candidates=engine.CANDIDATES,
    )
