"""Anonymous visitors' copy of a project page, kept until something on the page changes.

Most readers of a busy project page are not logged in, and for them the page is the same HTML:
rendering its discussion again for each of them is what made reads cost ~8 ms of CPU. Each
worker keeps the last rendered pages for anonymous visitors (a bounded LRU per app) under a key
of the project's ``page_version``, the path with its query string, the language and the day.

``page_version`` is a column of the project row the view loads anyway, so a hit costs no extra
statement, and every app server sees a change at once: whenever a tracked row (a comment, the
project, a phase, a linked survey or wiki page; domains register theirs with ``track``) is
inserted, changed or deleted, the transaction raises the versions of the projects concerned in
one UPDATE just before it commits (core/versions.py). Writes that bypass the ORM's unit of work
(bulk UPDATEs such as a vote's score) call ``mark_changed``. What no tracked row records (a survey
opening by the clock) shows after at most ``PROJECT_PAGE_CACHE_SECONDS``.

The rendered page holds the visitor's CSRF token (the language switch); the stored copy keeps a
placeholder in its place and each hit fills in the visitor's own. Logged-in visitors, visitors with
a message waiting (flash) and non-200 pages are never served from or stored into the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import Session, scoped_session

from participation.core import versions
from participation.core.lru import TimedLRU
from participation.projects.models import Project

_PLACEHOLDER = "\x00csrf-token\x00"  # never in rendered HTML (Jinja escapes nothing to NUL)

# Phases and survey dates are days in the municipality's time zone: a new day may change the page.
_BERLIN = ZoneInfo("Europe/Berlin")

# What a change may touch when it cannot name its project: an account's name shows on every page
# it commented on, a role adds the administration's mark there.
EVERY_PROJECT = versions.EVERY

# updated_at kept: its onupdate would otherwise date the project to every comment.
PAGE_VERSION = versions.Counter("projects_page_changed", Project, "page_version", keep=("updated_at",))


def track(
    model: type, project_id_of: Callable[[Any], int | None], *, columns: tuple[str, ...] | None = None
) -> None:
    """Changes to rows of ``model`` change the page of the project ``project_id_of(row)`` names (None:
    no project's, EVERY_PROJECT: any project's). With ``columns``, only changes to those columns of
    existing rows count (an account is on no page before it writes), and bulk UPDATEs of the model
    must mark their projects themselves."""
    versions.track(PAGE_VERSION, model, project_id_of, columns=columns)


def mark_changed(session: Session | scoped_session[Any], project_id: int | None) -> None:
    """Raise the project's page version at this transaction's commit (for writes the ORM does not see)."""
    versions.mark_changed(session, PAGE_VERSION, project_id)


def _cache() -> TimedLRU[str] | None:
    app = current_app
    seconds = app.config.get("PROJECT_PAGE_CACHE_SECONDS", 0)
    if not seconds:
        return None
    cache = app.extensions.get("project_page_cache")
    if cache is None:
        cache = app.extensions["project_page_cache"] = TimedLRU[str](
            app.config.get("PROJECT_PAGE_CACHE_ENTRIES", 200), seconds
        )
    return cache


def _key(project: Project, today: date) -> tuple:
    return (project.id, project.page_version, str(get_locale()), request.full_path, today)


def anonymous_page(project: Project, render: Callable[[], tuple[str, int]]) -> tuple[str, int]:
    """The project page for this request: from the cache for anonymous visitors, else ``render()``."""
    cache = _cache()
    if cache is None or current_user.is_authenticated or session.get("_flashes"):
        return render()
    key = _key(project, datetime.now(_BERLIN).date())
    stored = cache.get(key)
    if stored is not None:
        return stored.replace(_PLACEHOLDER, generate_csrf()), 200
    html, status = render()
    if status == 200:
        cache.put(key, html.replace(generate_csrf(), _PLACEHOLDER))
    return html, status
