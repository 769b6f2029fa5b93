"""Forms shared by every domain."""

from flask_wtf import FlaskForm


class PostOnlyForm(FlaskForm):
    """A form with only the CSRF token, for buttons such as "Abmelden"."""
