"""Word-level diff of two Markdown sources as escaped HTML with <ins>/<del> that read without colour."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher

from flask_babel import gettext as _
from markupsafe import Markup, escape

_TOKEN_RE = re.compile(r"\s+|[^\s]+")
# A run of this many tokens (four words with the spaces between) is almost always unique in real text.
SHINGLE = 7
# Regions without anchors up to this many token pairs are diffed exactly by difflib.
SMALL_REGION = 40_000


@dataclass(frozen=True)
class DiffChunk:
    """A run of text that is equal in both versions, or inserted, or deleted."""

    kind: str  # "equal" | "insert" | "delete"
    text: str


def _merge(chunks: list[DiffChunk]) -> list[DiffChunk]:
    merged: list[DiffChunk] = []
    for chunk in chunks:
        if not chunk.text:
            continue
        if merged and merged[-1].kind == chunk.kind:
            merged[-1] = DiffChunk(chunk.kind, merged[-1].text + chunk.text)
        else:
            merged.append(chunk)
    return merged


def _anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    """Positions whose next SHINGLE tokens occur once on each side; the longest in-order chain (patience)."""

    def unique_shingles(tokens: list[str], lo: int, hi: int) -> dict[tuple[str, ...], int]:
        seen: dict[tuple[str, ...], int] = {}
        for i in range(lo, hi - SHINGLE + 1):
            key = tuple(tokens[i : i + SHINGLE])
            seen[key] = -1 if key in seen else i
        return seen

    in_b = unique_shingles(b, blo, bhi)
    in_a = unique_shingles(a, alo, ahi)
    pairs = sorted((i, in_b[key]) for key, i in in_a.items() if i >= 0 and in_b.get(key, -1) >= 0)
    # Longest increasing subsequence of j (patience sorting with back-pointers).
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for index, (_i, j) in enumerate(pairs):
        position = bisect_left(tails, j)
        if position == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[position], tail_index[position] = j, index
        previous[index] = tail_index[position - 1] if position else -1
    chain: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


def _split(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int) -> list[tuple]:
    """Break a differing region at unique anchors; small leftovers go to difflib, huge ones stay coarse."""
    if alo == ahi or blo == bhi:
        return [("delete", alo, ahi, blo, blo), ("insert", ahi, ahi, blo, bhi)]
    anchors = _anchors(a, b, alo, ahi, blo, bhi)
    if anchors:
        tasks: list[tuple] = []
        a_at, b_at = alo, blo
        for i, j in anchors:
            if i == a_at and j == b_at and tasks and tasks[-1][0] == "equal":
                # Consecutive anchors: extend the equal run instead of adding a task per token.
                tasks[-1] = ("equal", tasks[-1][1], i + 1, tasks[-1][3], j + 1)
            else:
                if i > a_at or j > b_at:
                    tasks.append(("diff", a_at, i, b_at, j))
                tasks.append(("equal", i, i + 1, j, j + 1))
            a_at, b_at = i + 1, j + 1
        if a_at < ahi or b_at < bhi:
            tasks.append(("diff", a_at, ahi, b_at, bhi))
        return tasks
    if (ahi - alo) * (bhi - blo) <= SMALL_REGION:
        matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
        return [
            ("equal" if tag == "equal" else "replace", alo + i1, alo + i2, blo + j1, blo + j2)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        ]
    # No anchor at all (e.g. the same word repeated thousands of times): bounded time beats a fine diff.
    return [("delete", alo, ahi, blo, blo), ("insert", ahi, ahi, blo, bhi)]


def _opcodes(a: list[str], b: list[str]) -> list[tuple]:
    """Equal/delete/insert/replace ranges in order, without recursion (deep nesting cannot overflow)."""
    out: list[tuple] = []
    stack: list[tuple] = [("diff", 0, len(a), 0, len(b))]
    while stack:
        kind, alo, ahi, blo, bhi = stack.pop()
        if kind != "diff":
            if alo == ahi and blo == bhi:
                continue
            if out and out[-1][0] == kind and out[-1][2] == alo and out[-1][4] == blo:
                out[-1] = (kind, out[-1][1], ahi, out[-1][3], bhi)
            else:
                out.append((kind, alo, ahi, blo, bhi))
            continue
        prefix = 0
        while alo + prefix < ahi and blo + prefix < bhi and a[alo + prefix] == b[blo + prefix]:
            prefix += 1
        suffix = 0
        while (
            ahi - suffix > alo + prefix
            and bhi - suffix > blo + prefix
            and a[ahi - 1 - suffix] == b[bhi - 1 - suffix]
        ):
            suffix += 1
        tasks = [("equal", alo, alo + prefix, blo, blo + prefix)] if prefix else []
        tasks += _split(a, b, alo + prefix, ahi - suffix, blo + prefix, bhi - suffix)
        if suffix:
            tasks.append(("equal", ahi - suffix, ahi, bhi - suffix, bhi))
        stack.extend(reversed(tasks))
    return out


def diff_chunks(old: str, new: str) -> list[DiffChunk]:
    """Word-level diff; anchored on unique word runs so long pages stay fast (patience-style)."""
    a = _TOKEN_RE.findall(old.replace("\r\n", "\n"))
    b = _TOKEN_RE.findall(new.replace("\r\n", "\n"))
    out: list[DiffChunk] = []
    for kind, alo, ahi, blo, bhi in _opcodes(a, b):
        if kind == "equal":
            out.append(DiffChunk("equal", "".join(a[alo:ahi])))
            continue
        out.append(DiffChunk("delete", "".join(a[alo:ahi])))
        out.append(DiffChunk("insert", "".join(b[blo:bhi])))
    return _merge(_regroup(out))


def _regroup(chunks: list[DiffChunk]) -> list[DiffChunk]:
    """Show each changed stretch as one deletion followed by one insertion (easier to read)."""
    result: list[DiffChunk] = []
    deleted, inserted = [], []
    for chunk in chunks:
        if chunk.kind == "delete":
            deleted.append(chunk.text)
        elif chunk.kind == "insert":
            inserted.append(chunk.text)
        else:
            result += [DiffChunk("delete", "".join(deleted)), DiffChunk("insert", "".join(inserted)), chunk]
            deleted, inserted = [], []
    return [*result, DiffChunk("delete", "".join(deleted)), DiffChunk("insert", "".join(inserted))]


def render_diff(old: str, new: str) -> Markup:
    """Escaped HTML; each change carries visually hidden words so it is clear without colour."""
    return _render_chunks(diff_chunks(old, new))


def _render_chunks(chunks: list[DiffChunk]) -> Markup:
    inserted, deleted = escape(_("eingefügt:")), escape(_("gelöscht:"))
    end = escape(_("Ende der Änderung"))
    parts: list[str] = []
    for chunk in chunks:
        text = escape(chunk.text)
        if chunk.kind == "equal":
            parts.append(text)
        elif chunk.kind == "insert":
            parts.append(
                f'<ins><span class="visually-hidden">{inserted} </span>{text}'
                f'<span class="visually-hidden"> ({end})</span></ins>'
            )
        else:
            parts.append(
                f'<del><span class="visually-hidden">{deleted} </span>{text}'
                f'<span class="visually-hidden"> ({end})</span></del>'
            )
    return Markup("".join(parts))


def _words(text: str, words: int, *, keep_end: bool) -> str:
    """The last (keep_end) or first `words` words of a text, with "…" where it was cut."""
    tokens = _TOKEN_RE.findall(text)
    limit = 2 * words  # words and the spaces between them
    if len(tokens) <= limit:
        return text
    return "…" + "".join(tokens[-limit:]) if keep_end else "".join(tokens[:limit]) + "…"


def render_diff_excerpt(old: str, new: str, context_words: int = 8, change_words: int = 60) -> Markup:
    """Only the changed passages with a few words around them, each cut to `change_words` (queue rows)."""
    chunks = [c for c in diff_chunks(old, new) if c.text]
    trimmed: list[DiffChunk] = []
    for index, chunk in enumerate(chunks):
        if chunk.kind != "equal":
            trimmed.append(DiffChunk(chunk.kind, _words(chunk.text, change_words, keep_end=False)))
        elif index == 0:
            trimmed.append(DiffChunk("equal", _words(chunk.text, context_words, keep_end=True)))
        elif index == len(chunks) - 1:
            trimmed.append(DiffChunk("equal", _words(chunk.text, context_words, keep_end=False)))
        elif len(_TOKEN_RE.findall(chunk.text)) <= 4 * context_words:
            trimmed.append(chunk)
        else:
            tokens = _TOKEN_RE.findall(chunk.text)
            head, tail = "".join(tokens[: 2 * context_words]), "".join(tokens[-2 * context_words :])
            trimmed.append(DiffChunk("equal", f"{head}… {tail}"))
    return _render_chunks(trimmed)
