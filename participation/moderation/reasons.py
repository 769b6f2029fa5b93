"""Reason categories for decisions, the auto-hide threshold K and the first-N pre-moderation setting.

Categories are stored as JSON rows (code, label, rule, retired). A retired category is offered no
more but keeps its name on past decisions; older databases hold the pipe-separated lines, still read.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from participation.core.settings import PREMODERATION_FIRST_N, get_int, get_setting
from participation.moderation.errors import BadCategoryLine

AUTOHIDE_THRESHOLD = "moderation.autohide_threshold"
REASON_CATEGORIES = "moderation.reason_categories"
DEFAULT_THRESHOLD = 3
# One category per line: code | label | the Netiquette rule it refers to.
DEFAULT_CATEGORIES = """\
beleidigung | Beleidigung oder Hassrede | Regel 2: Keine Beleidigungen und keine Hassrede
umgangston | Respektloser Umgangston | Regel 1: Respektvoller Umgangston
thema | Nicht zum Thema | Regel 3: Beim Thema bleiben
personendaten | Persönliche Daten anderer | Regel 4: Keine persönlichen Daten anderer
rechtswidrig | Rechtswidriger Inhalt | Regel 5: Keine rechtswidrigen Inhalte
spam | Werbung oder Spam | Regel 6: Keine Werbung und kein Spam
quellen | Falsche Tatsachenbehauptung ohne Quelle | Regel 7: Quellen angeben"""
CODE_RE = re.compile(r"^[a-z0-9_]{2,40}$")


@dataclass(frozen=True)
class Category:
    """One reason a moderator can give, with the Netiquette rule it refers to."""

    code: str
    label: str
    rule: str
    retired: bool = False


def parse_categories(text: str) -> list[Category]:
    """Read the admin's lines; raises BadCategoryLine naming the first bad line."""
    categories: list[Category] = []
    seen: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not CODE_RE.match(parts[0]) or not parts[1] or not parts[2]:
            raise BadCategoryLine(number)
        if parts[0] in seen:
            raise BadCategoryLine(number)
        seen.add(parts[0])
        categories.append(Category(parts[0], parts[1], parts[2]))
    if not categories:
        raise BadCategoryLine(0)
    return categories


def categories_text() -> str:
    """The categories as pipe-separated lines (the older settings form; retired ones left out)."""
    return "\n".join(f"{c.code} | {c.label} | {c.rule}" for c in categories())


def _stored() -> list[Category]:
    value = get_setting(REASON_CATEGORIES)
    if not value:
        return parse_categories(DEFAULT_CATEGORIES)
    try:
        rows = json.loads(value)
        return [
            Category(str(r["code"]), str(r["label"]), str(r["rule"]), bool(r.get("retired"))) for r in rows
        ]
    except (ValueError, TypeError, KeyError):
        pass
    try:
        return parse_categories(value)
    except BadCategoryLine:
        return parse_categories(DEFAULT_CATEGORIES)


def all_categories() -> list[Category]:
    """Every category ever configured, retired ones included (settings page, past decisions)."""
    return _stored()


def categories() -> list[Category]:
    """The categories a moderator can choose now (the defaults when none or unreadable ones are stored)."""
    return [c for c in _stored() if not c.retired]


def category(code: str | None) -> Category | None:
    """The category with this code, retired ones too: past decisions keep naming theirs."""
    return next((c for c in all_categories() if c.code == code), None)


def choosable(code: str | None) -> Category | None:
    """The category with this code if a moderator may choose it now (not retired)."""
    return next((c for c in categories() if c.code == code), None)


def dump_categories(rows: list[Category]) -> str:
    """The stored form of the rows (JSON, order kept)."""
    return json.dumps([asdict(row) for row in rows], ensure_ascii=False)


def threshold() -> int:
    """K: this many different reporters hide a citizen's comment until a moderator decides."""
    return max(1, get_int(AUTOHIDE_THRESHOLD, DEFAULT_THRESHOLD))


def first_n() -> int:
    """N: the first N published contributions of an account are held (0 = off)."""
    return max(0, get_int(PREMODERATION_FIRST_N, 0))
