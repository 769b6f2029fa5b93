"""Admin pages: accounts and roles, blocking, the audit log, legal page texts."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts import policy
from participation.accounts import services as accounts
from participation.accounts.models import Role, User
from participation.admin import services
from participation.admin.forms import LegalPageForm, RolesForm, UserSearchForm
from participation.core import audit
from participation.core.audit_texts import ACTION_NAMES
from participation.core.forms import PostOnlyForm, add_error
from participation.core.legal import legal_page_source, save_legal_page
from participation.core.legal_texts import LEGAL_PAGE_SLUGS, LEGAL_SLUG_ARGS, legal_page_title
from participation.core.paging import page_arg
from participation.core.permissions import InvalidState, policy_required, require
from participation.extensions import db
from participation.moderation import audit_log as moderation_log
from participation.moderation.audit_log import AuditFilterForm
from participation.moderation.log_lines import describe
from participation.moderation.sanction_forms import SanctionForm
from participation.moderation.sanction_views import handle_block, lift_block, sanction_forms

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@policy_required(policy.can_administer)
def index():
    """Overview of the admin area."""
    return render_template("admin/index.html")


@bp.route("/benutzer")
@policy_required(policy.can_administer)
def users():
    """Accounts with search and role filter."""
    form = UserSearchForm(request.args)
    valid = form.validate()
    query = services.user_query(form.q.data if valid else None, form.role.data if valid else None)
    return render_template("admin/user_list.html", form=form, pagination=services.paginate(query, page_arg()))


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    return user


@bp.route("/benutzer/<int:user_id>")
@policy_required(policy.can_administer)
def user_detail(user_id: int):
    """One account: roles, and its block in the same form the moderation desk uses."""
    user = _load_user(user_id)
    return _detail_page(user, RolesForm(roles=sorted(user.roles)))


def _detail_page(
    user: User, roles_form: RolesForm, block_form: SanctionForm | None = None, status: int = 200
):
    forms = sanction_forms(user, block_form=block_form)
    return render_template(
        "admin/user_detail.html", user=user, roles_form=roles_form, block_form=forms["block_form"]
    ), status


@bp.route("/benutzer/<int:user_id>/rollen", methods=["POST"])
@policy_required(policy.can_administer)
def change_roles(user_id: int):
    """Replace an account's roles (audit-logged)."""
    user = _load_user(user_id)
    require(policy.can_change_roles(current_user, user))
    form = RolesForm()
    if not form.validate_on_submit():
        return _detail_page(user, form, status=400)
    try:
        accounts.set_roles(current_user, user, {Role(value) for value in form.roles.data or ()})
    except InvalidState:
        add_error(
            form.roles,
            _("Die Seite braucht mindestens eine aktive Administratorin bzw. einen Administrator."),
        )
        return _detail_page(user, form, status=400)
    db.session.commit()
    flash(_("Die Rollen wurden gespeichert."), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/benutzer/<int:user_id>/sperren", methods=["POST"])
@policy_required(policy.can_administer)
def block_user(user_id: int):
    """Block an account or extend its block: duration, category, reason; a statement of reasons goes out."""
    user = _load_user(user_id)
    require(policy.can_block(current_user, user))
    form = SanctionForm(prefix="block")
    response = handle_block(user, form, url_for("admin.user_detail", user_id=user.id))
    return response or _detail_page(user, RolesForm(roles=sorted(user.roles)), block_form=form, status=400)


@bp.route("/benutzer/<int:user_id>/entsperren", methods=["POST"])
@policy_required(policy.can_administer)
def unblock_user(user_id: int):
    """Lift a block; lifting one that no longer runs changes nothing and says so."""
    user = _load_user(user_id)
    require(policy.can_block(current_user, user))
    if PostOnlyForm().validate_on_submit():
        lift_block(user)
    return redirect(url_for("admin.user_detail", user_id=user.id))


def _audit_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    form.fill_choices(ACTION_NAMES)
    return form


@bp.route("/protokoll")
@policy_required(policy.can_view_audit_log)
def audit_log():
    """The append-only audit log in words, with filters (read only: no route changes a row)."""
    form = _audit_form()
    pagination = services.paginate(moderation_log.filtered_query(form, None), page_arg())
    lines = describe(pagination.items, "admin.user_detail")
    return render_template(
        "admin/audit_log.html",
        form=form,
        pagination=pagination,
        lines=lines,
        args=moderation_log.filter_args(form),
    )


# A POST: the download itself goes on record, and reads never write.
@bp.route("/protokoll.csv", methods=["POST"])
@policy_required(policy.can_view_audit_log)
def audit_log_csv():
    """The filtered audit log as CSV with German headers, one column per field (at most 10,000 rows)."""
    form = _audit_form()
    query = moderation_log.filtered_query(form, None).limit(moderation_log.CSV_LIMIT)
    text = moderation_log.csv_text(describe(db.session.scalars(query), "admin.user_detail"))
    audit.record(current_user, "admin.audit_log_exported", None, **moderation_log.filter_details(form))
    db.session.commit()
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=protokoll.csv"}
    )


@bp.route("/einstellungen")
@policy_required(policy.can_administer)
def settings():
    """Site settings: the legal pages' texts."""
    pages = [(slug, legal_page_title(slug)) for slug in LEGAL_PAGE_SLUGS]
    return render_template("admin/settings.html", pages=pages)


@bp.route("/settings")
def settings_redirect():
    """The address the documentation names: moved permanently to the German one (which checks the role)."""
    return redirect(url_for("admin.settings"), code=308)


@bp.route(f"/einstellungen/<any({LEGAL_SLUG_ARGS}):slug>", methods=["GET", "POST"])
@policy_required(policy.can_administer)
def edit_legal_page(slug: str):
    """Edit one legal page's Markdown text."""
    form = LegalPageForm()
    if not form.is_submitted():
        form.body.data = legal_page_source(slug)
    if form.validate_on_submit():
        save_legal_page(current_user, slug, form.body.data or "")
        db.session.commit()
        flash(_("Der Text wurde gespeichert."), "success")
        return redirect(url_for("core.legal_page", slug=slug))
    return render_template("admin/legal_page_edit.html", form=form, slug=slug, title=legal_page_title(slug))
