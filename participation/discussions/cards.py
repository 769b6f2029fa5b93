"""The comment cards of a project page, written in Python for speed (see CommentCards).

thread.py reads the comments and hands them here; this module imports nothing from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import get_flashed_messages
from flask_babel import get_translations
from markupsafe import Markup, escape

from participation.discussions import policy
from participation.discussions.models import CommentStatus
from participation.discussions.visibility import sight

# Indentation levels the page shows; deeper replies stay at this level, marked "Antwort an …".
MAX_INDENT = 6


@dataclass(frozen=True, slots=True)
class _Probe:
    """Stands for every comment of one kind when asking the policies: they judge status and author."""

    status: str
    author_id: int | None  # the viewer's id for their own comments, else None (nobody's id)


@dataclass(frozen=True, slots=True)
class MoreReplies:
    """A thread goes on after a shown reply: where the "weitere Antworten" link leads."""

    thread_id: int  # the top-level comment: the link is that thread's permalink with a cursor
    after_id: int  # the last reply shown (the cursor)
    position: int | None  # its place among the thread's replies, when known
    count: int | None  # how many replies follow, when known
    next_id: int  # the first reply not shown: the link's anchor
    next_depth: int


def _html(text) -> str:
    """Escaped text as a plain str (for f-strings)."""
    return str(escape(text))


_DEPTH_CSS = [""] + [f" depth-{level}" for level in range(1, MAX_INDENT + 1)]
_VOTE_STATES = {  # my_vote -> value and aria-pressed of the "Dafür" and the "Dagegen" button
    None: ("1", "false", "-1", "false"),
    1: ("0", "true", "-1", "false"),
    -1: ("1", "false", "0", "true"),
}


class CommentCards:
    """The comment cards of one project page, as HTML.

    This is the thread's template. It is Python rather than Jinja because the page may show
    thousands of comments and Jinja's cost per expression and policy call made the page five
    times slower than the data it shows (bench/discussions.py). What is equal for many cards
    is prepared once: labels, URLs, and per kind of comment (status, own or not) the policy
    answers and the visibility rule, so policy.py and visibility.py stay the only rules.
    Every text goes through `escape`; body_html is core.markup.render_markdown's stored output.
    """

    def __init__(self, viewer, project, comment_base: str, reply_base: str) -> None:
        self.viewer, self.project = viewer, project
        self.viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
        self.moderator = policy.can_moderate_comments(viewer)
        self.kinds: dict[tuple[str, bool], tuple] = {}
        # The catalogue once per page (Flask-Babel's gettext looks up locale and catalogue on every
        # call); named `_` and `ngettext` where used so that extraction finds the strings.
        catalogue = get_translations()
        _ = catalogue.gettext
        self.ngettext = catalogue.ngettext
        # Plain (already escaped) strings: formatting Markup objects into f-strings costs more.
        self.base, self.reply_base = _html(comment_base), _html(reply_base)
        self.t_reply_to, self.t_reply = _html(_("Antwort an")), _html(_("Antwort"))
        self.t_edited = f" · {_html(_('bearbeitet'))}"
        self.t_up, self.t_down = _html(_("Dafür")), _html(_("Dagegen"))
        self.t_for, self.t_against = _html(_("dafür")), _html(_("dagegen"))
        self.t_answer, self.t_edit = _html(_("Antworten")), _html(_("Bearbeiten"))
        self.t_delete, self.t_report = _html(_("Löschen")), _html(_("Melden"))
        self.t_hide, self.t_restore = _html(_("Ausblenden")), _html(_("Wiederherstellen"))
        self.t_versions = _html(_("Frühere Versionen"))
        # The administration's voice, named in text (not only by colour) for screen readers too.
        department = getattr(project, "department", None)
        office = _html(_("Stadtverwaltung")) + (f" · {_html(department)}" if department else "")
        self.official = f' <span class="badge official-mark">{office}</span>'
        self.t_more = _html(_("Weitere Antworten anzeigen"))
        self.t_start = _html(_("Zum Anfang des Gesprächsfadens"))

    def _more(self, more: MoreReplies) -> str:
        """The keyset link to the next window of a thread (static/js/enhance.js loads it in place)."""
        depth = min(more.next_depth, MAX_INDENT)
        href = f"{self.base}{more.thread_id}?nach={more.after_id}"
        if more.position is not None:
            href += f"&amp;gezeigt={more.position}"
        if more.count is None:
            label = self.t_more
        else:
            ngettext = self.ngettext
            text = ngettext(
                "%(num)s weitere Antwort anzeigen", "%(num)s weitere Antworten anzeigen", more.count
            )
            label = _html(text % {"num": more.count})
        return (
            f'<li class="comment-more{_DEPTH_CSS[depth]}"><a class="more-replies"'
            f' href="{href}#kommentar-{more.next_id}" data-after="{more.after_id}">{label}</a></li>\n'
        )

    def _gap(self, thread_id: int) -> str:
        """Replies between the top-level comment and a window's nearest ancestors are left out."""
        return (
            f'<li class="comment-gap depth-1"><a href="{self.base}{thread_id}#kommentar-{thread_id}">'
            f"{self.t_start}</a></li>\n"
        )

    def _kind(self, status: str, own: bool) -> tuple:
        """Everything the card of a comment with this status (own or not) shows besides its data."""
        rule = sight(status, own=own, moderator=self.moderator)
        probe = _Probe(status, self.viewer_id if own else None)
        viewer, project = self.viewer, self.project
        published = status == CommentStatus.PUBLISHED
        banner = f'<p class="banner-pending">{_html(rule.banner)}</p>\n' if rule.banner else ""
        if not rule.readable:
            banner += f'<p class="comment-placeholder">{_html(rule.placeholder)}</p>\n'
        return (
            rule,
            banner,
            published and policy.can_vote(viewer, project, probe),
            published and policy.can_reply(viewer, project, probe),
            published and policy.can_edit_comment(viewer, project, probe),
            published and policy.can_delete_comment(viewer, project, probe),
            published and policy.can_report(viewer, project, probe),
            policy.can_hide_comment(viewer, probe),
            policy.can_restore_comment(viewer, probe),
        )

    def notices(self) -> str:
        """This request's messages for the card they concern (core.feedback), announced to screen readers."""
        out = []
        # Flask types the result as a list of str, although with_categories gives (category, text) pairs.
        flashed: list[tuple[str, str]] = get_flashed_messages(with_categories=True)  # type: ignore[assignment]
        for category, message in flashed:
            role = "alert" if category == "error" else "status"
            out.append(f'<p class="flash flash-{_html(category)}" role="{role}">{_html(message)}</p>')
        return f'<div class="flash-messages comment-notice">{"".join(out)}</div>\n' if out else ""

    def write(self, items, focus_id, notice_id=None, more=None, gap_before=None) -> Markup:
        """One `<li>` per item, in the order given; the focused comment (permalink) is marked.

        The card of `notice_id` carries this request's messages (the confirmation of what was
        just done to that comment), where the browser's anchor puts the reader's eye. `more`
        maps an item to the "weitere Antworten" link after it, `gap_before` an item to the
        thread whose earlier replies are left out above it.
        """
        more, gap_before = more or {}, gap_before or {}
        kinds, viewer_id, base = self.kinds, self.viewer_id, self.base
        out: list[str] = []
        add = out.append
        names: dict[str, str] = {}  # escaped once per author
        t_reply_to, t_reply, t_edited = self.t_reply_to, self.t_reply, self.t_edited
        t_up, t_down, t_for, t_against = self.t_up, self.t_down, self.t_for, self.t_against
        for c in items:
            key = (c.status, c.author_id == viewer_id)
            kind = kinds.get(key) or kinds.setdefault(key, self._kind(*key))
            rule, banner, vote, reply, edit, delete, report, hide, restore = kind
            cid = str(c.id)
            url = f"{base}{cid}"
            if gap_before and c.id in gap_before:
                add(self._gap(gap_before[c.id]))
            depth = c.depth
            css = _DEPTH_CSS[depth] if depth <= MAX_INDENT else _DEPTH_CSS[MAX_INDENT]
            if c.id == focus_id:
                css += " comment-focus"
            if rule.show_author:
                name = names.get(c.author_name)
                if name is None:
                    name = names[c.author_name] = _html(c.author_name)
                meta = f"<strong>{name}</strong>{self.official if c.author_official else ''} · "
            else:
                meta = ""
            if c.parent_id:
                if c.reply_to_name:
                    name = names.get(c.reply_to_name)
                    if name is None:
                        name = names[c.reply_to_name] = _html(c.reply_to_name)
                    to = f"{t_reply_to} {name}"
                else:
                    to = t_reply
                if depth > MAX_INDENT:
                    meta += f'<span class="reply-to">{to}</span> · '
                else:
                    meta += f'<span class="visually-hidden">{to}</span> '
            add(
                f'<li id="kommentar-{cid}" class="comment{css}">\n<p class="comment-meta">{meta}'
                f'<a href="{url}#kommentar-{cid}">{_html(c.created_label)}</a>'
                f"{t_edited if c.edited_at and rule.readable else ''}</p>\n{banner}"
            )
            if c.id == notice_id:
                add(self.notices())
            if rule.readable:
                add(f'<div class="prose comment-body">{c.body_html}</div>\n')
            if vote:
                up_value, up_pressed, down_value, down_pressed = _VOTE_STATES[c.my_vote]
                # No form per comment: the buttons belong to the one form around the thread (and
                # submit it: a button's default type).
                actions = (
                    f'<span class="vote-buttons"><button formaction="{url}/bewerten"'
                    f' name="value" value="{up_value}" class="vote" aria-pressed="{up_pressed}">'
                    f"{t_up} ({c.upvotes})</button>"
                    f' <button formaction="{url}/bewerten" name="value" value="{down_value}"'
                    f' class="vote" aria-pressed="{down_pressed}">{t_down} ({c.downvotes})</button></span>'
                )
            elif c.status == CommentStatus.PUBLISHED:
                actions = f'<span class="comment-score">{c.upvotes} {t_for}, {c.downvotes} {t_against}</span>'
            else:  # no score and no actions for comments that are not published
                actions = None
            if actions is not None:
                if reply:
                    actions += f' <a href="{self.reply_base}{cid}">{self.t_answer}</a>'
                if edit:
                    actions += f' <a href="{url}/bearbeiten">{self.t_edit}</a>'
                if delete:
                    actions += f' <a href="{url}/loeschen">{self.t_delete}</a>'
                if report:
                    actions += f' <a href="{url}/melden">{self.t_report}</a>'
                actions = f'<div class="comment-actions">{actions}</div>\n'
            else:
                actions = ""
            if self.moderator:
                moderation = f' <a href="{url}/ausblenden">{self.t_hide}</a>' if hide else ""
                if restore:
                    moderation += f' <a href="{url}/wiederherstellen">{self.t_restore}</a>'
                if c.edited_at:
                    moderation += f' <a href="{url}/versionen">{self.t_versions}</a>'
                if moderation:
                    actions += f'<div class="comment-actions">{moderation}</div>\n'
            add(f"{actions}</li>\n")
            if more and c.id in more:
                add(self._more(more[c.id]))
        return Markup("".join(out))
