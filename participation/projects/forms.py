"""Project forms: field checks only (format, length); uniqueness of the slug is checked by the service."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from participation.core.forms import SelectChoice, add_error
from participation.core.validators import SafeText, normalize_text
from participation.projects.models import PHASE_LABELS, Phase

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Path segments the blueprint uses itself under /projekte/.
RESERVED_SLUGS = frozenset({"neu", "admin", "kommentare", "suche"})
PHASE_CHOICES = [SelectChoice(phase.value, label) for phase, label in PHASE_LABELS.items()]


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _slug_format(form, field) -> None:
    value = field.data or ""
    if not SLUG_RE.match(value):
        raise ValidationError(
            _l("Die Kurzadresse darf nur Kleinbuchstaben (a–z), Ziffern und einzelne Bindestriche enthalten.")
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(_l("Diese Kurzadresse ist reserviert. Bitte wählen Sie eine andere."))


def _text(label, max_length: int, *, required: bool = False, multiline: bool = False, **kwargs):
    field_class = TextAreaField if multiline else StringField
    first = DataRequired(_l("Bitte füllen Sie dieses Feld aus.")) if required else Optional()
    return field_class(
        label,
        filters=[normalize_text],
        validators=[
            first,
            Length(max=max_length, message=_l("Höchstens %(max)d Zeichen.", max=max_length)),
            SafeText(multiline=multiline),
        ],
        **kwargs,
    )


class CoordinateField(DecimalField):
    """A decimal degree; what cannot be read as a number gets one German hint (the text stays)."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            # "52,5" is how Germans write numbers; the stored coordinate needs a decimal point.
            raise ValueError(_l("Bitte geben Sie die Zahl mit Punkt an, z. B. 52.52.")) from error


def _range(low: int, high: int, message):
    """NumberRange that stays quiet when the text was no number at all (that already has its message)."""
    check = NumberRange(low, high, message=message)

    def validate(form, field) -> None:
        if field.data is not None:
            check(form, field)

    return validate


class ProjectForm(FlaskForm):
    title = _text(_l("Titel"), 160, required=True)
    slug = StringField(
        _l("Kurzadresse"),
        filters=[normalize_text, _lower],
        validators=[
            DataRequired(_l("Bitte geben Sie eine Kurzadresse an.")),
            Length(min=3, max=80, message=_l("Die Kurzadresse muss 3 bis 80 Zeichen lang sein.")),
            _slug_format,
        ],
        description=_l("Erscheint in der Adresse der Seite, z. B. „radweg-bahnhofstrasse“."),
    )
    summary = _text(_l("Kurzbeschreibung"), 400, required=True, multiline=True)
    description = _text(
        _l("Beschreibung"),
        20_000,
        multiline=True,
        description=_l("Markdown: **fett**, *kursiv*, - Aufzählung, [Linktext](https://…)"),
    )
    district = _text(_l("Ortsteil"), 80)
    location_text = _text(_l("Ort"), 200, description=_l("z. B. „Marktplatz zwischen Rathaus und Kirche“"))
    latitude = CoordinateField(
        _l("Breitengrad (optional)"),
        places=6,
        validators=[Optional(), _range(-90, 90, _l("Bitte eine Zahl zwischen -90 und 90."))],
    )
    longitude = CoordinateField(
        _l("Längengrad (optional)"),
        places=6,
        validators=[Optional(), _range(-180, 180, _l("Bitte eine Zahl zwischen -180 und 180."))],
    )
    phase = SelectField(_l("Aktuelle Phase"), choices=PHASE_CHOICES, validate_choice=True)
    department = _text(_l("Zuständiges Amt"), 160)
    contact = _text(_l("Ansprechperson und Kontakt"), 300, multiline=True)
    discussion_open = BooleanField(_l("Diskussion ist geöffnet"), default=True)
    premoderation = BooleanField(
        _l("Vorabprüfung: Jeder neue Kommentar wartet auf Freigabe durch die Moderation"), default=False
    )

    def phase_date_fields(self):
        """(phase label, start field, end field) for the timeline fieldset."""
        return [
            (PHASE_LABELS[phase], self[f"starts_{phase.value}"], self[f"ends_{phase.value}"])
            for phase in Phase
        ]

    def phase_dates(self) -> dict:
        return {
            phase.value: (self[f"starts_{phase.value}"].data, self[f"ends_{phase.value}"].data)
            for phase in Phase
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for phase in Phase:
            start, end = self[f"starts_{phase.value}"], self[f"ends_{phase.value}"]
            if start.data and end.data and end.data < start.data:
                add_error(end, _l("Das Ende darf nicht vor dem Beginn liegen."))
                valid = False
        return valid


for _phase in Phase:
    _label = PHASE_LABELS[_phase]
    setattr(
        ProjectForm,
        f"starts_{_phase.value}",
        DateField(
            _l("%(phase)s: Beginn", phase=_label),
            validators=[Optional()],
            render_kw={"autocomplete": "off"},
        ),
    )
    setattr(
        ProjectForm,
        f"ends_{_phase.value}",
        DateField(
            _l("%(phase)s: Ende", phase=_label),
            validators=[Optional()],
            render_kw={"autocomplete": "off"},
        ),
    )


class ProjectFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Suche im Titel"),
        filters=[normalize_text],
        validators=[Optional(), Length(max=100, message=_l("Der Suchbegriff ist zu lang.")), SafeText()],
    )
    phase = SelectField(
        _l("Phase"), choices=[SelectChoice("", _l("Alle Phasen")), *PHASE_CHOICES], validators=[Optional()]
    )
    district = SelectField(_l("Ortsteil"), choices=[], validate_choice=False, validators=[Optional()])
