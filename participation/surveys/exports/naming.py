"""Names of export files and spreadsheet sheets, derived safely from the survey's title."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

SHEET_CHARS = 31  # Excel's limit for a sheet name
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
# Excel keeps this name for itself; it compares sheet names without regard to case.
_RESERVED = frozenset({"history"})
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def slug(title: str, fallback: str = "umfrage", limit: int = 50) -> str:
    """Lower-case ASCII words joined by hyphens (umlauts spelt out), at most `limit` characters."""
    ascii_text = unicodedata.normalize("NFKD", title.translate(_GERMAN)).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(words) > limit:
        words = words[:limit].rsplit("-", 1)[0] if "-" in words[:limit] else words[:limit]
    return words or fallback


def export_filename(title: str, survey_id: int, day: date, fmt: str, extension: str) -> str:
    """`<survey-slug>_<YYYY-MM-DD>_<format>.<ext>`: every format its own name."""
    return f"{slug(title, f'umfrage-{survey_id}')}_{day.isoformat()}_{fmt}.{extension}"


def sheet_name(title: str, taken: set[str] | None = None, fallback: str = "Antworten") -> str:
    """A sheet name Excel and LibreOffice accept: at most 31 characters, none of []:*?/\\, no leading or
    trailing apostrophe, not "History", unique (regardless of case) among `taken`; cut at a word boundary."""
    cleaned = " ".join(_SHEET_FORBIDDEN.sub(" ", title).split()).strip("'").strip() or fallback
    name = _cut(cleaned, SHEET_CHARS)
    used = {t.casefold() for t in (taken or set())} | _RESERVED
    number = 1
    while name.casefold() in used:
        number += 1
        suffix = f" ({number})"
        name = _cut(cleaned, SHEET_CHARS - len(suffix)) + suffix
    return name


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut[limit // 2 :] and text[limit : limit + 1] != " ":
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" '-–:,;") or text[:limit]
