"""Download headers that every browser and Excel read correctly."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

# Spelled out rather than dropped by NFKD: "Größe" should become "Groesse", not "Gre".
_GERMAN_ASCII = str.maketrans({"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def attachment_headers(filename: str) -> dict[str, str]:
    """Content-Disposition with an ASCII `filename` and a UTF-8 `filename*` (RFC 6266)."""
    readable = filename.translate(_GERMAN_ASCII)
    ascii_name = unicodedata.normalize("NFKD", readable).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in ascii_name) or "download"
    utf8_name = quote(filename, safe="")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}"}
