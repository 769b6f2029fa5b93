"""Reason categories for decisions, the auto-hide threshold K and the first-N pre-moderation setting.

Categories are stored as JSON rows (code, label, rule, retired). A retired category is offered no
more but keeps its name on past decisions; older databases hold the pipe-separated lines, still read.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace

from participation.core.audit import record
from participation.core.permissions import InvalidState
from participation.core.settings import PREMODERATION_FIRST_N, get_int, get_setting, set_setting
from participation.core.types import Actor
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


# --- editing the categories as rows (settings page) ------------------------------------------------


def _new_code(label: str, taken: set[str]) -> str:
    """A stable code from the first label ("Werbung oder Spam" -> "werbung_oder_spam"), unique."""
    base = re.sub(r"[^a-z0-9]+", "_", label.lower().translate(_UMLAUTS)).strip("_")[:36] or "grund"
    base = base if len(base) >= 2 else f"grund_{base}"
    code, number = base, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    return code


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def add_category(actor: Actor, label: str, rule: str) -> Category:
    """Add a category at the end (audit-logged); its code stays fixed whatever it is renamed to later."""
    rows = all_categories()
    row = Category(_new_code(label, {c.code for c in rows}), label, rule)
    set_setting(actor, REASON_CATEGORIES, dump_categories([*rows, row]))
    record(actor, "moderation.category_added", None, label=label, code=row.code, rule=rule)
    return row


def change_category(actor: Actor, code: str, label: str, rule: str) -> Category:
    """Rename a category or change its rule (audit-logged); past decisions show the new name."""
    rows = all_categories()
    old = next(c for c in rows if c.code == code)
    new = replace(old, label=label, rule=rule)
    set_setting(actor, REASON_CATEGORIES, dump_categories([new if c.code == code else c for c in rows]))
    record(actor, "moderation.category_renamed", None, label=label, code=code, old_label=old.label, rule=rule)
    return new


def retire_category(actor: Actor, code: str, retired: bool) -> Category:
    """Retire a category (no longer offered; kept on past decisions) or bring it back; audit-logged."""
    rows = all_categories()
    old = next(c for c in rows if c.code == code)
    if retired and len([c for c in rows if not c.retired]) <= 1:
        raise LastCategory(code)
    new = replace(old, retired=retired)
    set_setting(actor, REASON_CATEGORIES, dump_categories([new if c.code == code else c for c in rows]))
    if retired:
        record(actor, "moderation.category_retired", None, label=old.label, code=code)
    else:
        record(actor, "moderation.category_reactivated", None, label=old.label, code=code)
    return new


class LastCategory(InvalidState):
    """The last choosable category cannot be retired: decisions need at least one."""
