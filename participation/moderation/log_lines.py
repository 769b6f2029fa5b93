"""Audit entries as sentences people can read, with links to the item and the person.

Used by the moderation log and the admin log (one describer, one template). Everything a page of
entries refers to is loaded in a fixed number of queries, however many entries it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from participation.accounts.models import User
from participation.core.audit_texts import text_for
from participation.core.i18n import format_when
from participation.core.models import AuditLogEntry
from participation.discussions.links import permalink_by_slug
from participation.discussions.models import Comment
from participation.extensions import db
from participation.moderation import reasons
from participation.moderation.models import ACTION_LABELS, Action, Decision
from participation.projects.models import Project
from participation.wiki.models import WikiPage

# Decisions on a wiki change name the change, not the page (the page itself stays).
WIKI_CHANGE_ACTIONS = frozenset(
    {
        "moderation.publish",
        "moderation.reject",
        "moderation.hide",
        "moderation.remove",
        "wiki.approve",
        "wiki.reject",
    }
)


@dataclass
class LogLine:
    """One entry in words: the sentence (HTML with links, and plain for CSV) and its parts."""

    entry: AuditLogEntry
    sentence: Markup
    text: str
    actor: str
    target: str
    category: str = ""
    rule: str = ""
    ends: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class _Details(dict):
    """The entry's details for the sentence; a detail the entry lacks reads as a dash."""

    def __missing__(self, key: str) -> str:
        return "–"


@dataclass
class _Context:
    people: dict[int, User]
    comments: dict[int, Comment]
    projects: dict[int, Project]
    pages: dict[int, WikiPage]
    decisions: dict[int, Decision]
    person_url: Callable[[int], str]


def _ids(entries: list[AuditLogEntry], target_type: str) -> set[int]:
    return {e.target_id for e in entries if e.target_type == target_type and e.target_id}


def _by_id(model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _context(entries: list[AuditLogEntry], person_endpoint: str) -> _Context:
    comments = _by_id(Comment, _ids(entries, "comments"))
    decisions = _by_id(Decision, _ids(entries, "moderation_decisions"))
    project_ids = _ids(entries, "projects") | {c.project_id for c in comments.values()}
    people_ids = {e.actor_id for e in entries if e.actor_id} | _ids(entries, "users")
    people_ids |= {c.author_id for c in comments.values()}
    people_ids |= {d.subject_id for d in decisions.values() if d.subject_id}
    return _Context(
        people=_by_id(User, people_ids),
        comments=comments,
        projects=_by_id(Project, project_ids),
        pages=_by_id(WikiPage, _ids(entries, "wiki_pages")),
        decisions=decisions,
        person_url=lambda user_id: url_for(person_endpoint, user_id=user_id),
    )


class _Writer:
    """Builds the same sentence as HTML (escaped, with links) or as plain text."""

    def __init__(self, html: bool) -> None:
        self.html = html

    def link(self, text: str, url: str | None) -> Any:
        if not self.html:
            return text
        return Markup('<a href="%s">%s</a>') % (url, text) if url else escape(text)

    def fill(self, pattern: Any, values: dict[str, Any]) -> Any:
        if not self.html:
            return str(pattern) % values
        return Markup(escape(str(pattern))) % values


def _person(ctx: _Context, writer: _Writer, user_id: int | None) -> Any:
    user = ctx.people.get(user_id) if user_id else None
    if user is None:
        return _("Konto Nr. %(id)s", id=user_id) if user_id else _("Die Plattform")
    return writer.link(user.public_name, None if user.is_deleted else ctx.person_url(user.id))


def _target(ctx: _Context, writer: _Writer, entry: AuditLogEntry) -> Any:
    kind, number, label = entry.target_type, entry.target_id, entry.target_label
    details = entry.details or {}
    if kind == "comments" and number in ctx.comments:
        comment = ctx.comments[number]
        project = ctx.projects.get(comment.project_id)
        place = writer.link(project.title, permalink_by_slug(project.slug, comment.id)) if project else "–"
        values = {"author": _person(ctx, writer, comment.author_id), "place": place}
        return writer.fill(_("den Kommentar von %(author)s zu „%(place)s“"), values)
    if kind == "wiki_pages" and number in ctx.pages:
        page = ctx.pages[number]
        title = page.title or label or page.slug
        if entry.action in WIKI_CHANGE_ACTIONS and details.get("revision_id"):
            url = url_for("wiki.revision", slug=page.slug, revision_id=details["revision_id"])
            return writer.fill(
                _("die Änderung an der Wiki-Seite „%(title)s“"), {"title": writer.link(title, url)}
            )
        url = url_for("wiki.page", slug=page.slug)
        return writer.fill(_("die Wiki-Seite „%(title)s“"), {"title": writer.link(title, url)})
    if kind == "users" and number:
        return writer.fill(_("das Konto von %(name)s"), {"name": _person(ctx, writer, number)})
    if kind == "projects" and number in ctx.projects:
        project = ctx.projects[number]
        url = url_for("projects.detail", project_slug=project.slug)
        return writer.fill(_("das Vorhaben „%(title)s“"), {"title": writer.link(project.title, url)})
    if kind == "moderation_decisions" and number in ctx.decisions:
        decision = ctx.decisions[number]
        url = url_for("moderation.appeal", decision_id=decision.id)
        what = writer.link(str(ACTION_LABELS[Action(decision.action)]), url)
        values = {"what": what, "person": _person(ctx, writer, decision.subject_id)}
        return writer.fill(_("die Entscheidung „%(what)s“ gegenüber %(person)s"), values)
    if kind == "surveys":
        return writer.fill(_("die Umfrage „%(title)s“"), {"title": label or f"#{number}"})
    if label:
        return writer.fill(_("„%(label)s“"), {"label": label})
    return writer.fill(_("%(kind)s Nr. %(id)s"), {"kind": kind, "id": number}) if kind else "–"


def _category(categories: dict[str, reasons.Category], details: dict[str, Any]) -> tuple[str, str]:
    found = categories.get(details.get("reason_code") or "")
    if found is None:
        return "", ""
    return found.label, found.rule


def _ends(details: dict[str, Any]) -> str:
    value = details.get("ends_at") or details.get("until")
    try:
        return format_when(datetime.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return ""


def _sentence(ctx: _Context, writer: _Writer, entry: AuditLogEntry, line: LogLine) -> Any:
    values = _Details({str(k): v for k, v in (entry.details or {}).items()})
    values.update(
        actor=_person(ctx, writer, entry.actor_id),
        target=_target(ctx, writer, entry),
        code=entry.action,
        label=values.get("label", entry.target_label or "–"),
    )
    sentence = writer.fill(text_for(entry.action), values)
    extras = [part for part in (line.category, line.rule.split(":")[0] if line.rule else "") if part]
    if extras:
        sentence += writer.fill(" – %(extras)s", {"extras": ", ".join(extras)})
    if line.ends:
        sentence += writer.fill(_(" (bis %(date)s)"), {"date": line.ends})
    return sentence


def describe(entries: Iterable[AuditLogEntry], person_endpoint: str) -> list[LogLine]:
    """Each entry as a sentence in the current language; links to people go to person_endpoint."""
    rows = list(entries)
    ctx = _context(rows, person_endpoint)
    html, plain = _Writer(html=True), _Writer(html=False)
    # Retired categories too: an entry keeps the name its decision was given.
    categories = {c.code: c for c in reasons.all_categories()}
    lines = []
    for entry in rows:
        details = entry.details or {}
        category, rule = _category(categories, details)
        line = LogLine(
            entry=entry,
            sentence=Markup(""),
            text="",
            actor=str(_person(ctx, plain, entry.actor_id)),
            target=str(_target(ctx, plain, entry)),
            category=category,
            rule=rule,
            ends=_ends(details),
            details=details,
        )
        line.sentence = _sentence(ctx, html, entry, line)
        line.text = str(_sentence(ctx, plain, entry, line))
        lines.append(line)
    return lines
