"""Public project list and page; planners and admins create, edit and delete projects."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.core.confirm import Confirmation, confirmation_page, confirmed
from participation.core.forms import PostOnlyForm, SelectChoice, add_error
from participation.core.paging import page_arg
from participation.core.permissions import InvalidState, policy_required, require
from participation.extensions import db
from participation.projects import page_cache, policy, services
from participation.projects.forms import ProjectFilterForm, ProjectForm
from participation.projects.models import Project
from participation.projects.panels import panels_for

bp = Blueprint("projects", __name__, url_prefix="/projekte")


def load_project(project_slug: str) -> Project:
    """The project for a URL, or 404."""
    project = services.get_by_slug(project_slug)
    if project is None:
        abort(404)
    return project


def render_project_page(project: Project, status: int = 200, **options):
    """The project page; ``options`` go to the panels (e.g. the discussion's permalink focus)."""
    return render_template(
        "projects/project_detail.html", project=project, panels=panels_for(project, **options)
    ), status


@bp.route("/")
def index():
    """All projects with filters for phase and district and a title search."""
    form = ProjectFilterForm(request.args)
    form.district.choices = [
        SelectChoice("", _("Alle Ortsteile")),
        *(SelectChoice(d, d) for d in services.districts()),
    ]
    valid = form.validate()
    query = services.list_query(
        form.q.data if valid else None,
        form.phase.data if valid else None,
        form.district.data if valid else None,
    )
    pagination = db.paginate(query, page=page_arg(), per_page=services.PAGE_SIZE, error_out=False)
    args = {"q": form.q.data or "", "phase": form.phase.data or "", "district": form.district.data or ""}
    return render_template("projects/project_list.html", form=form, pagination=pagination, args=args)


@bp.route("/neu", methods=["GET", "POST"])
@policy_required(policy.can_manage_projects)
def create():
    """Create a project."""
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = services.create_project(current_user, _form_data(form), form.phase_dates())
        except services.SlugTaken:
            add_error(form.slug, _("Diese Kurzadresse ist schon vergeben."))
        else:
            db.session.commit()
            flash(_("Das Vorhaben wurde angelegt."), "success")
            return redirect(url_for("projects.detail", project_slug=project.slug))
    return _form_page(form, None)


@bp.route("/<project_slug>")
def detail(project_slug: str):
    """The project page: description, timeline, linked content and the discussion."""
    project = load_project(project_slug)
    return page_cache.anonymous_page(project, lambda: render_project_page(project))


@bp.route("/<project_slug>/bearbeiten", methods=["GET", "POST"])
def edit(project_slug: str):
    """Edit a project's texts, phase, dates and whether its discussion is open."""
    project = load_project(project_slug)
    require(policy.can_edit_project(current_user, project))
    form = ProjectForm(obj=project)
    if request.method == "GET":
        for row in project.phases:
            form[f"starts_{row.phase}"].data, form[f"ends_{row.phase}"].data = row.starts_on, row.ends_on
    if form.validate_on_submit():
        try:
            services.update_project(current_user, project, _form_data(form), form.phase_dates())
        except services.SlugTaken:
            add_error(form.slug, _("Diese Kurzadresse ist schon vergeben."))
        else:
            db.session.commit()
            flash(_("Die Änderungen wurden gespeichert."), "success")
            return redirect(url_for("projects.detail", project_slug=project.slug))
    return _form_page(form, project)


@bp.route("/<project_slug>/loeschen", methods=["GET", "POST"])
def delete(project_slug: str):
    """Delete a project without comments, after the confirmation step (GET, or a POST without confirmed=1)."""
    project = load_project(project_slug)
    require(policy.can_delete_project(current_user, project))
    if PostOnlyForm().validate_on_submit() and confirmed():
        try:
            services.delete_project(current_user, project)
        except InvalidState:
            db.session.rollback()
            flash(
                _("Zu diesem Vorhaben gibt es schon Beiträge. Schließen Sie stattdessen die Diskussion."),
                "error",
            )
            return redirect(url_for("projects.detail", project_slug=project_slug))
        db.session.commit()
        flash(_("Das Vorhaben wurde gelöscht."), "success")
        return redirect(url_for("projects.index"))
    return confirmation_page(_delete_confirmation(project), "projects/project_delete.html", project=project)


def _delete_confirmation(project: Project) -> Confirmation:
    """What deleting a project does, and what becomes of the surveys and wiki pages linked to it."""
    return Confirmation(
        title=_("Vorhaben „%(title)s“ löschen?", title=project.title),
        happens=[
            _(
                "Das Vorhaben wird mit Beschreibung, Zeitplan und Kontaktangaben gelöscht; "
                "seine Seite ist danach nicht mehr erreichbar."
            ),
            _(
                "Verknüpfte Umfragen und Wiki-Seiten bleiben mit allen Antworten und Fassungen erhalten, "
                "gehören dann aber zu keinem Vorhaben mehr."
            ),
            _(
                "Das geht nur, solange niemand das Vorhaben kommentiert hat; sonst schließen Sie "
                "stattdessen die Diskussion."
            ),
        ],
        final=_(
            "Das gelöschte Vorhaben lässt sich nicht wiederherstellen, und die Verknüpfungen der "
            "Umfragen und Wiki-Seiten gehen verloren."
        ),
        button=_("Ja, Vorhaben endgültig löschen"),
        cancel_url=url_for("projects.detail", project_slug=project.slug),
    )


def _form_data(form: ProjectForm) -> dict:
    return {name: form[name].data for name in services.FIELDS}


def _form_page(form: ProjectForm, project: Project | None):
    status = 400 if form.errors else 200
    return render_template("projects/project_form.html", form=form, project=project), status
