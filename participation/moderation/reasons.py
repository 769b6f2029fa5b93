"""Reason categories for decisions, the auto-hide threshold K and the first-N pre-moderation setting."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
        categories.append(Category(*parts))
    if not categories:
        raise BadCategoryLine(0)
    return categories


def categories_text() -> str:
    """The admin's lines as stored (the defaults when none are)."""
    return get_setting(REASON_CATEGORIES, DEFAULT_CATEGORIES) or DEFAULT_CATEGORIES


def categories() -> list[Category]:
    """The configured categories (the defaults when none or unreadable ones are stored)."""
    try:
        return parse_categories(categories_text())
    except BadCategoryLine:
        return parse_categories(DEFAULT_CATEGORIES)


def category(code: str | None) -> Category | None:
    """The category with this code, if it is configured."""
    return next((c for c in categories() if c.code == code), None)


def threshold() -> int:
    """K: this many different reporters hide a citizen's comment until a moderator decides."""
    return max(1, get_int(AUTOHIDE_THRESHOLD, DEFAULT_THRESHOLD))


def first_n() -> int:
    """N: the first N published contributions of an account are held (0 = off)."""
    return max(0, get_int(PREMODERATION_FIRST_N, 0))
