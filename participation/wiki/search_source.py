"""The wiki's part of the site-wide search: the approved text of published pages, nothing pending."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.core.fulltext import Document, Link, SearchSource, register_source
from participation.core.markup import render_plain
from participation.extensions import db
from participation.wiki import policy
from participation.wiki.models import WikiPage, WikiRevision

KIND = "wiki"


def documents(ids: Sequence[int]) -> list[Document]:
    """Published pages among these ids, with the approved revision's title and text only."""
    # Joined by the pointer column, not page.approved_revision: a pointer just moved in this transaction
    # (by the ORM or a bulk UPDATE) may not have reached the in-memory relationship yet.
    pairs = db.session.execute(
        select(WikiPage, WikiRevision)
        .join(WikiRevision, WikiRevision.id == WikiPage.approved_revision_id)
        .where(WikiPage.id.in_(ids))
    ).all()
    found = []
    for page, revision in pairs:
        if not (policy.can_view_page(None, page) and policy.can_view_revision(None, revision)):
            continue
        found.append(Document(page.id, revision.title, render_plain(revision.body), revision.created_at))
    return found


def all_ids() -> Iterable[int]:
    """Every page (unpublished ones are left out by `documents`), for a rebuild."""
    return db.session.scalars(select(WikiPage.id).order_by(WikiPage.id)).all()


def links(ids: Sequence[int]) -> Mapping[int, Link]:
    """The pages of these hits."""
    rows = db.session.execute(select(WikiPage.id, WikiPage.slug).where(WikiPage.id.in_(ids)))
    return {row.id: Link(url_for("wiki.page", slug=row.slug)) for row in rows}


def register() -> None:
    """Wiki pages after surveys in the search's type filter.

    A revision's state moves by bulk UPDATE (wiki.services calls mark_stale there); ORM writes to
    pages and revisions are watched here.
    """
    register_source(
        SearchSource(
            kind=KIND,
            label=_l("Wissen"),
            documents=documents,
            all_ids=all_ids,
            links=links,
            watches={WikiPage: lambda page: [page.id], WikiRevision: lambda revision: [revision.page_id]},
            order=30,
        )
    )
