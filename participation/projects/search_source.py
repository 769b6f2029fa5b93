"""The projects' part of the site-wide search: every project is public, title, summary and description."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.core.fulltext import Document, Link, SearchSource, register_source
from participation.core.markup import render_plain
from participation.extensions import db
from participation.projects.models import Project

KIND = "project"


def documents(ids: Sequence[int]) -> list[Document]:
    """The projects among these ids (projects have no draft state: every project is public)."""
    rows = db.session.execute(
        select(Project.id, Project.title, Project.summary, Project.description, Project.updated_at).where(
            Project.id.in_(ids)
        )
    )
    return [
        Document(row.id, row.title, f"{row.summary}\n\n{render_plain(row.description or '')}", row.updated_at)
        for row in rows
    ]


def all_ids() -> Iterable[int]:
    """Every project, for a rebuild."""
    return db.session.scalars(select(Project.id).order_by(Project.id)).all()


def links(ids: Sequence[int]) -> Mapping[int, Link]:
    """The project pages of these hits."""
    rows = db.session.execute(select(Project.id, Project.slug).where(Project.id.in_(ids)))
    return {row.id: Link(url_for("projects.detail", project_slug=row.slug)) for row in rows}


def register() -> None:
    """Projects come first in the search's type filter."""
    register_source(
        SearchSource(
            kind=KIND,
            label=_l("Vorhaben"),
            documents=documents,
            all_ids=all_ids,
            links=links,
            watches={Project: lambda project: [project.id]},
            order=10,
        )
    )
