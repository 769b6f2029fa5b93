"""The ONE rule for who reads which comment text. Every read path goes through this module.

- Published comments: everyone reads them.
- Pending, hidden, removed: the author and moderators read the text (with a banner);
  everyone else gets a placeholder without the text.
- Deleted by the author: the text is erased; everyone sees "Kommentar gelöscht".

`sight(status, own=, moderator=)` is the rule itself. `visible_body(comment, viewer)` applies it
to one comment (an ORM object or a row); `ViewerSight(viewer)` remembers it per status for pages
with thousands of comments; `visible_filter(viewer)` is the same rule as SQL, for lists that
should leave out what the viewer may not read (profile pages, search, an API).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import ColumnElement, and_, or_

from participation.accounts.policy import Viewer, is_moderator
from participation.discussions.models import Comment, CommentStatus

PLACEHOLDERS = {
    CommentStatus.PENDING: _l("Dieser Kommentar wird noch geprüft."),
    CommentStatus.HIDDEN: _l("Dieser Kommentar wurde von der Moderation ausgeblendet."),
    CommentStatus.REMOVED: _l("Dieser Kommentar wurde von der Moderation entfernt."),
    CommentStatus.DELETED: _l("Kommentar gelöscht"),
}
BANNERS = {
    CommentStatus.PENDING: _l(
        "Ihr Kommentar wartet auf Freigabe durch die Moderation. Andere sehen ihn noch nicht."
    ),
    CommentStatus.HIDDEN: _l("Von der Moderation ausgeblendet. Andere sehen nur einen Hinweis."),
    CommentStatus.REMOVED: _l("Von der Moderation entfernt. Andere sehen nur einen Hinweis."),
}
MODERATOR_BANNERS = {
    CommentStatus.PENDING: _l("Wartet auf Prüfung – nur für Autorin/Autor und Moderation sichtbar."),
    CommentStatus.HIDDEN: _l("Ausgeblendet – nur für Autorin/Autor und Moderation sichtbar."),
    CommentStatus.REMOVED: _l("Entfernt – nur für Autorin/Autor und Moderation sichtbar."),
}
# Published and deleted comments look the same to everyone: no role check needed for them.
_EVERYONE_SAME = frozenset({CommentStatus.PUBLISHED.value, CommentStatus.DELETED.value})


def sees_everything(viewer: Viewer) -> bool:
    """Moderators (and admins) read every comment, to judge reports and restore hidden ones."""
    return is_moderator(viewer)


def _viewer_id(viewer) -> int | None:
    return viewer.id if viewer is not None and getattr(viewer, "is_authenticated", False) else None


def visible_filter(viewer, comment=Comment) -> ColumnElement[bool]:
    """SQL condition: comments whose text this viewer may read (deleted ones have no text)."""
    if sees_everything(viewer):
        return comment.status != CommentStatus.DELETED.value
    published = comment.status == CommentStatus.PUBLISHED.value
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return published
    own = and_(comment.author_id == viewer_id, comment.status != CommentStatus.DELETED.value)
    return or_(published, own)


@dataclass(frozen=True)
class Sight:
    """What one viewer sees of a comment, apart from its text: the rule without the body."""

    readable: bool
    placeholder: str | None
    banner: str | None
    show_author: bool


@dataclass(frozen=True)
class VisibleBody:
    """What one viewer sees of one comment: the HTML, or a placeholder; maybe a banner."""

    html: Markup | None
    placeholder: str | None
    banner: str | None
    show_author: bool

    @property
    def readable(self) -> bool:
        return self.html is not None


def sight(status: str, *, own: bool, moderator: bool) -> Sight:
    """THE rule: what the author (`own`), a moderator or anyone else sees of a comment in `status`."""
    status = CommentStatus(status)
    if status == CommentStatus.DELETED:
        return Sight(False, str(PLACEHOLDERS[status]), None, show_author=False)
    if status == CommentStatus.PUBLISHED:
        return Sight(True, None, None, show_author=True)
    if own:
        return Sight(True, None, str(BANNERS[status]), show_author=True)
    if moderator:
        return Sight(True, None, str(MODERATOR_BANNERS[status]), show_author=True)
    return Sight(False, str(PLACEHOLDERS[status]), None, show_author=False)


def body_for(comment, rule: Sight) -> VisibleBody:
    """The decided sight with the comment's text filled in (only if the viewer may read it)."""
    # body_html is the stored output of core.markup.render_markdown, never raw user input.
    html = Markup(comment.body_html) if rule.readable else None
    return VisibleBody(html, rule.placeholder, rule.banner, rule.show_author)


def visible_body(comment, viewer, *, moderator: bool | None = None) -> VisibleBody:
    """Decide what `viewer` sees of `comment` (pass `moderator` to skip the role check in loops)."""
    viewer_id = _viewer_id(viewer)
    own = viewer_id is not None and viewer_id == comment.author_id
    if moderator is None:
        moderator = comment.status not in _EVERYONE_SAME and sees_everything(viewer)
    return body_for(comment, sight(comment.status, own=own, moderator=moderator))


class ViewerSight:
    """`sight` for one viewer, remembered per (status, own comment?): for pages with thousands of comments."""

    def __init__(self, viewer) -> None:
        self.viewer_id = _viewer_id(viewer)
        self.moderator = sees_everything(viewer)
        self._known: dict[tuple[str, bool], Sight] = {}

    def __call__(self, status: str, author_id: int) -> Sight:
        key = (status, author_id == self.viewer_id)
        rule = self._known.get(key)
        if rule is None:
            rule = self._known[key] = sight(status, own=key[1], moderator=self.moderator)
        return rule
