"""The "Zugangsschlüssel (API)" pages in the account area: create, list and revoke planner tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length

from participation.api import tokens
from participation.core.forms import MultiCheckboxField, PostOnlyForm, add_error
from participation.core.permissions import require
from participation.core.types import utcnow
from participation.core.validators import SafeText, normalize_text
from participation.extensions import db
from participation.surveys.services import today

bp = Blueprint("api_tokens", __name__, url_prefix="/konto/api-schluessel")


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[normalize_text],
        validators=[
            InputRequired(_l("Bitte geben Sie dem Schlüssel einen Namen.")),
            Length(max=80, message=_l("Der Name darf höchstens 80 Zeichen lang sein.")),
            SafeText(),
        ],
        description=_l("Wofür Sie ihn nutzen, z. B. „R-Skript Statistikstelle“."),
    )
    # Choices are the person's exportable surveys (set per request); unknown ids get a German error.
    surveys = MultiCheckboxField(
        _l("Umfragen, deren Antworten der Schlüssel lesen darf"), coerce=int, validate_choice=False
    )
    expires_on = DateField(
        _l("Gültig bis"),
        validators=[InputRequired(_l("Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)."))],
        description=_l("Höchstens ein Jahr; danach wird der Schlüssel abgelehnt."),
    )


def _form() -> TokenForm:
    form = TokenForm()
    form.surveys.choices = [(s.id, s.title) for s in tokens.exportable_surveys(current_user)]
    return form


def _check(form: TokenForm) -> bool:
    """The form's own validators plus the German messages for scope and expiry."""
    valid = form.validate_on_submit()
    if not form.is_submitted():
        return False
    allowed = {choice[0] for choice in form.surveys.choices or []}
    if not form.surveys.data or not set(form.surveys.data) <= allowed:
        form.surveys.errors = [_("Bitte wählen Sie mindestens eine Ihrer Umfragen.")]
        valid = False
    day = form.expires_on.data
    if day is None:
        # WTForms' own message for an unreadable date is English: ours replaces it.
        form.expires_on.errors = [_("Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ).")]
        valid = False
    if day is not None and not today() < day <= tokens.latest_expiry(today()):
        add_error(form.expires_on, _("Das Datum muss zwischen morgen und in einem Jahr liegen."))
        valid = False
    return valid


@bp.route("/", methods=["GET", "POST"])
def index():
    """The person's tokens and the form for a new one; a new secret is shown once, right here."""
    require(tokens.can_create_tokens(current_user))
    form = _form()
    secret = None
    if form.is_submitted() and _check(form):
        _token, secret = tokens.create(current_user, form.name.data, form.surveys.data, form.expires_on.data)
        db.session.commit()
        form = _form()
        form.process(formdata=None)
    elif not form.is_submitted():
        form.expires_on.data = tokens.latest_expiry(today())
    status = 200 if secret or not form.errors else 400
    return (
        render_template(
            "accounts/api_tokens.html",
            form=form,
            secret=secret,
            tokens=tokens.tokens_of(current_user),
            titles=dict(form.surveys.choices or []),
            revoke_form=PostOnlyForm(),
            now=utcnow(),
        ),
        status,
    )


@bp.post("/<int:token_id>/widerrufen")
def revoke(token_id: int):
    """Revoke one of the person's own tokens (someone else's: 404, as if it did not exist)."""
    require(tokens.can_create_tokens(current_user))
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    token = tokens.revoke(current_user, token_id)
    if token is None:
        abort(404)
    db.session.commit()
    flash(_("Der Zugangsschlüssel „%(name)s“ wurde widerrufen.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
