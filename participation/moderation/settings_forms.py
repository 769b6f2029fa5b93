"""Moderation settings as forms: the two thresholds, and one small form per reason category."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from participation.core.validators import SafeText, normalize_text


class ThresholdsForm(FlaskForm):
    threshold = IntegerField(
        _l("Automatisch ausblenden ab so vielen Meldungen"),
        validators=[
            InputRequired(_l("Bitte geben Sie eine Zahl an.")),
            NumberRange(1, 100, message=_l("Bitte eine Zahl zwischen 1 und 100.")),
        ],
        description=_l(
            "Melden so viele verschiedene Personen denselben Kommentar einer Bürgerin oder eines Bürgers, "
            "wird er sofort vorläufig ausgeblendet, bis die Moderation entscheidet. Beiträge von "
            "Mitarbeitenden werden nie automatisch ausgeblendet."
        ),
    )
    first_n = IntegerField(
        _l("Vorabprüfung: die ersten so vielen Beiträge neuer Konten"),
        validators=[
            InputRequired(_l("Bitte geben Sie eine Zahl an.")),
            NumberRange(0, 100, message=_l("Bitte eine Zahl zwischen 0 und 100.")),
        ],
        description=_l(
            "Die ersten so vielen Kommentare eines Kontos erscheinen erst, wenn die Moderation sie "
            "freigibt; danach erscheinen seine Beiträge sofort. 0 schaltet die Vorabprüfung aus."
        ),
    )


class CategoryForm(FlaskForm):
    label = StringField(
        _l("Bezeichnung"),
        filters=[normalize_text],
        validators=[
            DataRequired(_l("Bitte geben Sie eine Bezeichnung an.")),
            Length(max=80, message=_l("Höchstens %(max)d Zeichen.", max=80)),
            SafeText(),
        ],
    )
    rule = StringField(
        _l("Netiquette-Regel"),
        filters=[normalize_text],
        validators=[
            DataRequired(_l("Bitte nennen Sie die Regel, auf die sich der Grund stützt.")),
            Length(max=200, message=_l("Höchstens %(max)d Zeichen.", max=200)),
            SafeText(),
        ],
    )


# Shown once, under the new row's rule field (not repeated on every row).
RULE_HINT = _l("Zum Beispiel „Regel 2: Keine Beleidigungen“. Die Person liest sie in der Begründung.")
