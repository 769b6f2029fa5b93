"""The one sanction form (mute and block, moderation desk and admin area): duration, category, reason."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from participation.core.validators import SafeText, normalize_text
from participation.moderation import reasons
from participation.moderation.forms import category_choices
from participation.moderation.sanctions import MAX_SANCTION_DAYS


class SanctionForm(FlaskForm):
    """Start or extend a mute or block; seen_end is the running sanction's end the form was shown with."""

    days = IntegerField(
        _l("Dauer in Tagen"),
        validators=[
            InputRequired(_l("Bitte geben Sie eine Dauer an.")),
            NumberRange(1, MAX_SANCTION_DAYS, message=_l("Bitte eine Zahl zwischen 1 und 365.")),
        ],
    )
    reason_code = SelectField(
        _l("Grund (Kategorie und Netiquette-Regel)"),
        validate_choice=False,
        validators=[DataRequired(_l("Bitte wählen Sie einen Grund."))],
    )
    text = TextAreaField(
        _l("Begründung für die betroffene Person"),
        filters=[normalize_text],
        validators=[
            DataRequired(_l("Bitte begründen Sie die Entscheidung für die betroffene Person.")),
            Length(max=500, message=_l("Höchstens %(max)d Zeichen.", max=500)),
            SafeText(multiline=True),
        ],
        description=_l(
            "Die Person erhält Kategorie, Regel und diesen Text als Begründung und kann Einspruch einlegen."
        ),
    )
    seen_end = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason_code.choices = category_choices(_l("– bitte wählen –"))

    def validate_reason_code(self, field: SelectField) -> None:
        if field.data and reasons.choosable(field.data) is None:
            raise ValidationError(_l("Diesen Grund gibt es nicht. Bitte wählen Sie einen aus der Liste."))
