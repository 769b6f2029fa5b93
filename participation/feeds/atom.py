"""Atom documents (RFC 4287) from plain entries: ids as tag: URIs, times with offset, no markup of ours."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from flask import Response, current_app, request
from flask_babel import get_locale

ATOM = "http://www.w3.org/2005/Atom"
# Feeds are bounded: a reader polls often, the newest entries are what it needs.
LIMIT = 50


@dataclass(frozen=True)
class Entry:
    """One feed entry: a stable id, a German title, a link to the page and a plain-text summary."""

    key: str
    title: str
    link: str
    updated: datetime
    summary: str = ""


def language() -> str:
    """The language the titles are in: German unless the reader chose English."""
    return str(get_locale() or "de")


def tag_uri(key: str) -> str:
    """A stable tag: URI (RFC 4151) for this site: the host name, a fixed date, the entry's key."""
    authority = current_app.config.get("SERVER_NAME") or request.host.split(":")[0]
    return f"tag:{authority},2026:{key}"


def iso(moment: datetime) -> str:
    """An RFC 3339 time with offset (stored times are UTC; naive ones are read as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def document(key: str, title: str, entries: list[Entry], fallback: datetime) -> bytes:
    """The feed as bytes: the feed's own id, title, updated, author, self and alternate links, entries."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language()})
    _sub(feed, "id", tag_uri(key))
    _sub(feed, "title", title)
    _sub(feed, "updated", iso(max((e.updated for e in entries), default=fallback)))
    author = _sub(feed, "author")
    _sub(author, "name", current_app.config.get("SITE_NAME", "Musterstadt"))
    _sub(feed, "link", rel="self", href=request.url)
    _sub(feed, "link", rel="alternate", type="text/html", href=request.host_url)
    for item in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", tag_uri(item.key))
        _sub(entry, "title", item.title)
        _sub(entry, "updated", iso(item.updated))
        _sub(entry, "link", rel="alternate", type="text/html", href=item.link)
        if item.summary:
            _sub(entry, "summary", item.summary)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        feed, encoding="utf-8", xml_declaration=False
    )


def respond(body: bytes, updated: datetime | None, mimetype: str) -> Response:
    """A cacheable response: a strong ETag from the body, Last-Modified, 304 for a reader that has it."""
    response = Response(body, mimetype=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    if updated is not None:
        response.last_modified = updated if updated.tzinfo else updated.replace(tzinfo=UTC)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.make_conditional(request)  # turns itself into a 304 when the reader's copy is current
    return response
