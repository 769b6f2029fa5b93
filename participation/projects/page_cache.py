"""Anonymous visitors' copy of a project page, kept until something on the page changes.

Most readers of a busy project page are not logged in, and for them the page is the same HTML:
rendering its discussion again for each of them is what made reads cost ~8 ms of CPU. Each
worker keeps the last rendered pages for anonymous visitors (a bounded LRU per app) under a key
of the project's ``page_version``, the path with its query string, the language and the day.

``page_version`` is a column of the project row the view loads anyway, so a hit costs no extra
statement, and every app server sees a change at once: whenever a tracked row (a comment, the
project, a phase, a linked survey or wiki page; domains register theirs with ``track``) is
inserted, changed or deleted, the transaction raises the versions of the projects concerned in
one UPDATE just before it commits. Writes that bypass the ORM's unit of work (bulk UPDATEs such
as a vote's score) call ``mark_changed``. What no tracked row records (an author renaming their
account, a survey opening by the clock) shows after at most ``PROJECT_PAGE_CACHE_SECONDS``.

The rendered page holds the visitor's CSRF token (the language switch); the stored copy keeps a
placeholder in its place and each hit fills in the visitor's own. Logged-in visitors, visitors with
a message waiting (flash) and non-200 pages are never served from or stored into the cache.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session

from participation.projects.models import Project

_PLACEHOLDER = "\x00csrf-token\x00"  # never in rendered HTML (Jinja escapes nothing to NUL)
_CHANGED = "projects_page_changed"  # Session.info key: ids of projects whose page changed

# Phases and survey dates are days in the municipality's time zone: a new day may change the page.
_BERLIN = ZoneInfo("Europe/Berlin")

# What a change may touch when it cannot name its project: an account's name shows on every page
# it commented on, a role adds the administration's mark there.
EVERY_PROJECT = -1


@dataclass(frozen=True)
class _Tracked:
    project_id_of: Callable[[Any], int | None]
    # A changed row counts only if one of these changed, a new row not at all (None: any change).
    columns: frozenset[str] | None


# Model class -> how to find the project whose page one of its rows is on.
_tracked: dict[type, _Tracked] = {}


def track(
    model: type, project_id_of: Callable[[Any], int | None], *, columns: tuple[str, ...] | None = None
) -> None:
    """Changes to rows of ``model`` change the page of the project ``project_id_of(row)`` names (None:
    no project's, EVERY_PROJECT: any project's). With ``columns``, only changes to those columns of
    existing rows count (an account is on no page before it writes), and bulk UPDATEs of the model
    must mark their projects themselves."""
    _tracked[model] = _Tracked(project_id_of, frozenset(columns) if columns is not None else None)


def mark_changed(session: Session | scoped_session[Any], project_id: int | None) -> None:
    """Raise the project's page version at this transaction's commit (for writes the ORM does not see)."""
    if project_id is not None:
        session.info.setdefault(_CHANGED, set()).add(project_id)


def _changed_columns(row: Any, columns: frozenset[str]) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in columns)


def _collect(session: Session, _context, _instances) -> None:
    """Before each flush: note the projects whose tracked rows are about to be written."""
    for rows, dirty in ((session.new, False), (session.deleted, False), (session.dirty, True)):
        for row in rows:
            tracked = _tracked.get(type(row))
            if tracked is None or (dirty and not session.is_modified(row)):
                continue
            if tracked.columns is None or (dirty and _changed_columns(row, tracked.columns)):
                mark_changed(session, tracked.project_id_of(row))


def _bulk_write(state: ORMExecuteState) -> None:
    """A bulk UPDATE or DELETE of tracked rows names no row: every page may have changed.

    Callers that mark the project themselves pass ``execution_options(page_changes_marked=True)``.
    """
    if not (state.is_update or state.is_delete) or state.execution_options.get("page_changes_marked"):
        return
    mapper = state.bind_mapper
    tracked = _tracked.get(mapper.class_) if mapper is not None else None
    if tracked is not None and tracked.columns is None:
        mark_changed(state.session, EVERY_PROJECT)


def _raise_versions(session: Session) -> None:
    """Before commit: one UPDATE raises the versions noted in this transaction."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit's own flush comes after this event: collect what it would write
    project_ids = session.info.pop(_CHANGED, None)
    if project_ids:
        if len(project_ids) == 1 and EVERY_PROJECT not in project_ids:
            statement = update(Project).where(Project.id == next(iter(project_ids)))
        else:
            # Several rows are locked in id order (a plain UPDATE locks them in the order it scans):
            # two transactions raising several versions wait for each other in one order, never in a
            # circle, so they cannot deadlock.
            locked = select(Project.id).order_by(Project.id).with_for_update()
            if EVERY_PROJECT not in project_ids:
                locked = locked.where(Project.id.in_(project_ids))
            statement = update(Project).where(Project.id.in_(locked.scalar_subquery()))
        # updated_at named: the column's onupdate would otherwise date the project to every comment.
        statement = statement.values(page_version=Project.page_version + 1, updated_at=Project.updated_at)
        session.execute(statement.execution_options(synchronize_session=False))


def _forget(session: Session, *_args) -> None:
    """A rolled back transaction changed nothing."""
    session.info.pop(_CHANGED, None)


def listen() -> None:
    """Attach the version keeping to the app's sessions (once per process)."""
    if not event.contains(FlaskSession, "before_flush", _collect):
        event.listen(FlaskSession, "before_flush", _collect)
        event.listen(FlaskSession, "before_commit", _raise_versions)
        event.listen(FlaskSession, "after_rollback", _forget)
        event.listen(FlaskSession, "do_orm_execute", _bulk_write)


class PageCache:
    """A bounded LRU of rendered pages (HTML with a CSRF placeholder), safe across threads."""

    def __init__(self, entries: int, seconds: float) -> None:
        self.entries, self.seconds = entries, seconds
        self._pages: OrderedDict[tuple, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        """The stored page, if younger than the time limit."""
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > self.seconds:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return found[1]

    def put(self, key: tuple, html: str) -> None:
        """Store a page; the least recently used one goes when the cache is full."""
        with self._lock:
            self._pages[key] = (time.monotonic(), html)
            self._pages.move_to_end(key)
            while len(self._pages) > self.entries:
                self._pages.popitem(last=False)


def _cache() -> PageCache | None:
    app = current_app
    seconds = app.config.get("PROJECT_PAGE_CACHE_SECONDS", 0)
    if not seconds:
        return None
    cache = app.extensions.get("project_page_cache")
    if cache is None:
        cache = app.extensions["project_page_cache"] = PageCache(
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
