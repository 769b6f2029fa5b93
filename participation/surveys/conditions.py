"""Conditions: show a question or page only if earlier answers match; evaluated on the server."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

OPERATOR_LABELS = {
    "eq": _l("ist gleich"),
    "ne": _l("ist nicht gleich"),
    "contains": _l("enthält die Antwort"),
    "answered": _l("ist beantwortet"),
    "not_answered": _l("ist nicht beantwortet"),
    "lt": _l("ist kleiner als"),
    "le": _l("ist höchstens"),
    "gt": _l("ist größer als"),
    "ge": _l("ist mindestens"),
}
# Which operators make sense for which source type (the builder offers only these).
OPERATORS_FOR_TYPE = {
    "single": ("eq", "ne", "answered", "not_answered"),
    "multiple": ("contains", "answered", "not_answered"),
    "yesno": ("eq", "ne", "answered", "not_answered"),
    "number": ("eq", "ne", "lt", "le", "gt", "ge", "answered", "not_answered"),
    "scale": ("eq", "ne", "lt", "le", "gt", "ge", "answered", "not_answered"),
    "date": ("eq", "ne", "lt", "le", "gt", "ge", "answered", "not_answered"),
    "short_text": ("eq", "ne", "answered", "not_answered"),
    "long_text": ("answered", "not_answered"),
    "matrix": ("answered", "not_answered"),
    "ranking": ("answered", "not_answered"),
}


def _comparable(source_type: str, value, text: str | None):
    """The condition's stored value in the source's value type (None when it does not parse)."""
    if text is None:
        return None
    try:
        if source_type == "date":
            return date.fromisoformat(text)
        if source_type in ("number", "scale"):
            return Decimal(text.replace(",", "."))
    except (ValueError, InvalidOperation):
        return None
    if source_type == "yesno":
        return text == "ja"
    return text.casefold()


def holds(condition, values: dict) -> bool:
    """Does one condition hold for the answers given so far (hidden questions count as unanswered)?"""
    source = condition.source
    value = values.get(source.id)
    operator = condition.operator
    if operator == "answered":
        return value is not None
    if operator == "not_answered":
        return value is None
    if value is None:
        return False
    if source.qtype == "single":
        same = value[0] == condition.option_id
        return same if operator in ("eq", "contains") else not same
    if source.qtype == "multiple":
        return condition.option_id in value[0]
    if source.qtype == "scale" and value == "dk":
        return operator == "ne"
    expected = _comparable(source.qtype, value, condition.value)
    if expected is None:
        return False
    actual = (
        value.casefold() if isinstance(value, str) else (Decimal(value) if source.qtype == "scale" else value)
    )
    match operator:
        case "eq":
            return actual == expected
        case "ne":
            return actual != expected
        case "lt":
            return actual < expected
        case "le":
            return actual <= expected
        case "gt":
            return actual > expected
        case "ge":
            return actual >= expected
    return False


def all_hold(target, values: dict) -> bool:
    """A target without conditions is always shown; else AND ("all") or OR ("any") of its conditions."""
    conditions = target.conditions
    if not conditions:
        return True
    results = (holds(c, values) for c in conditions)
    return any(results) if target.condition_mode == "any" else all(results)


def describe(condition) -> str:
    """A condition in words for the builder and the assisted-entry form."""
    parts = [f"{condition.source.code} {OPERATOR_LABELS[condition.operator]}"]
    if condition.option is not None:
        parts.append(f"„{condition.option.label}“")
    elif condition.value not in (None, ""):
        parts.append(f"„{condition.value}“")
    return " ".join(parts)


def describe_plain(condition) -> str:
    """A condition in words without question codes, for staff keying in paper forms."""
    text = condition.source.text or ""
    short = text if len(text) <= 60 else text[:59].rstrip() + "…"
    parts = [f"„{short}“ {OPERATOR_LABELS[condition.operator]}"]
    if condition.option is not None:
        parts.append(f"„{condition.option.label}“")
    elif condition.value not in (None, ""):
        parts.append(f"„{condition.value}“")
    return " ".join(parts)


def state(target, values: dict, decided) -> bool | None:
    """Three-valued: does the target apply (True/False), or is it undecided (None) because a source is
    still to come (`decided(source)` is False)? Used to count the pages that may still apply."""
    conditions = target.conditions
    if not conditions:
        return True
    results = [holds(c, values) if decided(c.source) else None for c in conditions]
    if target.condition_mode == "any":
        if any(r is True for r in results):
            return True
        return False if all(r is False for r in results) else None
    if any(r is False for r in results):
        return False
    return True if all(r is True for r in results) else None


def client_rule(condition, values: dict, on_page) -> dict:
    """One condition as data for static/js/branching.js: the source's field and how to compare, or
    the fixed result when the source is not on the page (answered earlier). No codes, no words."""
    source = condition.source
    if not on_page(source):
        return {"fixed": holds(condition, values)}
    rule = {"field": f"q{source.id}", "type": source.qtype, "op": condition.operator}
    if condition.option_id is not None:
        rule["option"] = str(condition.option_id)
    if condition.value not in (None, ""):
        rule["value"] = condition.value
    for key in ("decimal", "min", "max", "min_date", "max_date"):
        if source.setting(key) not in (None, ""):
            rule[key] = source.setting(key)
    if source.qtype in ("matrix", "ranking"):
        # The whole question counts as answered only when the server would accept it.
        rule["parts"] = len(source.rows if source.qtype == "matrix" else source.choices)
        rule["mandatory"] = bool(source.mandatory)
    return rule


def applies_when(question) -> str:
    """When a question (or its page) applies, in words without codes (for staff, not respondents)."""
    parts = []
    for target in (question.page, question):
        if target.conditions:
            joiner = f" {_('und') if target.condition_mode == 'all' else _('oder')} "
            parts.append(joiner.join(describe_plain(c) for c in target.conditions))
    return f" {_('und')} ".join(parts)
