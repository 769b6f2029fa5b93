"""The weighting page's form: questions per dimension, each option's group, switch and bounds.

Fields are built per survey (its dimensions and options); each field checks its own value, the form
checks what depends on two fields (a question mapped twice, bounds in the wrong order).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import get_decimal_symbol
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, ValidationError
from wtforms.widgets import TextInput

from participation.core.forms import SelectChoice
from participation.surveys.models import Question
from participation.surveys.weighting.editing import Bounds
from participation.surveys.weighting.reference import dimension_label

NOT_WEIGHTED = ""


class GermanDecimalField(DecimalField):
    """A decimal number written with a comma ("0,3") or a point; shown with the page language's separator."""

    # A text box: a number input would refuse the comma the German value is shown with.
    widget = TextInput()

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = Decimal(valuelist[0].strip().replace(",", "."))
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Bitte geben Sie eine Zahl an, z. B. 0,3.")) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Bitte geben Sie eine Zahl an, z. B. 0,3."))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        # The bounds are small (at most 50): no thousands separator can be mistaken for the decimal one.
        return format(Decimal(self.data).normalize(), "f").replace(".", get_decimal_symbol(get_locale()))


def _number(
    label, required_message, low, high, range_message, *, whole: bool = False
) -> GermanDecimalField | IntegerField:
    """A required number from `low` to `high` (range_message names both ends, literally for translators)."""
    # A decimal is typed with the German comma (a text box), a whole number in a numeric keyboard.
    field_class = IntegerField if whole else GermanDecimalField
    return field_class(
        label,
        validators=[InputRequired(required_message), NumberRange(low, high, message=range_message)],
        render_kw={"inputmode": "numeric" if whole else "decimal", "autocomplete": "off"},
    )


class WeightingForm(FlaskForm):
    """The fixed part: the switch, the warning thresholds and the trimming bounds."""

    enabled = BooleanField(_l("Ergebnisse gewichten"))
    threshold_pp = _number(
        _l("Warnung ab Unterrepräsentation von (Prozentpunkten)"),
        _l("Bitte geben Sie eine Schwelle an."),
        0.1,
        50,
        _l("Bitte eine Zahl zwischen 0,1 und 50."),
    )
    min_cases = _number(
        _l("Mindestzahl Befragter je Gruppe"),
        _l("Bitte geben Sie eine Mindestzahl an."),
        1,
        10000,
        _l("Bitte eine ganze Zahl zwischen 1 und 10.000."),
        whole=True,
    )
    trim_lower = _number(
        _l("Kleinstes Gewicht"),
        _l("Bitte geben Sie das kleinste Gewicht an."),
        0.01,
        1,
        _l("Bitte eine Zahl zwischen 0,01 und 1."),
    )
    trim_upper = _number(
        _l("Größtes Gewicht"),
        _l("Bitte geben Sie das größte Gewicht an."),
        1,
        20,
        _l("Bitte eine Zahl zwischen 1 und 20."),
    )

    # Set by build_form: the dimension fields and the option fields per dimension.
    dimension_fields: list[tuple[str, str]]
    option_fields: dict[str, list[tuple[str, object]]]

    def validate_trim_upper(self, field) -> None:
        lower = self.trim_lower.data
        if field.data is not None and lower is not None and field.data <= lower:
            raise ValidationError(_l("Das größte Gewicht muss größer sein als das kleinste."))

    def validate_enabled(self, field) -> None:
        if field.data and not any(getattr(self, name).data for _dim, name in self.dimension_fields):
            raise ValidationError(
                _l("Ordnen Sie zuerst mindestens eine Frage einem Merkmal zu, dann kann gewichtet werden.")
            )

    def bounds(self) -> Bounds:
        """The typed settings (valid after validate())."""
        # InputRequired on each field: none is None once the form validated.
        return Bounds(
            threshold_pp=Decimal(self.threshold_pp.data or 0),
            min_cases=int(self.min_cases.data or 0),
            trim_lower=Decimal(self.trim_lower.data or 0),
            trim_upper=Decimal(self.trim_upper.data or 0),
        )

    def chosen_questions(self) -> dict[str, int | None]:
        """{dimension: question id or None} as submitted (valid after validate())."""
        return {
            dim: int(getattr(self, name).data) if getattr(self, name).data else None
            for dim, name in self.dimension_fields
        }

    def chosen_categories(self, dimension: str) -> dict[int, str | None]:
        """{option id: category or None} of the options shown for one dimension."""
        return {
            option.id: getattr(self, name).data or None  # type: ignore[attr-defined]
            for name, option in self.option_fields.get(dimension, [])
        }


def _choice_check(allowed: set[str], message):
    """A select's value must be one it offered (German message at the field)."""

    def check(form, field) -> None:
        if (field.data or "") not in allowed:
            raise ValidationError(message)

    return check


def _not_twice(dimension: str, earlier: list[tuple[str, str]]):
    """A question stands for one dimension only: the later field says which took it."""

    def check(form, field) -> None:
        for other_dimension, name in earlier:
            if other_dimension != dimension and field.data and getattr(form, name).data == field.data:
                raise ValidationError(
                    _l(
                        "Diese Frage ist schon dem Merkmal „%(dimension)s“ zugeordnet.",
                        dimension=dimension_label(other_dimension),
                    )
                )

    return check


def build_form(
    dimensions: dict[str, list[str]],
    questions: list[Question],
    shown: dict[str, Question],
    **kwargs,
) -> WeightingForm:
    """The form for these dimensions ({name: categories}), questions and the options shown per dimension."""

    class Form(WeightingForm):
        pass

    question_choices = [SelectChoice("", _l("keine Frage"))] + [
        SelectChoice(str(q.id), f"{q.code}: {q.text}") for q in questions
    ]
    allowed_questions = {choice.value for choice in question_choices}
    dimension_fields: list[tuple[str, str]] = []
    option_fields: dict[str, list[tuple[str, object]]] = {}
    for dimension, categories in dimensions.items():
        name = f"question_{dimension}"
        setattr(
            Form,
            name,
            SelectField(
                _l("Frage für „%(dimension)s“", dimension=dimension_label(dimension)),
                choices=question_choices,
                validate_choice=False,
                validators=[
                    _choice_check(
                        allowed_questions, _l("Bitte wählen Sie eine Einfachauswahl-Frage aus der Liste.")
                    ),
                    _not_twice(dimension, list(dimension_fields)),
                ],
            ),
        )
        dimension_fields.append((dimension, name))
        question = shown.get(dimension)
        if question is None:
            continue
        category_choices = [SelectChoice(NOT_WEIGHTED, _l("nicht gewichten (keine Angabe)"))] + [
            SelectChoice(c, c) for c in categories
        ]
        allowed = {choice.value for choice in category_choices}
        for option in question.choices:
            option_name = f"option_{option.id}"
            setattr(
                Form,
                option_name,
                SelectField(
                    option.label,
                    choices=category_choices,
                    validate_choice=False,
                    validators=[_choice_check(allowed, _l("Bitte wählen Sie eine Gruppe aus der Liste."))],
                ),
            )
            option_fields.setdefault(dimension, []).append((option_name, option))
    Form.dimension_fields = dimension_fields
    Form.option_fields = option_fields
    return Form(**kwargs)
