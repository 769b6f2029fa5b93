"""Password policy: length bounds, a shipped list of common passwords, no e-mail or name as password."""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

MIN_LENGTH = 10
# Long inputs are refused so a hostile client cannot make us hash megabytes per request.
MAX_LENGTH = 256

# Personal data shorter than this is too likely to occur by chance inside a good password.
_MIN_CONTAINED_LENGTH = 4

# Cc covers NUL, line breaks and the other C0/C1 controls; Cs are lone surrogates, which UTF-8 cannot encode.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs"})

MSG_TOO_SHORT = _l("Das Passwort muss mindestens 10 Zeichen lang sein.")
MSG_TOO_LONG = _l("Das Passwort darf höchstens 256 Zeichen lang sein.")
MSG_CONTROL_CHARS = _l("Das Passwort enthält unzulässige Steuerzeichen.")
MSG_COMMON = _l("Dieses Passwort ist zu verbreitet und leicht zu erraten. Bitte wählen Sie ein anderes.")
MSG_PERSONAL = _l("Das Passwort darf nicht Ihre E-Mail-Adresse oder Ihren Namen enthalten.")


def _normalise(value: str) -> str:
    """Fold a string for comparison: NFKC so composed and decomposed umlauts match, then casefold."""
    # casefold() also maps "ß" to "ss", so "Fußball123" and "fussball123" are the same entry.
    return unicodedata.normalize("NFKC", value).casefold()


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, normalised, loaded once per process."""
    text = resources.files("participation.accounts").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(
        _normalise(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _is_common(folded: str) -> bool:
    """True for list entries and for a single repeated character such as "aaaaaaaaaaaa"."""
    return folded in common_passwords() or len(set(folded)) == 1


def _is_personal(folded: str, email: str | None, display_name: str | None) -> bool:
    """True when the password is the e-mail, its local part or the display name, or holds the local part."""
    candidates: set[str] = set()
    if email and email.strip():
        folded_email = _normalise(email.strip())
        local_part = folded_email.rpartition("@")[0] or folded_email
        candidates.update({folded_email, local_part})
        # Only longer local parts count as "contained"; "max" inside a passphrase is coincidence.
        if len(local_part) >= _MIN_CONTAINED_LENGTH and local_part in folded:
            return True
    if display_name and display_name.strip():
        candidates.add(_normalise(display_name.strip()))
    return folded in candidates


def password_problems(
    password: str, *, email: str | None = None, display_name: str | None = None
) -> list[str]:
    """German, lazily translated messages for every rule the password breaks; empty when it is acceptable."""
    if len(password) > MAX_LENGTH:
        # Stop here: nothing else is worth computing on an input we refuse anyway.
        return [MSG_TOO_LONG]
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(MSG_TOO_SHORT)
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in password):
        problems.append(MSG_CONTROL_CHARS)
    folded = _normalise(password)
    if _is_common(folded):
        problems.append(MSG_COMMON)
    if _is_personal(folded, email, display_name):
        problems.append(MSG_PERSONAL)
    return problems


def _field_text(form: Any, name: str) -> str | None:
    """The string data of a sibling form field, or None when the form has no such field."""
    field = getattr(form, name, None)
    data = getattr(field, "data", None)
    return data if isinstance(data, str) and data.strip() else None


class PasswordPolicy:
    """WTForms validator that raises the first problem reported by password_problems()."""

    def __call__(self, form: Any, field: Any) -> None:
        """Check field.data against the policy, using the form's e-mail and name where available."""
        # Sign-up forms carry the e-mail and name as sibling fields; change-password forms set
        # form.context_user instead. A value typed into the form wins over the stored one.
        user = getattr(form, "context_user", None)
        email = _field_text(form, "email") or getattr(user, "email", None)
        display_name = _field_text(form, "display_name") or getattr(user, "display_name", None)
        problems = password_problems(field.data or "", email=email, display_name=display_name)
        if problems:
            raise ValidationError(problems[0])
