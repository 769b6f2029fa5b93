"""Discussion forms: field checks only (length, control characters, known choices)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, ValidationError

from participation.core.forms import SelectChoice
from participation.core.validators import SafeText, normalize_text
from participation.discussions.models import MAX_BODY_LENGTH, REASONS_NEEDING_TEXT, REPORT_REASON_LABELS

BODY_HINT = _l(
    "Markdown ist möglich: **fett**, *kursiv*, - Aufzählung, [Linktext](https://…). Höchstens 5.000 Zeichen."
)


def _body_field(label):
    return TextAreaField(
        label,
        filters=[normalize_text],
        validators=[
            DataRequired(_l("Bitte schreiben Sie einen Text.")),
            Length(max=MAX_BODY_LENGTH, message=_l("Der Kommentar darf höchstens 5.000 Zeichen lang sein.")),
            SafeText(multiline=True),
        ],
        description=BODY_HINT,
    )


class CommentForm(FlaskForm):
    body = _body_field(_l("Ihr Kommentar"))
    # Set when replying; checked against the project in the view (exists, same project, open).
    parent_id = HiddenField(filters=[lambda v: v.strip() if isinstance(v, str) else v])


class EditCommentForm(FlaskForm):
    body = _body_field(_l("Ihr Kommentar"))


class VoteForm(FlaskForm):
    value = IntegerField(validators=[InputRequired(), AnyOf([-1, 0, 1])])


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("Grund der Meldung"),
        choices=[SelectChoice(reason.value, label) for reason, label in REPORT_REASON_LABELS.items()],
        validators=[InputRequired(_l("Bitte wählen Sie einen Grund."))],
    )
    text = TextAreaField(
        _l("Erläuterung"),
        filters=[normalize_text],
        validators=[
            Length(max=1000, message=_l("Die Erläuterung darf höchstens 1.000 Zeichen lang sein.")),
            SafeText(multiline=True),
        ],
        description=_l("Pflicht bei „Rechtswidriger Inhalt“ und „Sonstiges“: Was genau ist das Problem?"),
    )

    def validate_text(self, field) -> None:
        if self.reason.data in {reason.value for reason in REASONS_NEEDING_TEXT} and not field.data:
            raise ValidationError(_l("Bitte beschreiben Sie bei diesem Grund kurz das Problem."))


class ModerationForm(FlaskForm):
    """Hide or restore in place; hiding needs a reason category (the moderation desk's list) and a text."""

    reason_code = SelectField(_l("Grund (Kategorie)"), validate_choice=False)
    reason = TextAreaField(
        _l("Begründung"),
        filters=[normalize_text],
        validators=[
            DataRequired(_l("Bitte geben Sie eine Begründung an.")),
            Length(max=500, message=_l("Die Begründung darf höchstens 500 Zeichen lang sein.")),
            SafeText(multiline=True),
        ],
        description=_l("Die Begründung wird im Protokoll festgehalten."),
    )

    def __init__(self, *args, categories=(), **kwargs):
        """`categories`: (code, label) pairs; when given, choosing one is required (hiding)."""
        super().__init__(*args, **kwargs)
        self.categories = {code: label for code, label in categories}
        self.reason_code.choices = [SelectChoice("", _l("– bitte wählen –"))] + [
            SelectChoice(code, label) for code, label in self.categories.items()
        ]
        if self.categories:
            self.reason.label.text = _l("Begründung für die betroffene Person")
            self.reason.description = _l(
                "Die Person erhält Grund, Begründung und die Netiquette-Regel und kann Einspruch "
                "einlegen. Der Text des Kommentars wird nicht verändert."
            )

    def validate_reason_code(self, field) -> None:
        if not self.categories:
            field.data = ""  # restoring takes no category
            return
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie einen Grund."))
        if field.data not in self.categories:
            raise ValidationError(_l("Diesen Grund gibt es nicht. Bitte wählen Sie einen aus der Liste."))
