"""Moderation settings as forms: the two thresholds, and one small form per reason category."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from participation.core.validators import SafeText, normalize_text


def _count(label, low: int, range_message, description) -> IntegerField:
    """A whole number from `low` to 100 (range_message names both ends, as a literal for translators)."""
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Bitte geben Sie eine Zahl an.")),
            NumberRange(low, 100, message=range_message),
        ],
        description=description,
    )


def _line(label, maximum: int, required_message) -> StringField:
    """One required line of plain text, at most `maximum` characters."""
    return StringField(
        label,
        filters=[normalize_text],
        validators=[
            DataRequired(required_message),
            Length(max=maximum, message=_l("Höchstens %(max)d Zeichen.", max=maximum)),
            SafeText(),
        ],
    )


class ThresholdsForm(FlaskForm):
    threshold = _count(
        _l("Automatisch ausblenden ab so vielen Meldungen"),
        1,
        _l("Bitte eine Zahl zwischen 1 und 100."),
        _l(
            "Melden so viele verschiedene Personen denselben Kommentar einer Bürgerin oder eines Bürgers, "
            "wird er sofort vorläufig ausgeblendet, bis die Moderation entscheidet. Beiträge von "
            "Mitarbeitenden werden nie automatisch ausgeblendet."
        ),
    )
    first_n = _count(
        _l("Vorabprüfung: die ersten so vielen Beiträge neuer Konten"),
        0,
        _l("Bitte eine Zahl zwischen 0 und 100."),
        _l(
            "Die ersten so vielen Kommentare eines Kontos erscheinen erst, wenn die Moderation sie "
            "freigibt; danach erscheinen seine Beiträge sofort. 0 schaltet die Vorabprüfung aus."
        ),
    )


class CategoryForm(FlaskForm):
    label = _line(_l("Bezeichnung"), 80, _l("Bitte geben Sie eine Bezeichnung an."))
    rule = _line(
        _l("Netiquette-Regel"), 200, _l("Bitte nennen Sie die Regel, auf die sich der Grund stützt.")
    )


# Shown once, under the new row's rule field (not repeated on every row).
RULE_HINT = _l("Zum Beispiel „Regel 2: Keine Beleidigungen“. Die Person liest sie in der Begründung.")
