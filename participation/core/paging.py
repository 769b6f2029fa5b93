"""Reading the ?seite= page number: one rule for every paginated list."""

from __future__ import annotations

from flask import request

# Beyond this no list has pages; a bigger number is a typo or a probe, not a reader.
MAX_PAGE = 100_000


def page_arg(name: str = "seite") -> int:
    """The 1-based page number from the query string (1 when missing, not a number or absurd)."""
    raw = request.args.get(name, "1").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) < MAX_PAGE else 1
