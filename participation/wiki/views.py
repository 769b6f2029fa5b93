"""Reading, creating and editing wiki pages; history, comparison, restore and lock."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse
from sqlalchemy import select

from participation.core.forms import PostOnlyForm, add_error
from participation.core.i18n import format_when
from participation.core.paging import page_arg
from participation.core.permissions import require
from participation.extensions import db, limiter
from participation.projects.models import Project
from participation.wiki import policy, queries, services
from participation.wiki.diff import render_diff
from participation.wiki.forms import PageCreateForm, PageEditForm, optional_int, project_choices
from participation.wiki.models import TITLE_MAX
from participation.wiki.render import render_page_body, slugify

bp = Blueprint("wiki", __name__, url_prefix="/wiki")

PROPOSAL_LIMIT = "30 per hour"
# Long pages are legitimate; the form's own check answers oversized text with a clear message.
FORM_MEMORY = 3 * 1024 * 1024


def load_page(slug: str):
    """The page if this reader may see it; 404 otherwise (unpublished pages do not reveal themselves)."""
    page = queries.page_by_slug(slug)
    if page is None:
        abort(404)
    if not policy.can_view_page(
        current_user, page, has_own_revision=queries.has_own_revision(page, current_user)
    ):
        abort(404)
    return page


def load_revision(page, revision_id: int):
    """A revision of this page the reader may see; 404 for others' unpublished drafts."""
    revision = queries.revision_of(page, revision_id)
    if revision is None or not policy.can_view_revision(current_user, revision):
        abort(404)
    return revision


@bp.route("/")
def index():
    """All published pages, or those whose title or approved text matches the search."""
    term = (request.args.get("q") or "").strip()[:100]
    pagination = queries.published_pages(term, page_arg())
    return render_template("wiki/page_list.html", pagination=pagination, term=term, excerpt=queries.excerpt)


@bp.route("/<slug>")
def page(slug: str):
    """A page's approved text; its author sees their own pending change instead, with a banner."""
    page = load_page(slug)
    own = queries.own_pending(page, current_user)
    shown = own or page.approved_revision
    if shown is None:
        # Unpublished and nothing of the reader's own is pending (reviewers, decided authors): the history.
        return history(slug)
    return render_template(
        "wiki/page_view.html",
        page=page,
        revision=shown,
        own_pending=own,
        rendered=render_page_body(shown.body),
        project_url=_project_url(page),
    )


def _project_url(page) -> str | None:
    if page.project is None:
        return None
    return url_for("projects.detail", project_slug=page.project.slug)


def _project_field(form) -> None:
    if policy.publishes_directly(current_user):
        form.project_id.choices = project_choices(db.session.scalars(select(Project).order_by(Project.title)))
    else:
        del form.project_id


def _throttled() -> bool:
    """Citizens' proposals are rate-limited per account; staff publish without limit."""
    if policy.publishes_directly(current_user):
        return False
    return not limiter.limiter.hit(parse(PROPOSAL_LIMIT), "wiki-proposal", str(current_user.id))


def _project_value(form):
    return form.project_id.data if "project_id" in form else None


@bp.route("/neu", methods=["GET", "POST"])
def create():
    """Propose (citizens) or publish (staff) a new page."""
    require(policy.can_create_page(current_user))
    request.max_form_memory_size = FORM_MEMORY
    form = PageCreateForm()
    _project_field(form)
    if request.method == "GET":
        form.title.data = (request.args.get("titel") or "")[:TITLE_MAX]
        own = _own_unpublished_proposal(form.title.data)
        if own is not None:
            flash(
                _("Sie haben für diese Seite schon einen Vorschlag eingereicht. Hier können Sie ihn ändern."),
                "info",
            )
            return redirect(url_for("wiki.edit", slug=own.page.slug))
    if form.validate_on_submit():
        if _throttled():
            flash(
                _("Sie haben in kurzer Zeit sehr viele Änderungen vorgeschlagen. Bitte warten Sie etwas."),
                "error",
            )
            return render_template("wiki/page_create.html", form=form), 429
        try:
            revision = services.create_page(
                current_user,
                title=form.title.data,
                body=form.body.data,
                summary=form.summary.data or "",
                slug=form.slug.data or "",
                project_id=_project_value(form),
            )
        except services.SlugTaken as error:
            db.session.rollback()
            message = (
                _("Diese Adresse ist bereits vergeben. Bitte wählen Sie eine andere.")
                if error.args[0]
                else _("Aus dem Titel lässt sich keine Adresse bilden. Bitte geben Sie eine Adresse an.")
            )
            add_error(form.slug, message)
        except services.TitleTaken:
            db.session.rollback()
            add_error(form.title, _("Eine Seite mit diesem Titel gibt es bereits."))
        else:
            slug = revision.page.slug
            db.session.commit()
            _flash_saved(revision)
            return redirect(url_for("wiki.page", slug=slug))
    # Like the projects, discussions and moderation forms: refused input answers 400, text kept.
    return render_template("wiki/page_create.html", form=form), 400 if form.errors else 200


def _own_unpublished_proposal(title: str):
    """The reader's pending proposal for the unpublished page a [[link]] with this title leads to."""
    if not title:
        return None
    page = queries.page_by_slug(slugify(title))
    if page is None or page.is_published:
        return None
    return queries.own_pending(page, current_user)


def _flash_saved(revision) -> None:
    if revision.is_approved:
        flash(_("Die Seite wurde veröffentlicht."), "success")
    else:
        flash(_("Danke! Ihre Änderung wird geprüft, bevor andere sie sehen."), "success")


@bp.route("/<slug>/bearbeiten", methods=["GET", "POST"])
def edit(slug: str):
    """Edit a page from its published text (or the person's waiting proposal), preview, conflicts kept."""
    page = load_page(slug)
    require(policy.can_edit_page(current_user, page))
    request.max_form_memory_size = FORM_MEMORY
    form = PageEditForm()
    _project_field(form)
    own = queries.own_pending(page, current_user)
    # The published text is the start; the person's own waiting proposal only when they ask to
    # continue it (or when nothing is published yet).
    continuing = own is not None and (request.args.get("fassung") == "vorschlag" or not page.is_published)
    if request.method == "GET":
        source = own if continuing else page.approved_revision
        form.title.data = source.title if source else ""
        form.body.data = source.body if source else ""
        form.base_revision_id.data = page.approved_revision_id
        if "project_id" in form:
            form.project_id.data = page.project_id
    conflict, status = None, 200
    editor = {"own_pending": own, "continuing": continuing}
    if form.is_submitted() and "preview" in request.form:
        # A preview saves nothing; it renders the typed text the way the page will show it.
        valid = form.validate()
        preview = render_page_body(form.body.data or "") if form.body.data else None
        return render_template(
            "wiki/page_edit.html", form=form, page=page, conflict=None, preview=preview, **editor
        ), 200 if valid else 400
    if form.validate_on_submit():
        if _throttled():
            flash(
                _("Sie haben in kurzer Zeit sehr viele Änderungen vorgeschlagen. Bitte warten Sie etwas."),
                "error",
            )
            return render_template("wiki/page_edit.html", form=form, page=page, conflict=None, **editor), 429
        try:
            revision = services.propose_edit(
                current_user,
                page,
                title=form.title.data or "",
                body=form.body.data or "",
                summary=form.summary.data or "",
                base_revision_id=optional_int(form.base_revision_id.data),
                project_id=_project_value(form),
            )
        except services.EditConflict as error:
            db.session.rollback()
            conflict, status = error.current, 409
            # Resubmitting now means: "I have seen the current text".
            form.base_revision_id.data = str(conflict.id) if conflict else None
        except services.TitleTaken:
            db.session.rollback()
            add_error(form.title, _("Eine Seite mit diesem Titel gibt es bereits."))
        except services.NoChange:
            db.session.rollback()
            add_error(form.body, _("Sie haben nichts geändert."))
        else:
            db.session.commit()
            _flash_saved(revision)
            return redirect(url_for("wiki.page", slug=slug))
    if form.errors and status == 200:
        status = 400  # refused input, as on create; a conflict stays 409
    conflict_diff = render_diff(conflict.body, form.body.data or "") if conflict else None
    return render_template(
        "wiki/page_edit.html", form=form, page=page, conflict=conflict, conflict_diff=conflict_diff, **editor
    ), status


@bp.route("/<slug>/versionen")
def history(slug: str):
    """Approved revisions for everyone; reviewers see all, authors also their own."""
    page = load_page(slug)
    pagination = queries.history(page, current_user, page_arg())
    return render_template("wiki/page_history.html", page=page, pagination=pagination, form=PostOnlyForm())


@bp.route("/<slug>/versionen/<int:revision_id>")
def revision(slug: str, revision_id: int):
    """One revision's text, state and decision."""
    page = load_page(slug)
    revision = load_revision(page, revision_id)
    return render_template(
        "wiki/revision_view.html",
        page=page,
        revision=revision,
        rendered=render_page_body(revision.body),
        form=PostOnlyForm(),
    )


@bp.route("/<slug>/vergleich")
def diff(slug: str):
    """Word-level comparison of two revisions the reader may see (default: against the one before)."""
    page = load_page(slug)
    new = load_revision(page, request.args.get("zu", type=int) or page.approved_revision_id or 0)
    old_id = request.args.get("von", type=int) or new.base_revision_id
    old = load_revision(page, old_id) if old_id else None
    choices = db.session.scalars(queries.visible_revisions_query(page, current_user).limit(200)).all()
    return render_template(
        "wiki/revision_diff.html",
        page=page,
        old=old,
        new=new,
        choices=choices,
        diff=render_diff(old.body if old else "", new.body),
        title_diff=render_diff(old.title if old else "", new.title),
    )


@bp.route("/<slug>/versionen/<int:revision_id>/wiederherstellen", methods=["POST"])
def restore(slug: str, revision_id: int):
    """Publish an earlier approved text again (reviewers; audit-logged)."""
    page = load_page(slug)
    revision = load_revision(page, revision_id)
    require(policy.can_restore_revision(current_user, revision))
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    summary = _("Fassung vom %(date)s wiederhergestellt", date=format_when(revision.created_at))
    try:
        services.restore(current_user, revision, summary)
    except (services.EditConflict, services.TitleTaken):
        db.session.rollback()
        flash(
            _("Die Seite wurde gerade geändert oder der Titel ist vergeben. Bitte versuchen Sie es erneut."),
            "error",
        )
        return redirect(url_for("wiki.history", slug=slug))
    db.session.commit()
    flash(_("Die frühere Fassung ist wieder veröffentlicht."), "success")
    return redirect(url_for("wiki.page", slug=slug))


@bp.route("/<slug>/versionen/<int:revision_id>/zurueckziehen", methods=["POST"])
def withdraw(slug: str, revision_id: int):
    """The author takes back their pending change."""
    page = load_page(slug)
    revision = load_revision(page, revision_id)
    require(policy.can_withdraw_revision(current_user, revision))
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    services.withdraw(current_user, revision)
    db.session.commit()
    flash(_("Ihre Änderung wurde zurückgezogen."), "success")
    return redirect(
        url_for("wiki.history", slug=slug) if not page.is_published else url_for("wiki.page", slug=slug)
    )


@bp.route("/<slug>/<any(sperren, entsperren):action>", methods=["POST"])
def lock(slug: str, action: str):
    """Lock a page for everyone but staff, or unlock it (reviewers; audit-logged)."""
    page = load_page(slug)
    require(policy.can_lock_page(current_user, page))
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    services.set_locked(current_user, page, action == "sperren")
    db.session.commit()
    flash(
        _("Die Seite ist gesperrt: nur Mitarbeitende der Verwaltung können sie bearbeiten.")
        if action == "sperren"
        else _("Die Seite ist wieder für alle bearbeitbar."),
        "success",
    )
    return redirect(url_for("wiki.page", slug=slug))
