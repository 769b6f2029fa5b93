"""Reading and saving the legal pages; an unedited page shows its German template."""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from participation.core import audit
from participation.core.legal_texts import default_legal_text
from participation.core.markup import render_markdown
from participation.core.models import LegalPage
from participation.core.types import Actor
from participation.extensions import db


def legal_page_source(slug: str) -> str:
    """The page's Markdown: the admin's text, or the shipped template until one is saved."""
    page = db.session.get(LegalPage, slug)
    return page.body if page else default_legal_text(slug, current_app.config["SITE_NAME"])


def legal_page_body(slug: str) -> Markup:
    """The page rendered through the one Markdown renderer; its "#" sections are h2 under the page's h1."""
    return render_markdown(legal_page_source(slug), top_level=2)


def save_legal_page(actor: Actor | None, slug: str, body: str) -> None:
    """Store an admin's new text and log the change."""
    page = db.session.get(LegalPage, slug)
    if page is None:
        page = LegalPage(slug=slug, body=body, updated_by_id=actor.id if actor else None)
        db.session.add(page)
    else:
        page.body = body
        page.updated_by_id = actor.id if actor else None
    audit.record(actor, "settings.legal_page_saved", label=slug, slug=slug, length=len(body))
