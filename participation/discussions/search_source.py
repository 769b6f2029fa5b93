"""The discussions' part of the site-wide search: published comments only (visibility.visible_filter)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.core.fulltext import Document, Link, SearchSource, register_source
from participation.core.markup import stored_html_to_text
from participation.discussions.links import permalink_by_slug
from participation.discussions.models import Comment
from participation.discussions.visibility import visible_filter
from participation.extensions import db
from participation.projects.models import Project

KIND = "comment"


def documents(ids: Sequence[int]) -> list[Document]:
    """Comments among these ids that an anonymous visitor may read (the one visibility rule, as SQL)."""
    rows = db.session.execute(
        select(Comment.id, Comment.body_html, Comment.created_at).where(
            Comment.id.in_(ids), visible_filter(None)
        )
    )
    return [Document(row.id, "", stored_html_to_text(row.body_html), row.created_at) for row in rows]


def all_ids() -> Iterable[int]:
    """Comments anyone may read, for a rebuild."""
    return db.session.scalars(select(Comment.id).where(visible_filter(None)).order_by(Comment.id)).all()


def links(ids: Sequence[int]) -> Mapping[int, Link]:
    """Each hit's place in its project's thread, named after the project (one query for the page)."""
    rows = db.session.execute(
        select(Comment.id, Project.slug, Project.title)
        .join(Project, Project.id == Comment.project_id)
        .where(Comment.id.in_(ids))
    )
    return {
        row.id: Link(
            permalink_by_slug(row.slug, row.id),
            _("Kommentar zu „%(title)s“", title=row.title),
        )
        for row in rows
    }


def register() -> None:
    """Comments last in the search's type filter; a moderation decision changes the status through the ORM."""
    register_source(
        SearchSource(
            kind=KIND,
            label=_l("Kommentar"),
            documents=documents,
            all_ids=all_ids,
            links=links,
            watches={Comment: lambda comment: [comment.id]},
            order=40,
        )
    )
