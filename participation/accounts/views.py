"""Account pages: register, verify, log in and out, reset and change password, change e-mail."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from participation.accounts import activity, services
from participation.accounts.forms import (
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from participation.accounts.throttle import login_throttled, record_login_failure
from participation.core.forms import PostOnlyForm, add_error
from participation.core.i18n import current_locale
from participation.core.security import safe_next
from participation.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/konto")


@bp.route("/registrieren", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    """Create an account; the same answer whether or not the address was known (no enumeration)."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        services.register(form.email.data, form.display_name.data, form.password.data, current_locale())
        db.session.commit()
        return render_template("accounts/register_done.html", email=form.email.data)
    return render_template("accounts/register.html", form=form)


@bp.route("/bestaetigen/<token>")
def verify_email(token: str):
    """Confirm the e-mail address from the link in the mail."""
    user = services.verify_email(token)
    if user is None:
        return render_template("accounts/link_invalid.html"), 400
    db.session.commit()
    flash(_("Vielen Dank, Ihre E-Mail-Adresse ist bestätigt."), "success")
    return redirect(url_for("core.home") if current_user.is_authenticated else url_for("accounts.login"))


@bp.route("/bestaetigung-erneut", methods=["POST"])
@login_required
@limiter.limit("5 per hour")
def resend_verification():
    """Send the verification mail again."""
    if PostOnlyForm().validate_on_submit():
        services.send_verification(current_user)
        db.session.commit()
        flash(_("Wir haben Ihnen den Bestätigungslink erneut geschickt."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))


@bp.route("/anmelden", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password; throttled per client and per account."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("core.home")))
    form = LoginForm()
    if request.method == "POST" and login_throttled(request.form.get("email", "")):
        return render_template("accounts/login.html", form=form, throttled=True), 429
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            record_login_failure(form.email.data)
            add_error(form.password, _("E-Mail-Adresse oder Passwort ist falsch."))
        elif not user.is_active:
            add_error(form.email, _("Dieses Konto ist gesperrt. Bitte wenden Sie sich an die Verwaltung."))
        else:
            return _complete_login(user, form.remember.data)
    return render_template("accounts/login.html", form=form, throttled=False)


def _complete_login(user, remember: bool):
    # A fresh session on login prevents session fixation; keep only the chosen language.
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    services.start_session(user, remember=remember)
    db.session.commit()
    login_user(user, remember=remember)
    activity.mark_active()
    flash(_("Sie sind angemeldet."), "success")
    return redirect(safe_next(request.args.get("next"), url_for("core.home")))


@bp.route("/abmelden", methods=["POST"])
def logout():
    """Log out: the server-side session is deleted, so a copied cookie no longer works."""
    if PostOnlyForm().validate_on_submit() and current_user.is_authenticated:
        services.end_session(current_user.current_session_token)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("core.home"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer never says whether the address has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/forgot_password_done.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password from a single-use link."""
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("accounts/link_invalid.html"), 400
    form = ResetPasswordForm()
    form.context_user = user
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        db.session.commit()
        flash(_("Ihr Passwort wurde geändert. Bitte melden Sie sich an."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)
