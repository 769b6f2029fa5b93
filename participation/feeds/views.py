"""Atom feeds: new projects and phase changes, a project's discussion, wiki changes, published results."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, url_for
from flask_babel import gettext as _

from participation.core.types import utcnow
from participation.projects.models import PHASE_LABELS, Phase

from . import queries
from .atom import Entry, document, respond

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
MIMETYPE = "application/atom+xml"
# A feed with no entries yet still needs an <updated>: a fixed time keeps its ETag stable.
EPOCH = datetime(2026, 1, 1)


def _feed(key: str, title: str, entries: list[Entry]) -> Response:
    newest = max((e.updated for e in entries), default=None)
    return respond(document(key, title, entries, newest or EPOCH), newest, MIMETYPE)


@bp.route("/vorhaben.atom")
def projects_feed():
    """New projects and phase changes: each project's current phase is one entry."""
    entries = [
        Entry(
            key=f"vorhaben/{p.id}/phase/{p.phase}",
            title=_("%(title)s – Phase: %(phase)s", title=p.title, phase=PHASE_LABELS[Phase(p.phase)]),
            link=url_for("projects.detail", project_slug=p.slug, _external=True),
            updated=p.updated_at,
            summary=p.summary,
        )
        for p in queries.latest_projects()
    ]
    return _feed("vorhaben", _("Vorhaben: neue Vorhaben und Phasenwechsel"), entries)


@bp.route("/vorhaben/<project_slug>/diskussion.atom")
def discussion_feed(project_slug: str):
    """A project's newest comments that the public may read."""
    project = queries.project_by_slug(project_slug)
    if project is None:
        abort(404)
    entries = [
        Entry(
            key=f"kommentar/{comment_id}",
            title=_("Neuer Kommentar zu „%(title)s“", title=project.title),
            link=url_for(
                "discussions.permalink", project_slug=project.slug, comment_id=comment_id, _external=True
            ),
            updated=created_at,
            summary=body,
        )
        for comment_id, body, created_at in queries.visible_comments(project)
    ]
    return _feed(
        f"vorhaben/{project.id}/diskussion", _("Diskussion: %(title)s", title=project.title), entries
    )


@bp.route("/wiki.atom")
def wiki_feed():
    """Wiki changes: reviewed and approved revisions only."""
    entries = [
        Entry(
            key=f"wiki/{row.page_id}/version/{row.id}",
            title=_("Wiki-Seite „%(title)s“ geändert", title=row.title),
            link=url_for("wiki.revision", slug=row.slug, revision_id=row.id, _external=True),
            updated=row.time,
            summary=row.summary,
        )
        for row in queries.approved_revisions()
    ]
    return _feed("wiki", _("Wiki: geprüfte Änderungen"), entries)


@bp.route("/ergebnisse.atom")
def results_feed():
    """Published survey results, newest first."""
    entries = [
        Entry(
            key=f"ergebnisse/{s.id}",
            title=_("Ergebnisse veröffentlicht: %(title)s", title=s.title),
            link=url_for("surveys.results_page", survey_id=s.id, _external=True),
            updated=s.updated_at or utcnow(),
        )
        for s in queries.published_results()
    ]
    return _feed("ergebnisse", _("Veröffentlichte Umfrageergebnisse"), entries)
