"""Moderation forms: field checks only; the services check states and rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from participation.core.forms import SelectChoice
from participation.core.validators import SafeText, normalize_text
from participation.moderation import reasons
from participation.moderation.models import ACTION_LABELS, RESTRICTIONS, Action


def _text(label, maximum: int, required: bool, message=None, description=None):
    checks = [
        Length(max=maximum, message=_l("Höchstens %(max)d Zeichen.", max=maximum)),
        SafeText(multiline=True),
    ]
    if required:
        checks.insert(0, DataRequired(message or _l("Bitte geben Sie eine Begründung an.")))
    return TextAreaField(label, filters=[normalize_text], validators=checks, description=description)


def category_choices(blank: str = _l("– keine –")) -> list[SelectChoice]:
    """The choosable categories as "label (rule)", after an empty choice with the given text."""
    return [SelectChoice("", blank)] + [
        SelectChoice(c.code, f"{c.label} ({c.rule})") for c in reasons.categories()
    ]


# The decision buttons (the action is the button pressed; ACTION_LABELS say what was decided).
ACTION_BUTTONS = {
    Action.PUBLISH: _l("Freigeben"),
    Action.HIDE: _l("Ausblenden"),
    Action.REMOVE: _l("Entfernen"),
    Action.RESTORE: _l("Wieder anzeigen"),
    Action.DISMISS: _l("Meldungen verwerfen"),
    Action.REJECT: _l("Ablehnen"),
}


class DecisionForm(FlaskForm):
    """One decision on a queue item: the button pressed is the action (queue row and item page)."""

    action = RadioField(
        _l("Entscheidung"), validators=[InputRequired(_l("Bitte wählen Sie eine Entscheidung."))]
    )
    reason_code = SelectField(_l("Grund (Kategorie)"), validate_choice=False)
    text = _text(
        _l("Begründung für die betroffene Person"),
        1000,
        required=False,
        description=_l(
            "Pflicht beim Ausblenden, Entfernen und Ablehnen: Die Person erhält Kategorie, Begründung "
            "und die Netiquette-Regel. Der Text des Beitrags wird nie verändert."
        ),
    )
    version = HiddenField()
    # Where to go after the decision: the queue page it was taken on (checked in the view).
    back = HiddenField()

    def set_actions(self, actions: list[Action], choices: list[SelectChoice] | None = None) -> None:
        """The actions that fit the item; `choices` saves reading the categories once per row."""
        self.action.choices = [SelectChoice(a.value, ACTION_LABELS[a]) for a in actions]
        self.reason_code.choices = choices if choices is not None else category_choices()

    def for_item(self, item_id: int) -> DecisionForm:
        """Ids unique per item, so many forms fit on one page (the names stay what the view reads)."""
        for name in ("reason_code", "text", "action"):
            bound = self[name]
            bound.id = bound.label.field_id = f"{name}-{item_id}"
        return self

    def validate_reason_code(self, field) -> None:
        if field.data and reasons.category(field.data) is None:
            raise ValidationError(_l("Diesen Grund gibt es nicht. Bitte wählen Sie einen aus der Liste."))
        if self.action.data in {a.value for a in RESTRICTIONS} and not field.data:
            raise ValidationError(_l("Bitte wählen Sie einen Grund."))

    def validate_text(self, field) -> None:
        if self.action.data in {a.value for a in RESTRICTIONS} and not field.data:
            raise ValidationError(_l("Bitte begründen Sie die Entscheidung für die betroffene Person."))


class AppealForm(FlaskForm):
    text = _text(
        _l("Ihr Einspruch"),
        2000,
        required=True,
        message=_l("Bitte begründen Sie Ihren Einspruch."),
        description=_l("Warum halten Sie die Entscheidung für falsch? Höchstens 2.000 Zeichen."),
    )


class AppealDecisionForm(FlaskForm):
    outcome = RadioField(
        _l("Ergebnis"),
        choices=[
            SelectChoice("aufrecht", _l("Einspruch zurückweisen – die Entscheidung bleibt")),
            SelectChoice("aufheben", _l("Einspruch stattgeben – die Entscheidung wird aufgehoben")),
        ],
        validators=[InputRequired(_l("Bitte wählen Sie ein Ergebnis."))],
    )
    answer = _text(_l("Antwort an die Person"), 1000, required=True)
    version = HiddenField()
