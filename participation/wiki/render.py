"""Rendering a page: [[links]] resolved in one query, heading anchors and the table of contents."""

from __future__ import annotations

import html
import re
import secrets
import unicodedata
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import func, or_, select

from participation.core.markup import render_markdown
from participation.extensions import db
from participation.wiki.models import SLUG_MAX, WikiPage

# The same pattern core/markup.py uses, so every title the renderer will ask about is known up front.
_WIKI_LINK_RE = re.compile(r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]+))?\]\]")
# Sanitised output: bleach allows no attributes on headings, so they are always bare tags.
_HEADING_RE = re.compile(r"<h([3-6])>(.*?)</h\1>", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"}
)
TOC_MIN_HEADINGS = 3


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """German-friendly ASCII slug: "Häufige Fragen" -> "haeufige-fragen"."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    text = text.encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:max_length].rstrip("-")


def _title_key(title: str) -> str:
    return unicodedata.normalize("NFC", title.strip()).lower()


def link_targets(source: str) -> dict[str, str]:
    """Map every [[title]] in the source to the path of its published page (one query)."""
    titles = {match.group(1).strip() for match in _WIKI_LINK_RE.finditer(source)} - {""}
    if not titles:
        return {}
    keys = {_title_key(t) for t in titles}
    slugs = {slugify(t) for t in titles} - {""}
    rows = db.session.execute(
        select(WikiPage.slug, WikiPage.title).where(
            WikiPage.approved_revision_id.is_not(None),
            or_(func.lower(WikiPage.title).in_(keys), WikiPage.slug.in_(slugs)),
        )
    ).all()
    by_title = {_title_key(row.title): row.slug for row in rows if row.title}
    by_slug = {row.slug for row in rows}
    found = {}
    for title in titles:
        slug = by_title.get(_title_key(title)) or (slugify(title) if slugify(title) in by_slug else None)
        if slug:
            found[title] = url_for("wiki.page", slug=slug)
    return found


@dataclass
class TocEntry:
    """One heading in the table of contents, with the headings below it."""

    level: int
    text: str
    anchor: str
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class RenderedPage:
    html: Markup
    toc: list[TocEntry]


def _add_anchors(rendered: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Give each h3-h6 a generated id ([a-z0-9-] only, never user attribute text)."""
    headings: list[tuple[int, str, str]] = []
    used: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        level, inner = int(match.group(1)), match.group(2)
        text = html.unescape(_TAG_RE.sub("", inner)).strip()
        base = "abschnitt-" + (slugify(text, 60) or str(len(headings) + 1))
        anchor, number = base, 2
        while anchor in used:
            anchor, number = f"{base}-{number}", number + 1
        used.add(anchor)
        headings.append((level, text, anchor))
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return _HEADING_RE.sub(replace, rendered), headings


def _toc_tree(headings: list[tuple[int, str, str]]) -> list[TocEntry]:
    roots: list[TocEntry] = []
    stack: list[TocEntry] = []
    for level, text, anchor in headings:
        entry = TocEntry(level, text, anchor)
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(entry)
        stack.append(entry)
    return roots


def _mark_missing_links(rendered: str, marker: str) -> str:
    """Give the links our resolver built for missing pages their class and a visible "Seite anlegen"."""
    # The marker is random per render and only our resolver puts it into an href, so a user-written
    # link to the create form (or a guessed marker) never gets the class. Runs after sanitising:
    # bleach allows no class attribute at all, so the class can only ever come from here.
    pattern = re.compile(
        r'<a href="([^"]*?)' + re.escape(marker) + r'"( rel="[^"]*")?(?: title="[^"]*")?>([^<]*)</a>'
    )
    label = Markup(escape(_("%(label)s (Seite anlegen)")))

    def replace(match: re.Match[str]) -> str:
        # The link text is already escaped by the renderer; the title would only repeat it.
        text = label % {"label": Markup(match.group(3))}
        return f'<a class="wiki-missing" href="{match.group(1)}"{match.group(2) or ""}>{text}</a>'

    return pattern.sub(replace, rendered)


def render_page_body(source: str) -> RenderedPage:
    """The page's HTML with resolved links and anchors, plus a TOC when it has enough headings."""
    targets = link_targets(source)
    marker = f"#fehlt-{secrets.token_hex(8)}"

    def resolver(title: str) -> tuple[str, bool]:
        if title in targets:
            return targets[title], True
        return url_for("wiki.create", titel=title) + marker, False

    rendered = str(render_markdown(source, wiki_link_resolver=resolver))
    with_anchors, headings = _add_anchors(rendered)
    toc = _toc_tree(headings) if len(headings) >= TOC_MIN_HEADINGS else []
    # Safe: the input was sanitised by render_markdown; only generated ids and our own class were added.
    return RenderedPage(Markup(_mark_missing_links(with_anchors, marker)), toc)
