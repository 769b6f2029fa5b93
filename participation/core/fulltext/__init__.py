"""The site-wide German full-text search engine; content domains supply the documents.

Core owns the index (models.py), its upkeep on every write (index.py), the German words and
snippets (text.py) and the queries (query.py); each domain registers a SearchSource
(registry.py) from its init_app, in participation/<domain>/search_source.py.
"""

from __future__ import annotations

from participation.core.fulltext.index import mark_stale, reindex
from participation.core.fulltext.models import SearchDocument
from participation.core.fulltext.query import PAGE_SIZE, Hit, Results, match_ids, search
from participation.core.fulltext.registry import Document, Link, SearchSource, register_source, sources
from participation.core.fulltext.text import ParsedQuery, parse_query

__all__ = [
    "PAGE_SIZE",
    "Document",
    "Hit",
    "Link",
    "ParsedQuery",
    "Results",
    "SearchDocument",
    "SearchSource",
    "mark_stale",
    "match_ids",
    "parse_query",
    "reindex",
    "register_source",
    "search",
    "sources",
]
