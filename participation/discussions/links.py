"""Where a comment lives on the project page: its card's anchor and its permalink."""

from __future__ import annotations

from flask import url_for

from participation.projects.models import Project

ANCHOR_PREFIX = "kommentar-"  # the id of a comment's card on the project page (cards.py writes it too)


def comment_anchor(comment_id: int) -> str:
    """The element id of the comment's card: permalinks end in it, feedback is filed under it."""
    return f"{ANCHOR_PREFIX}{comment_id}"


def comment_id_of_anchor(anchor: str | None) -> int | None:
    """The comment an anchor from comment_anchor points at, or None for any other anchor."""
    number = (anchor or "").removeprefix(ANCHOR_PREFIX)
    return int(number) if anchor and anchor.startswith(ANCHOR_PREFIX) and number.isdigit() else None


def permalink(project: Project, comment_id: int) -> str:
    """The local path that opens the thread at this comment."""
    return permalink_by_slug(project.slug, comment_id)


def permalink_by_slug(project_slug: str, comment_id: int) -> str:
    """permalink() when only the project's slug is at hand (search hits are loaded as rows)."""
    path = url_for("discussions.permalink", project_slug=project_slug, comment_id=comment_id)
    return f"{path}#{comment_anchor(comment_id)}"
