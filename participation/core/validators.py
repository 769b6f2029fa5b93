"""Field checks shared by every form: no control characters, no invisible-only text."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError

# Bidirectional overrides and isolates can disguise a name ("evil\u202egnp.exe").
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def normalize_text(value: object) -> object:
    """WTForms filter: NFC-normalise and trim surrounding whitespace; leaves non-strings alone."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value).strip()


def has_forbidden_characters(value: str, *, multiline: bool = False) -> bool:
    """True for NUL and other control characters (newline and tab allowed in multi-line text)."""
    allowed = {"\n", "\r", "\t"} if multiline else set()
    for char in value:
        if char in allowed:
            continue
        if char in _BIDI_CONTROLS or unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"}:
            return True
    return False


def is_visibly_empty(value: str) -> bool:
    """True when the text holds nothing a reader can see (spaces, zero-width characters)."""
    return all(unicodedata.category(c) in {"Zs", "Zl", "Zp", "Cf", "Mn"} or c.isspace() for c in value)


class SafeText:
    """Validator: refuse control characters and text made only of invisible characters."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form: object, field: Field) -> None:
        """Raise ValidationError for control characters or invisible-only text."""
        value = field.data or ""
        if not isinstance(value, str):
            return
        if has_forbidden_characters(value, multiline=self.multiline):
            raise ValidationError(_l("Der Text enthält unzulässige Steuerzeichen."))
        if value and is_visibly_empty(value):
            raise ValidationError(_l("Der Text enthält keine sichtbaren Zeichen."))
