"""Builder forms: survey settings, question, option, condition, codes. Field checks only."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from participation.core.forms import SelectChoice
from participation.core.validators import SafeText, normalize_text
from participation.surveys.models import ACCESS_LABELS
from participation.surveys.questions import TYPES

BERLIN = ZoneInfo("Europe/Berlin")
TEXT = [normalize_text]


def to_utc(value: datetime | None) -> datetime | None:
    """A datetime-local value means Berlin wall-clock time."""
    return value.replace(tzinfo=BERLIN).astimezone(UTC) if value else None


def to_local(value: datetime | None) -> datetime | None:
    """A stored UTC time as Berlin wall-clock time for a datetime-local field."""
    return value.astimezone(BERLIN).replace(tzinfo=None) if value else None


class SurveyForm(FlaskForm):
    title = StringField(
        _l("Titel"),
        filters=TEXT,
        validators=[DataRequired(_l("Bitte geben Sie einen Titel ein.")), Length(max=200), SafeText()],
    )
    intro = TextAreaField(
        _l("Einleitung"),
        filters=TEXT,
        description=_l("Markdown ist erlaubt."),
        validators=[Length(max=10000), SafeText(multiline=True)],
    )
    privacy_notice = TextAreaField(
        _l("Datenschutzhinweis"),
        filters=TEXT,
        description=_l("Wird vor dem Beantworten angezeigt."),
        validators=[Length(max=10000), SafeText(multiline=True)],
    )
    project_id = SelectField(_l("Vorhaben"), coerce=str, validators=[Optional()])
    access = RadioField(
        _l("Teilnahme"),
        choices=[SelectChoice(a.value, label) for a, label in ACCESS_LABELS.items()],
        validators=[InputRequired(_l("Bitte wählen Sie, wie man teilnimmt."))],
    )
    anonymous = BooleanField(_l("Anonym: Antworten werden ohne Verbindung zur Person gespeichert"))
    allow_changes = BooleanField(
        _l("Antworten dürfen bis zum Ende geändert werden (nur nicht anonym, mit Konto)")
    )
    starts_at = DateTimeLocalField(
        _l("Beginn"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Leer: sofort nach dem Veröffentlichen. Zeit in Berlin."),
    )
    ends_at = DateTimeLocalField(
        _l("Ende"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Leer: bis sie von Hand beendet wird."),
    )

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Das Ende muss nach dem Beginn liegen."))


QUESTION_TYPE_CHOICES = [SelectChoice(key, t.label) for key, t in TYPES.items()]


class NewQuestionForm(FlaskForm):
    qtype = SelectField(_l("Fragetyp"), choices=QUESTION_TYPE_CHOICES)
    text = TextAreaField(
        _l("Fragetext"),
        filters=TEXT,
        validators=[
            DataRequired(_l("Bitte geben Sie den Fragetext ein.")),
            Length(max=2000),
            SafeText(multiline=True),
        ],
    )


class QuestionForm(NewQuestionForm):
    """A question's full settings: type and text as when it was added, and everything else."""

    help_text = TextAreaField(
        _l("Hilfetext"), filters=TEXT, validators=[Length(max=2000), SafeText(multiline=True)]
    )
    mandatory = BooleanField(_l("Pflichtfrage"))
    display = SelectField(
        _l("Darstellung"),
        choices=[SelectChoice("radio", _l("Auswahlknöpfe")), SelectChoice("dropdown", _l("Aufklappliste"))],
        default="radio",
    )
    min_choices = IntegerField(_l("Mindestens auswählen"), validators=[Optional(), NumberRange(0, 100)])
    max_choices = IntegerField(_l("Höchstens auswählen"), validators=[Optional(), NumberRange(0, 100)])
    max_length = IntegerField(_l("Höchstlänge (Zeichen)"), validators=[Optional(), NumberRange(1, 20000)])
    decimal = BooleanField(_l("Dezimalzahlen erlauben"))
    min = StringField(_l("Kleinster Wert"), filters=TEXT, validators=[Optional(), Length(max=20)])
    max = StringField(_l("Größter Wert"), filters=TEXT, validators=[Optional(), Length(max=20)])
    scale_min = IntegerField(_l("Skala von"), validators=[Optional(), NumberRange(0, 1)])
    scale_max = IntegerField(_l("Skala bis"), validators=[Optional(), NumberRange(2, 10)])
    label_min = StringField(_l("Beschriftung Anfang"), filters=TEXT, validators=[Length(max=60), SafeText()])
    label_max = StringField(_l("Beschriftung Ende"), filters=TEXT, validators=[Length(max=60), SafeText()])
    dont_know = BooleanField(_l("„weiß nicht“ anbieten (außerhalb der Skala)"))
    min_date = DateField(_l("Frühestes Datum"), validators=[Optional()])
    max_date = DateField(_l("Spätestes Datum"), validators=[Optional()])

    def validate_min(self, field) -> None:
        _number(field)

    def validate_max(self, field) -> None:
        _number(field)

    def settings_for(self, qtype: str) -> dict:
        """Only the settings the chosen type uses, as JSON-friendly values."""
        settings = {}
        for key in TYPES[qtype].settings:
            value = getattr(self, key).data
            if value in (None, "", False):
                continue
            settings[key] = value.isoformat() if hasattr(value, "isoformat") else value
        if qtype in ("scale", "matrix"):
            settings.setdefault("scale_min", 1)
            settings.setdefault("scale_max", 5)
        return settings


def _number(field) -> None:
    if field.data:
        try:
            float(field.data.replace(",", "."))
        except ValueError:
            raise ValidationError(_l("Bitte geben Sie eine Zahl ein.")) from None
        field.data = field.data.replace(",", ".")


class OptionForm(FlaskForm):
    label = StringField(
        _l("Antworttext"),
        filters=TEXT,
        validators=[DataRequired(_l("Bitte geben Sie einen Text ein.")), Length(max=300), SafeText()],
    )
    is_other = BooleanField(_l("„Sonstiges“ mit Textfeld"))
    exclusive = BooleanField(_l("Schließt andere Antworten aus (z. B. „keine davon“)"))


class PageForm(FlaskForm):
    title = StringField(_l("Seitentitel"), filters=TEXT, validators=[Length(max=200), SafeText()])


class ConditionForm(FlaskForm):
    source_id = SelectField(_l("Frühere Frage"), coerce=str, validators=[InputRequired()])
    operator = SelectField(_l("Bedingung"), coerce=str, validators=[InputRequired()])
    option_id = SelectField(_l("Antwort"), coerce=str, validators=[Optional()])
    value = StringField(
        _l("Wert"),
        filters=TEXT,
        description=_l("Für Zahlen, Texte, Ja/Nein (ja/nein) und Daten (JJJJ-MM-TT)."),
        validators=[Length(max=100), SafeText()],
    )


class ConditionModeForm(FlaskForm):
    mode = RadioField(
        _l("Mehrere Bedingungen verknüpfen"),
        choices=[
            SelectChoice("all", _l("Alle müssen zutreffen (UND)")),
            SelectChoice("any", _l("Eine genügt (ODER)")),
        ],
    )


class CodesForm(FlaskForm):
    count = IntegerField(
        _l("Anzahl neuer Codes"),
        default=100,
        validators=[
            InputRequired(_l("Bitte geben Sie eine Anzahl ein.")),
            NumberRange(1, 5000, _l("Bitte zwischen 1 und 5000 Codes.")),
        ],
    )
