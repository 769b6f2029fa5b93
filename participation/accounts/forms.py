"""Account forms: field-level checks only (format, length); rules live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from participation.accounts.passwords import PasswordPolicy
from participation.accounts.services import normalize_email
from participation.core.forms import SelectChoice
from participation.core.validators import SafeText, normalize_text

LANGUAGE_CHOICES = [SelectChoice("de", "Deutsch"), SelectChoice("en", "English")]


class ValidEmail:
    """Validator: a syntactically valid address (email-validator, no DNS lookup)."""

    def __call__(self, form, field) -> None:
        try:
            normalize_email(field.data or "")
        except ValueError as error:
            raise ValidationError(_l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")) from error


def _email_field(label):
    return EmailField(
        label,
        filters=[normalize_text],
        validators=[
            DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse ein.")),
            Length(max=254, message=_l("Die E-Mail-Adresse ist zu lang.")),
            SafeText(),
            ValidEmail(),
        ],
        render_kw={"autocomplete": "email"},
    )


def _display_name_field():
    return StringField(
        _l("Anzeigename"),
        filters=[normalize_text],
        validators=[
            DataRequired(_l("Bitte geben Sie einen Anzeigenamen ein.")),
            Length(min=2, max=80, message=_l("Der Anzeigename muss 2 bis 80 Zeichen lang sein.")),
            SafeText(),
        ],
        description=_l("Wird neben Ihren Beiträgen angezeigt. Sie können ein Pseudonym wählen."),
        render_kw={"autocomplete": "nickname"},
    )


def _new_password_field(label):
    return PasswordField(
        label,
        validators=[InputRequired(_l("Bitte geben Sie ein Passwort ein.")), PasswordPolicy()],
        description=_l(
            "Mindestens 10 Zeichen. Ein leicht zu merkender Satz ist sicherer als ein kurzes Wort."
        ),
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_field():
    return PasswordField(
        _l("Passwort wiederholen"),
        validators=[
            InputRequired(_l("Bitte wiederholen Sie das Passwort.")),
            EqualTo("password", message=_l("Die Passwörter stimmen nicht überein.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _current_password_field(label=None):
    return PasswordField(
        label or _l("Aktuelles Passwort"),
        validators=[
            InputRequired(_l("Bitte geben Sie Ihr Passwort ein.")),
            Length(max=256, message=_l("Das Passwort ist zu lang.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class RegisterForm(FlaskForm):
    email = _email_field(_l("E-Mail-Adresse"))
    display_name = _display_name_field()
    password = _new_password_field(_l("Passwort"))
    password_confirm = _confirm_field()


class LoginForm(FlaskForm):
    email = StringField(
        _l("E-Mail-Adresse"),
        filters=[normalize_text],
        validators=[
            DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse ein.")),
            Length(max=254, message=_l("Die E-Mail-Adresse ist zu lang.")),
            SafeText(),
            # Only the form of the address (every stored address passed it): says nothing about accounts.
            ValidEmail(),
        ],
        render_kw={"autocomplete": "username", "type": "email"},
    )
    password = _current_password_field(_l("Passwort"))
    remember = BooleanField(_l("Angemeldet bleiben"))


class ResetRequestForm(FlaskForm):
    email = _email_field(_l("E-Mail-Adresse"))


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("Neues Passwort"))
    password_confirm = _confirm_field()


class ChangePasswordForm(FlaskForm):
    current_password = _current_password_field()
    password = _new_password_field(_l("Neues Passwort"))
    password_confirm = _confirm_field()


class ChangeEmailForm(FlaskForm):
    email = _email_field(_l("Neue E-Mail-Adresse"))
    current_password = _current_password_field()


class ProfileForm(FlaskForm):
    display_name = _display_name_field()
    locale = RadioField(_l("Sprache"), choices=LANGUAGE_CHOICES, validators=[InputRequired()])
    notify_by_email = BooleanField(_l("Benachrichtigungen auch per E-Mail erhalten"))


class DeleteAccountForm(FlaskForm):
    current_password = _current_password_field()
    confirm = BooleanField(
        _l("Ich möchte mein Konto endgültig löschen."),
        validators=[DataRequired(_l("Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten."))],
    )
