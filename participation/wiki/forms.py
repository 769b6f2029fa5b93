"""Wiki forms: field-level checks only (lengths, slug format); rules live in services."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from participation.core.forms import SelectChoice
from participation.core.validators import SafeText, normalize_text
from participation.wiki.models import BODY_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def optional_int(value: object) -> int | None:
    """The number in a hidden field, or None when it is empty or not a number."""
    if isinstance(value, int) or value is None:
        return value
    try:
        return int(str(value))
    except ValueError:
        return None


def _lowercase(value):
    return value.lower() if isinstance(value, str) else value


class _BodyLength:
    """Length check with the limit in the message (long bodies get a clear answer, not a 413)."""

    def __call__(self, form, field) -> None:
        if field.data and len(field.data) > BODY_MAX:
            raise ValidationError(
                _l(
                    "Der Text ist zu lang: höchstens %(max)s Zeichen, Ihr Text hat %(count)s.",
                    max=f"{BODY_MAX:,}".replace(",", "."),
                    count=f"{len(field.data):,}".replace(",", "."),
                )
            )


class PageEditForm(FlaskForm):
    """Title, text and an edit summary; base_revision_id says which approved text the editor saw."""

    title = StringField(
        _l("Titel"),
        filters=[normalize_text],
        validators=[
            DataRequired(_l("Bitte geben Sie einen Titel ein.")),
            Length(max=TITLE_MAX, message=_l("Der Titel darf höchstens %(max)d Zeichen lang sein.")),
            SafeText(),
        ],
    )
    body = TextAreaField(
        _l("Text"),
        filters=[normalize_text],
        validators=[
            DataRequired(_l("Bitte geben Sie einen Text ein.")),
            _BodyLength(),
            SafeText(multiline=True),
        ],
        description=_l(
            "Markdown: **fett**, *kursiv*, # Überschrift, - Liste. Links auf andere Seiten: "
            "[[Seitenname]] oder [[Seitenname|angezeigter Text]]."
        ),
    )
    summary = StringField(
        _l("Zusammenfassung der Änderung"),
        filters=[normalize_text],
        validators=[
            Optional(),
            Length(
                max=SUMMARY_MAX, message=_l("Die Zusammenfassung darf höchstens %(max)d Zeichen lang sein.")
            ),
            SafeText(),
        ],
        description=_l(
            "Zum Beispiel: „Öffnungszeiten ergänzt“. Hilft der Prüfung und steht in der Versionsgeschichte."
        ),
    )
    project_id = SelectField(
        _l("Vorhaben"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )
    base_revision_id = HiddenField(filters=[optional_int])


class PageCreateForm(PageEditForm):
    """A new page also gets its address (derived from the title when left empty)."""

    slug = StringField(
        _l("Adresse der Seite (optional)"),
        filters=[normalize_text, _lowercase],
        validators=[
            Optional(),
            Length(max=SLUG_MAX, message=_l("Die Adresse darf höchstens %(max)d Zeichen lang sein.")),
            Regexp(
                SLUG_RE,
                message=_l(
                    "Die Adresse darf nur Kleinbuchstaben (a–z), Ziffern und einzelne Bindestriche enthalten."
                ),
            ),
        ],
        description=_l("Wird aus dem Titel gebildet, wenn Sie nichts eintragen, z. B. „haeufige-fragen“."),
    )


def project_choices(projects) -> list[SelectChoice]:
    """ "No project" plus every project, for staff editing a page's link."""
    return [SelectChoice("", _l("– kein Vorhaben –"))] + [SelectChoice(str(p.id), p.title) for p in projects]
