"""Start page, legal pages and the language switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from participation.core.forms import PostOnlyForm
from participation.core.legal import legal_page_body
from participation.core.legal_texts import LEGAL_PAGE_SLUGS, LEGAL_SLUG_ARGS, legal_page_title
from participation.core.search_views import search_page
from participation.core.security import safe_next
from participation.extensions import db

bp = Blueprint("core", __name__)
# The site-wide search (core.search, /suche) lives in its own module; the header's box sends `q` there.
bp.add_url_rule("/suche", "search", search_page)

# Sections domains add to the start page, keyed by name (a second app replaces, never repeats),
# shown in the order of their first registration.
_home_sections: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {}


def register_home_section(name: str, template: str, context: Callable[[], dict[str, Any]]) -> None:
    """Let a domain show a section on the start page (current projects, open surveys ...)."""
    _home_sections[name] = (template, context)


@bp.route("/")
def home() -> str:
    """The municipality's start page with the sections the domains contribute."""
    sections = [(template, context()) for template, context in _home_sections.values()]
    return render_template("core/home.html", sections=sections)


@bp.route(f"/<any({LEGAL_SLUG_ARGS}):slug>")
def legal_page(slug: str) -> str:
    """A legal page (Impressum, Datenschutz, ...), Leichte Sprache or Gebärdensprache as edited by admins."""
    if slug not in LEGAL_PAGE_SLUGS:
        abort(404)
    return render_template("core/legal_page.html", title=legal_page_title(slug), body=legal_page_body(slug))


@bp.route("/sprache", methods=["POST"])
def switch_language() -> Response:
    """Remember the chosen language (in the session, and in the profile when logged in)."""
    language = request.form.get("language", "")
    if PostOnlyForm().validate_on_submit() and language in current_app.config["SUPPORTED_LOCALES"]:
        session["language"] = language
        if current_user.is_authenticated:
            current_user.locale = language
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))
