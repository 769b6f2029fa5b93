"""Admin forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from participation.accounts.models import ROLE_LABELS
from participation.core.forms import MultiCheckboxField, SelectChoice
from participation.core.validators import SafeText, normalize_text


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(
        _l("Rollen"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validate_choice=True,
        description=_l("Jedes Konto ist Bürgerin bzw. Bürger; weitere Rollen kommen hinzu."),
    )


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Suche nach Name oder E-Mail"),
        filters=[normalize_text],
        validators=[Optional(), Length(max=100, message=_l("Der Suchbegriff ist zu lang.")), SafeText()],
    )
    role = SelectField(
        _l("Rolle"),
        choices=[SelectChoice("", _l("Alle"))]
        + [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[Optional()],
    )


class LegalPageForm(FlaskForm):
    body = TextAreaField(
        _l("Text (Markdown)"),
        validators=[
            DataRequired(_l("Der Text darf nicht leer sein.")),
            Length(max=100_000, message=_l("Der Text darf höchstens 100.000 Zeichen lang sein.")),
            SafeText(multiline=True),
        ],
    )
