"""LimeSurvey import, part three: relevance equations to this platform's conditions.

Only simple forms map: `Q1 == "A2"`, `Q1.NAOK != "A2"`, `[!]is_empty(Q1)`, `Q2_SQ001 == "Y"` (a ticked
multiple-choice option), joined by only "and" or only "or". Anything else is Unmapped with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from flask_babel import gettext as _

from participation.surveys.conditions import OPERATORS_FOR_TYPE


class Unmapped(Exception):
    """A question or condition without an equal here; the message says why (German)."""


@dataclass
class PlannedCondition:
    """One condition: source question (LimeSurvey code), operator, option code or value."""

    source: str
    operator: str
    option: str | None = None
    value: str | None = None


class Source(Protocol):
    """What a condition needs to know of an earlier question (limesurvey_mapping.PlannedQuestion)."""

    code: str
    qtype: str
    options: list[tuple[str, str, bool]]


NAME = r"([A-Za-z][A-Za-z0-9]*)(?:_([A-Za-z0-9-]+))?(?:\.NAOK)?"
EMPTY = re.compile(rf"^(!\s*)?is_empty\(\s*{NAME}\s*\)$")
COMPARE = re.compile(rf"""^{NAME}\s*(==|!=|\beq\b|\bne\b)\s*(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?))$""")
SPLIT = re.compile(r"\s+(and|or)\s+|\s*(&&|\|\|)\s*", re.IGNORECASE)


def parse_relevance(expr: str, earlier: Mapping[str, Source]) -> tuple[list[PlannedCondition], str]:
    """The conditions and their mode ("all"/"any") for an equation of the forms above, else Unmapped."""
    expr = _unwrap((expr or "").strip())
    if expr in ("", "1"):
        return [], "all"
    atoms, joiners = _split(expr)
    if len(set(joiners)) > 1:
        raise Unmapped(_("„und“ und „oder“ gemischt gibt es hier nicht."))
    atoms = [_unwrap(atom) for atom in atoms]
    if len(atoms) > 1 and any(len(_split(atom)[0]) > 1 for atom in atoms):
        raise Unmapped(_("„und“ und „oder“ gemischt gibt es hier nicht."))
    conditions = [_atom(atom, earlier) for atom in atoms]
    return conditions, "any" if joiners and joiners[0] == "or" else "all"


def _unwrap(expr: str) -> str:
    """Remove parentheses around the whole expression."""
    while expr.startswith("(") and expr.endswith(")") and _balanced(expr[1:-1]):
        expr = expr[1:-1].strip()
    return expr


def _balanced(expr: str) -> bool:
    """True when the parentheses (outside quotes) never close more than they opened."""
    depth, quote = 0, ""
    for char in expr:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "()":
            depth += 1 if char == "(" else -1
            if depth < 0:
                return False
    return depth == 0


def _split(expr: str) -> tuple[list[str], list[str]]:
    """Split at and/or (&&, ||) outside quotes and parentheses."""
    atoms, joiners, start, depth, quote, i = [], [], 0, 0, "", 0
    while i < len(expr):
        char = expr[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif depth == 0 and (match := SPLIT.match(expr, i)):
            atoms.append(expr[start:i].strip())
            word = (match.group(1) or match.group(2)).lower()
            joiners.append("and" if word in ("and", "&&") else "or")
            start = i = match.end()
            continue
        i += 1
    atoms.append(expr[start:].strip())
    return atoms, joiners


def _atom(atom: str, earlier: Mapping[str, Source]) -> PlannedCondition:
    """One comparison or emptiness test against a question mapped earlier."""
    if match := EMPTY.match(atom):
        negated, code, sub = bool(match.group(1)), match.group(2), match.group(3)
        source = _source(code, earlier)
        if sub is None:
            return PlannedCondition(code, "answered" if negated else "not_answered")
        if negated and source.qtype == "multiple" and any(o[0] == sub for o in source.options):
            return PlannedCondition(code, "contains", option=sub)
        raise Unmapped(_("Diese Form der Bedingung gibt es hier nicht."))
    match = COMPARE.match(atom)
    if not match:
        raise Unmapped(_("Diese Form der Bedingung gibt es hier nicht."))
    code, sub, op = match.group(1), match.group(2), match.group(3)
    value = next((g for g in match.groups()[3:] if g is not None), "")
    operator = "eq" if op in ("==", "eq") else "ne"
    source = _source(code, earlier)
    if sub is not None:
        if (
            source.qtype == "multiple"
            and operator == "eq"
            and value == "Y"
            and any(o[0] == sub for o in source.options)
        ):
            return PlannedCondition(code, "contains", option=sub)
        raise Unmapped(_("Diese Form der Bedingung gibt es hier nicht."))
    return _compare(source, operator, value)


def _source(code: str, earlier: Mapping[str, Source]) -> Source:
    """The earlier, mapped question a condition looks at."""
    source = earlier.get(code)
    if source is None:
        raise Unmapped(_("Die Frage %(code)s ist nicht übernommen oder steht nicht davor.", code=code))
    if source.qtype not in OPERATORS_FOR_TYPE:
        raise Unmapped(_("Auf die Frage %(code)s kann keine Bedingung verweisen.", code=code))
    return source


def _compare(source: Source, operator: str, value: str) -> PlannedCondition:
    """Equal / not equal for the source's type (option by code, ja/nein, number, text)."""
    if source.qtype == "single":
        if not any(o[0] == value for o in source.options):
            raise Unmapped(
                _("Die Antwort %(value)s gibt es bei %(code)s nicht.", value=value, code=source.code)
            )
        return PlannedCondition(source.code, operator, option=value)
    if source.qtype == "yesno" and value in ("Y", "N"):
        return PlannedCondition(source.code, operator, value="ja" if value == "Y" else "nein")
    if source.qtype in ("number", "scale") and decimal_text(value) is not None:
        return PlannedCondition(source.code, operator, value=decimal_text(value))
    if source.qtype == "short_text" and value:
        return PlannedCondition(source.code, operator, value=cut(value, 100))
    raise Unmapped(
        _("Ein Vergleich mit „%(value)s“ passt nicht zur Frage %(code)s.", value=value, code=source.code)
    )


def cut(text: str, limit: int) -> str:
    """Text shortened to a column's length."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def whole(text: str | None) -> int | None:
    """A positive whole number from an attribute, else None."""
    return int(text) if text and text.strip().isdigit() and 0 < int(text) <= 100000 else None


def decimal_text(text: str | None) -> str | None:
    """A number from an attribute or a condition, normalised ("2.50" → "2.5"), else None."""
    try:
        number = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        return None
    return format(number.normalize(), "f") if number.is_finite() and abs(number) < Decimal("1e12") else None
