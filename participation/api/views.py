"""/api/v1: the public, read-only JSON API. Thin views: the domains' queries and rules do the work."""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from participation.api import openapi, queries, serialize
from participation.api.http import (
    BadParameter,
    api_locale,
    bad_request_title,
    decode_cursor,
    http_problem,
    json_response,
    page,
    page_limit,
    problem,
)
from participation.api.openapi import MAX_ID
from participation.extensions import db
from participation.moderation.transparency import monthly_figures
from participation.projects.models import Phase, Project
from participation.surveys.policy import can_read_public_texts, can_view_public_results
from participation.surveys.results.services import compute
from participation.surveys.results.views import threshold
from participation.wiki.models import WikiPage

ID_PATTERN = re.compile(r"[1-9][0-9]{0,18}")
DISTRICT_MAX = 80
bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_error_handler(HTTPException, http_problem)


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter):
    """A parameter the API cannot use: 400 problem+json naming it."""
    with force_locale(api_locale()):
        return problem(400, bad_request_title(), str(error.args[0]))


def _id_key(row) -> list[int]:
    return [row.id]


@bp.get("/")
@bp.get("/dokumentation")
def documentation():
    """The API's documentation as a readable page in the site's language (from the OpenAPI document)."""
    return render_template("api/documentation.html", spec=openapi.document())


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document describing every endpoint, in German or English (Accept-Language)."""
    with force_locale(api_locale()):
        return json_response(openapi.document())


@bp.get("/projects")
def project_list():
    """Projects, newest first; filter by phase and district."""
    phase = request.args.get("phase") or None
    if phase is not None and phase not in {p.value for p in Phase}:
        raise BadParameter(_unknown("phase"))
    district = request.args.get("district") or None
    if district is not None and (len(district) > DISTRICT_MAX or "\x00" in district):
        raise BadParameter(_unknown("district"))
    limit, cursor = page_limit(), decode_cursor(1)
    rows = list(db.session.scalars(queries.projects(phase, district, cursor, limit)))
    return page([serialize.project(row) for row in rows[:limit]], rows, limit, _id_key)


@bp.get("/projects/<int(max=9223372036854775807):project_id>")
def project_detail(project_id: int):
    """One project with its phases."""
    return json_response(serialize.project_detail(db.get_or_404(Project, project_id)))


@bp.get("/projects/<int(max=9223372036854775807):project_id>/comments")
def project_comments(project_id: int):
    """A project's comments an anonymous reader may read, oldest first (keyset paging)."""
    db.get_or_404(Project, project_id)
    limit, cursor = page_limit(), decode_cursor(1)
    rows = list(db.session.scalars(queries.visible_comments(project_id, cursor, limit)))
    return page([serialize.comment(row) for row in rows[:limit]], rows, limit, _id_key)


@bp.get("/surveys")
def survey_list():
    """Open surveys and closed ones with published results, newest first."""
    raw = request.args.get("project_id")
    if raw is not None and not (ID_PATTERN.fullmatch(raw) and int(raw) <= MAX_ID):
        raise BadParameter(_unknown("project_id"))
    limit, cursor = page_limit(), decode_cursor(1)
    rows = list(db.session.scalars(queries.surveys(int(raw) if raw else None, cursor, limit)))
    return page([serialize.survey(row) for row in rows[:limit]], rows, limit, _id_key)


def _listed_survey(survey_id: int):
    survey = db.session.scalars(queries.survey_with_questions(survey_id)).first()
    if survey is None:
        abort(404)
    return survey


@bp.get("/surveys/<int(max=9223372036854775807):survey_id>")
def survey_detail(survey_id: int):
    """A listed survey with its questions as respondents read them; drafts do not exist here."""
    return json_response(serialize.survey_detail(_listed_survey(survey_id)))


@bp.get("/surveys/<int(max=9223372036854775807):survey_id>/results")
def survey_results(survey_id: int):
    """Published results: the public results page's figures and suppression (the same compute call)."""
    survey = _listed_survey(survey_id)
    if not can_view_public_results(None, survey):
        abort(404)
    figures = compute(
        survey,
        None,
        public=True,
        threshold=threshold(),
        public_texts=can_read_public_texts(None, survey),
    )
    return json_response(serialize.results(survey, figures))


@bp.get("/wiki")
def wiki_list():
    """Wiki pages with an approved text, newest first."""
    limit, cursor = page_limit(), decode_cursor(1)
    rows = list(db.session.scalars(queries.wiki_pages(cursor, limit)).unique())
    return page([serialize.wiki_page(row) for row in rows[:limit]], rows, limit, _id_key)


def _published_page(wiki_page_id: int) -> WikiPage:
    wiki_page = db.session.get(WikiPage, wiki_page_id)
    if wiki_page is None or wiki_page.approved_revision is None:
        abort(404)
    return wiki_page


@bp.get("/wiki/<int(max=9223372036854775807):wiki_page_id>")
def wiki_detail(wiki_page_id: int):
    """One wiki page with its approved text."""
    return json_response(serialize.wiki_page(_published_page(wiki_page_id)))


@bp.get("/wiki/<int(max=9223372036854775807):wiki_page_id>/revisions")
def wiki_revisions(wiki_page_id: int):
    """A wiki page's approved revisions, newest first."""
    wiki_page = _published_page(wiki_page_id)
    limit, cursor = page_limit(), decode_cursor(1)
    rows = list(db.session.scalars(queries.wiki_revisions(wiki_page, cursor, limit)))
    return page([serialize.wiki_revision(row) for row in rows[:limit]], rows, limit, _id_key)


@bp.get("/transparency")
def transparency():
    """The moderation figures per month (the transparency page's numbers)."""
    return json_response(serialize.transparency(monthly_figures()))


def _unknown(name: str):
    return _l("Der Wert von „%(name)s“ ist ungültig.", name=name)
