"""The signed-in person's own pages: profile, password, e-mail, "Meine Daten", deletion."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from participation.accounts import data_export, policy, services
from participation.accounts.forms import ChangeEmailForm, ChangePasswordForm, DeleteAccountForm, ProfileForm
from participation.accounts.views import bp
from participation.core.downloads import attachment_headers
from participation.core.forms import add_error
from participation.core.i18n import format_when
from participation.core.permissions import InvalidState, NotAllowed, policy_required
from participation.core.privacy import export_user_data
from participation.core.types import utcnow
from participation.extensions import db


@bp.route("/", methods=["GET", "POST"])
@policy_required(policy.can_manage_account)
def profile():
    """Show and edit display name, language and notification choice."""
    form = ProfileForm(obj=current_user)
    if not form.is_submitted():
        form.locale.data = current_user.locale or "de"
    if form.validate_on_submit():
        services.update_profile(
            current_user, form.display_name.data, form.locale.data, form.notify_by_email.data
        )
        db.session.commit()
        session.pop("language", None)
        flash(_("Ihr Profil wurde gespeichert."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/passwort", methods=["GET", "POST"])
@policy_required(policy.can_manage_account)
def change_password():
    """Change the password; every other session of the account ends."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    form.context_user = user
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current_password.data, form.password.data)
        except NotAllowed:
            add_error(form.current_password, _("Das aktuelle Passwort ist falsch."))
        else:
            db.session.commit()
            # The real object, not the proxy: Flask-Login stores it as the new current user.
            login_user(user)
            flash(_("Ihr Passwort wurde geändert. Andere Anmeldungen wurden beendet."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password_change.html", form=form)


@bp.route("/e-mail", methods=["GET", "POST"])
@policy_required(policy.can_manage_account)
def change_email():
    """Ask for a new address; it takes effect once confirmed from the new mailbox."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.email.data, form.current_password.data)
        except NotAllowed:
            add_error(form.current_password, _("Das aktuelle Passwort ist falsch."))
        except InvalidState:
            add_error(form.email, _("Das ist bereits Ihre E-Mail-Adresse."))
        else:
            db.session.commit()
            flash(
                _("Bitte bestätigen Sie die neue Adresse über den Link, den wir dorthin geschickt haben."),
                "info",
            )
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/email_change.html", form=form)


@bp.route("/e-mail/bestaetigen/<token>")
def confirm_email_change(token: str):
    """Switch to the new address from the link sent to it."""
    user = services.confirm_email_change(token)
    if user is None:
        return render_template("accounts/link_invalid.html"), 400
    db.session.commit()
    flash(_("Ihre neue E-Mail-Adresse ist bestätigt."), "success")
    return redirect(
        url_for("accounts.profile") if current_user.is_authenticated else url_for("accounts.login")
    )


@bp.route("/daten")
@policy_required(policy.can_manage_account)
def my_data():
    """Explain what is stored and offer the download."""
    return render_template("accounts/my_data.html")


@bp.route("/daten/meine-daten.json")
@policy_required(policy.can_manage_account)
def download_data():
    """Everything stored about the user as one JSON file."""
    body = data_export.as_json(_my_data())
    headers = attachment_headers(f"meine-daten-{utcnow():%Y-%m-%d}.json")
    return Response(body, mimetype="application/json", headers=headers)


@bp.route("/daten/meine-daten.zip")
@policy_required(policy.can_manage_account)
def download_archive():
    """The JSON file and a readable HTML page of the same data (German headings, Berlin times) as a ZIP."""
    data = _my_data()
    page = render_template(
        "accounts/my_data_file.html",
        data=data,
        created=format_when(utcnow()),
        sections=data_export.SECTIONS,
        fields=data_export.FIELDS,
        label=data_export.label,
        shown=data_export.shown,
    )
    body = data_export.archive(data_export.as_json(data), page)
    headers = attachment_headers(f"meine-daten-{utcnow():%Y-%m-%d}.zip")
    return Response(body, mimetype="application/zip", headers=headers)


def _my_data() -> dict:
    """The export of the signed-in person, with the moment it was made (UTC, ISO 8601)."""
    return {"generated_at": utcnow().isoformat(), **export_user_data(current_user)}


@bp.route("/loeschen", methods=["GET", "POST"])
@policy_required(policy.can_manage_account)
def delete_account():
    """Delete the account after a password check; contributions stay as "Gelöschtes Konto"."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.current_password.data)
        except NotAllowed:
            add_error(form.current_password, _("Das Passwort ist falsch."))
        except InvalidState:
            add_error(form.confirm, _("Sie sind die letzte Administratorin bzw. der letzte Administrator."))
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(
                _("Ihr Konto wurde gelöscht. Ihre Beiträge bleiben als „Gelöschtes Konto“ erhalten."),
                "success",
            )
            return redirect(url_for("core.home"))
    return render_template("accounts/account_delete.html", form=form)
