"""Forms shared by every domain, and the one way to add a service's refusal to a form field."""

from __future__ import annotations

from flask_wtf import FlaskForm

# types-WTForms (3.2) predates SelectChoice (WTForms 3.3), so mypy cannot see it in wtforms.
from wtforms import SelectChoice  # type: ignore[attr-defined]
from wtforms.fields import Field, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

# SelectChoice is imported from here by every form that builds choices (one place knows the stub gap).
__all__ = ["MultiCheckboxField", "PostOnlyForm", "SelectChoice", "add_error"]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (roles, a token's surveys)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PostOnlyForm(FlaskForm):
    """A form with only the CSRF token, for buttons such as "Abmelden"."""


def add_error(field: Field, message: str) -> None:
    """Show a message at a validated field, e.g. when a service refused what the form asked."""
    # A new list: WTForms keeps errors as a tuple until the field is validated.
    field.errors = [*field.errors, message]
