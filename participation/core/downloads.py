"""Download headers that every browser and Excel read correctly."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote


def attachment_headers(filename: str) -> dict[str, str]:
    """Content-Disposition with an ASCII `filename` and a UTF-8 `filename*` (RFC 6266)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in ascii_name) or "download"
    return {
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    }
