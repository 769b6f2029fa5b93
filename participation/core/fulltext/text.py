"""Words, stems and snippets: the Python side of the German full-text search (the same on both databases).

PostgreSQL's `german` configuration splits text into words, drops the stop words of Snowball's
german.stop and stems the rest with Snowball's German stemmer. This module does the same in Python
with the Snowball project's own generated stemmer, so SQLite (FTS5, which has no German stemmer)
stores and searches the very stems PostgreSQL computes: "Bäume" -> "baum", "Straße"/"Strasse" ->
"strass", "Radwege" -> "radweg".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer  # type: ignore[import-untyped]
from markupsafe import Markup, escape

# Letters and digits; "_" and every other character separate words, as in PostgreSQL's parser.
WORD_RE = re.compile(r"[^\W_]+")
# Snowball's German stop words, the file PostgreSQL ships as tsearch_data/german.stop (BSD licence).
STOP_WORDS = frozenset((Path(__file__).with_name("german.stop")).read_text(encoding="utf-8").split())
MAX_QUERY_WORDS = 8
# PostgreSQL's parser refuses longer words; nobody searches for them.
MAX_WORD_CHARS = 100

_stemmer = snowballstemmer.stemmer("german")


@lru_cache(maxsize=65536)
def stem(word: str) -> str | None:
    """The Snowball stem of one word, or None for a stop word (compared in lower case, as PostgreSQL does)."""
    lowered = word.lower()
    if lowered in STOP_WORDS or len(lowered) > MAX_WORD_CHARS:
        return None
    if lowered.isdigit():
        return lowered
    return str(_stemmer.stemWord(lowered))


def normalized(text: str) -> str:
    """NFC: "a" + combining diaeresis (as some keyboards send it) becomes one "ä", a letter of the word."""
    return unicodedata.normalize("NFC", text)


def stems_of(text: str) -> list[str]:
    """Every stem of a text in order (stop words left out): what SQLite's FTS5 table stores."""
    return [s for s in (stem(word) for word in WORD_RE.findall(normalized(text))) if s]


@dataclass(frozen=True)
class ParsedQuery:
    """A search as typed and the stems all of which a hit must contain."""

    text: str
    stems: tuple[str, ...]
    # One typed word per stem: what PostgreSQL's plainto_tsquery('german', ...) gets to stem itself.
    words: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing searchable was typed (no word, or only stop words such as "der die das")."""
        return not self.stems


def parse_query(text: str | None) -> ParsedQuery:
    """The words of a search, stemmed, without stop words and duplicates (at most MAX_QUERY_WORDS)."""
    cleaned = " ".join(normalized(text or "").split())[:200]
    stems: list[str] = []
    words: list[str] = []
    for word in WORD_RE.findall(cleaned):
        found = stem(word)
        if found and found not in stems and len(stems) < MAX_QUERY_WORDS:
            stems.append(found)
            words.append(word)
    return ParsedQuery(cleaned, tuple(stems), tuple(words))


def fts5_match(query: ParsedQuery) -> str:
    """The FTS5 MATCH expression: every stem as a quoted string (no FTS syntax gets through), ANDed."""
    return " ".join('"' + s.replace('"', '""') + '"' for s in query.stems)


def pg_tsquery_text(query: ParsedQuery) -> str:
    """The text for PostgreSQL's to_tsquery('german', ...): the kept words, ANDed.

    Only letters and digits reach it (WORD_RE), so it holds no operator but the ones added here;
    PostgreSQL stems each word itself, to the same stems as `stem` ("Bäume" -> 'baum').
    Whole words, no prefixes: PostgreSQL's statistics then know how common a word is and choose
    between walking the newest rows and the GIN index (a prefix query gets a blind guess).
    """
    return " & ".join(query.words)


def _hit(word: str, stems: frozenset[str]) -> bool:
    """Whether a word matches the search: its stem is one of the searched stems."""
    return stem(word) in stems


def _marked(text: str, stems: frozenset[str]) -> Markup:
    """The text escaped, every word that matches the search wrapped in <mark>."""
    parts: list[str] = []
    position = 0
    for match in WORD_RE.finditer(text):
        if _hit(match.group(), stems):
            parts.append(str(escape(text[position : match.start()])))
            parts.append(Markup("<mark>{}</mark>").format(match.group()))
            position = match.end()
    parts.append(str(escape(text[position:])))
    # Every piece above is escaped (or a Markup built from escaped words): nothing of the text is raw.
    return Markup("".join(parts))


def highlight(text: str, query: ParsedQuery) -> Markup:
    """A short text (a title) with the matched words marked, everything escaped."""
    return _marked(text, frozenset(query.stems))


def snippet(text: str, query: ParsedQuery, context: int = 90) -> Markup:
    """A piece of plain text around the first matched word, cut at word boundaries, matches marked."""
    flat = " ".join(text.split())
    wanted = frozenset(query.stems)
    first = next((m for m in WORD_RE.finditer(flat) if _hit(m.group(), wanted)), None)
    if first is None:
        start, end = 0, 2 * context
    else:
        start, end = first.start() - context, first.end() + context
    start, end = max(0, start), min(len(flat), end)
    if start > 0:
        space = flat.find(" ", start, first.start() if first else end)
        start = space + 1 if space >= 0 else start
    if end < len(flat):
        space = flat.rfind(" ", first.end() if first else start, end)
        end = space if space > 0 else end
    piece = _marked(flat[start:end].strip(), wanted)
    return Markup("{}{}{}").format("…" if start > 0 else "", piece, "…" if end < len(flat) else "")
