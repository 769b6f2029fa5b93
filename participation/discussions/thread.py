"""Reading a discussion with ONE statement: a recursive CTE for the tree, joined with authors and votes.

The query count does not depend on the number of comments: the page of top-level comments
(keyset, never OFFSET) and all their replies come from one statement that works on SQLite and
PostgreSQL. The authors' names and the viewer's own votes are joined into that statement
(rather than two extra IN queries) so the whole project page, with the header's session, role
and notification queries and the other panels, stays within six queries.

Rendering is per page, not per comment, too: `Thread.cards` writes the `<li>` cards (see
_Cards); policies, visibility and labels are resolved once per kind of comment, dates through a
formatter prepared once (bench/discussions.py: 10,000 comments in about 1.5x the baseline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import BigInteger, Integer, Text, and_, cast, func, literal_column, null, or_, select

from participation.accounts.models import DELETED_ACCOUNT_LABEL, User
from participation.discussions import policy
from participation.discussions.models import Comment, CommentStatus, CommentVote
from participation.discussions.visibility import Sight, ViewerSight, VisibleBody, body_for, sight
from participation.extensions import db

PAGE_SIZE = 50
MAX_INDENT = 6
SORTS = ("oldest", "newest", "best")
# Ids are padded to a fixed width by adding 10^15, so text order equals numeric order.
# The sum must be BigInteger: PostgreSQL would otherwise compute in int4 and raise
# "integer out of range".
_PAD = 10**15


def _padded(column):
    return cast(cast(literal_column(str(_PAD)), BigInteger) + cast(column, BigInteger), Text)


@dataclass(slots=True)
class ThreadItem:
    """One comment as the page shows it."""

    id: int
    parent_id: int | None
    author_id: int
    status: str
    score: int
    upvotes: int
    downvotes: int
    created_at: datetime
    edited_at: datetime | None
    depth: int
    my_vote: int | None
    body_html: str
    sight: Sight
    author_name: str = ""
    created_label: str = ""
    reply_to_name: str | None = None

    @property
    def view(self) -> VisibleBody:
        """What the viewer sees of the text (decided by visibility.sight when the page was read)."""
        return body_for(self, self.sight)

    @property
    def indent(self) -> int:
        """Indentation level on the page: the real depth, capped at six."""
        return min(self.depth, MAX_INDENT)

    @property
    def beyond_indent(self) -> bool:
        """Deeper than the page indents: shown under its ancestor, marked "Antwort an …"."""
        return self.depth > MAX_INDENT


@dataclass
class Thread:
    items: list[ThreadItem] = field(default_factory=list)
    next_cursor: str | None = None
    sort: str = "oldest"

    def cards(self, viewer, project, *, comment_base: str, reply_base: str, focus_id=None) -> Markup:
        """The `<li>` cards of all items for the project page (see _Cards)."""
        return _Cards(viewer, project, comment_base, reply_base).write(self.items, focus_id)


def _order(sort: str):
    if sort == "newest":
        return [Comment.id.desc()]
    if sort == "best":
        return [Comment.score.desc(), Comment.id.desc()]
    return [Comment.id.asc()]


def _after(sort: str, cursor: str | None):
    """Keyset condition for the top-level comments after the cursor (None: first page)."""
    if not cursor:
        return None
    try:
        if sort == "best":
            score_text, id_text = cursor.split("_", 1)
            score, last_id = int(score_text), int(id_text)
            return or_(Comment.score < score, and_(Comment.score == score, Comment.id < last_id))
        last_id = int(cursor)
    except ValueError:
        return None
    return Comment.id < last_id if sort == "newest" else Comment.id > last_id


def _cursor(sort: str, item: ThreadItem) -> str:
    return f"{item.score}_{item.id}" if sort == "best" else str(item.id)


def _tree_cte(anchor_where, sort: str, limit: int | None):
    """The recursive CTE: (id, depth, rank, path) for the chosen top-level comments and all replies."""
    order = _order(sort)
    top = select(Comment.id).where(*anchor_where).order_by(*order)
    if limit is not None:
        top = top.limit(limit)
    anchor = select(
        Comment.id.label("id"),
        cast(literal_column("0"), Integer).label("depth"),
        func.row_number().over(order_by=order).label("rank"),
        _padded(Comment.id).label("path"),
    ).where(Comment.id.in_(top.scalar_subquery()))
    tree = anchor.cte("tree", recursive=True)
    replies = select(
        Comment.id,
        cast(tree.c.depth + 1, Integer),
        tree.c.rank,
        cast(tree.c.path + "/" + _padded(Comment.id), Text),
    ).join(tree, Comment.parent_id == tree.c.id)
    if limit is not None:
        # The extra top-level row only tells whether there is a next page: no replies for it.
        replies = replies.where(tree.c.rank <= limit - 1)
    return tree.union_all(replies)


def _query(tree, viewer_id: int | None):
    """The final SELECT over the tree: comment columns, author name, the viewer's vote, in tree order."""
    vote = CommentVote.value if viewer_id is not None else null()
    query = (
        select(
            Comment.id,
            Comment.parent_id,
            Comment.author_id,
            Comment.status,
            Comment.body_html,
            Comment.score,
            Comment.upvotes,
            Comment.downvotes,
            Comment.created_at,
            Comment.edited_at,
            tree.c.depth,
            vote.label("my_vote"),
            User.display_name.label("author_display_name"),
            # A flag, not the date: the page needs no datetime conversion per row for it.
            User.deleted_at.is_not(None).label("author_deleted"),
        )
        .join(tree, Comment.id == tree.c.id)
        .join(User, User.id == Comment.author_id)
    )
    if viewer_id is not None:
        query = query.outerjoin(
            CommentVote, and_(CommentVote.comment_id == Comment.id, CommentVote.user_id == viewer_id)
        )
    return query.order_by(tree.c.rank, tree.c.path)


def _rows(tree, viewer_id: int | None):
    # A Core statement on the session's connection: the ORM's row handling adds ~10% for nothing.
    db.session.flush()
    return db.session.connection().execute(_query(tree, viewer_id)).all()


def public_name(display_name: str | None, deleted) -> str:
    """The same rule as User.public_name, for rows: "Gelöschtes Konto" after deletion."""
    return str(DELETED_ACCOUNT_LABEL) if deleted or not display_name else display_name


# Numeric LDML fields of the "short" date and time patterns, computed without Babel's per-call set-up.
_DATE_FIELDS = {
    "d": lambda v: str(v.day),
    "dd": lambda v: f"{v.day:02d}",
    "M": lambda v: str(v.month),
    "MM": lambda v: f"{v.month:02d}",
    "yy": lambda v: f"{v.year % 100:02d}",
    "y": lambda v: str(v.year),
    "yyyy": lambda v: str(v.year),
}
_TIME_FIELDS = {
    "H": lambda v: str(v.hour),
    "HH": lambda v: f"{v.hour:02d}",
    "h": lambda v: str(v.hour % 12 or 12),
    "hh": lambda v: f"{v.hour % 12 or 12:02d}",
    "m": lambda v: str(v.minute),
    "mm": lambda v: f"{v.minute:02d}",
}


def _fast_zone(timezone):
    """The same zone from zoneinfo (conversion in C, same IANA rules) instead of pytz (in Python)."""
    try:
        return ZoneInfo(timezone.zone)
    except (AttributeError, ValueError, ZoneInfoNotFoundError):  # not pytz, or no system tz database
        return timezone


def _datetime_formatter():
    """The `datetime` Jinja filter ("short", reader's language and time zone), resolved once per page.

    Flask-Babel looks up locale and time zone on every call (~90 µs). Here the pattern is parsed
    once and split: the date fields are filled once per local day, the time fields once per
    minute of the day, so each comment costs one time-zone conversion and two look-ups.
    Patterns with other fields (month names, ...) fall back to Babel.
    """
    from babel import dates
    from flask_babel import get_locale, get_timezone

    locale, timezone = get_locale(), _fast_zone(get_timezone())
    pattern = dates.get_datetime_format("short", locale=locale)
    pattern = pattern.replace("{1}", dates.get_date_format("short", locale=locale).pattern)
    parsed = dates.parse_pattern(
        pattern.replace("{0}", dates.get_time_format("short", locale=locale).pattern)
    )
    periods = dates.get_period_names("abbreviated", locale=locale)
    time_fields = {**_TIME_FIELDS, "a": lambda v: periods["pm" if v.hour >= 12 else "am"]}
    names = set(re.findall(r"%\((\w+)\)s", parsed.format))
    if not names <= set(_DATE_FIELDS) | set(time_fields):
        return lambda value: parsed.apply(value.astimezone(timezone), locale)
    # Per local day: the pattern with the date filled in and the time fields left as %(name)s.
    keep_time = {name: f"%({name})s" for name in names & set(time_fields)}
    days: dict[tuple[int, int, int], str] = {}
    minutes: dict[int, dict[str, str]] = {}

    def format_short(value) -> str:
        local = value.astimezone(timezone)
        day_key = (local.year, local.month, local.day)
        day = days.get(day_key)
        if day is None:
            filled = {name: _DATE_FIELDS[name](local).replace("%", "%%") for name in names - keep_time.keys()}
            day = days[day_key] = parsed.format % {**filled, **keep_time}
        minute_key = local.hour * 60 + local.minute
        time = minutes.get(minute_key)
        if time is None:
            time = minutes[minute_key] = {name: time_fields[name](local) for name in keep_time}
        return day % time

    return format_short


def _build(rows, viewer, sort: str, limit: int | None) -> Thread:
    sight_of = ViewerSight(viewer)
    format_datetime = _datetime_formatter()
    thread = Thread(sort=sort)
    items = thread.items
    by_id: dict[int, ThreadItem] = {}
    names: dict[int, str] = {}
    top_level = 0
    # Positional unpacking: reading a Row's columns by name costs more than the rest of the loop.
    for (
        comment_id, parent_id, author_id, status, body_html, score, upvotes, downvotes,
        created_at, edited_at, depth, my_vote, display_name, author_deleted,
    ) in rows:  # fmt: skip
        if depth == 0:
            top_level += 1
            if top_level == limit:
                thread.next_cursor = _cursor(sort, thread_last_top(thread))
                break
        author_name = names.get(author_id)
        if author_name is None:
            author_name = names[author_id] = public_name(display_name, author_deleted)
        item = ThreadItem(
            comment_id, parent_id, author_id, status, score, upvotes, downvotes, created_at,
            edited_at, depth, my_vote, body_html, sight_of(status, author_id),
            author_name, format_datetime(created_at),
        )  # fmt: skip
        if parent_id:
            parent = by_id.get(parent_id)
            if parent is not None and parent.sight.show_author:
                item.reply_to_name = parent.author_name
        by_id[comment_id] = item
        items.append(item)
    return thread


def thread_last_top(thread: Thread) -> ThreadItem:
    return next(item for item in reversed(thread.items) if item.depth == 0)


def read_page(project_id: int, viewer, sort: str = "oldest", cursor: str | None = None) -> Thread:
    """One page of top-level comments (50) with all their replies, in tree order."""
    sort = sort if sort in SORTS else "oldest"
    where = [Comment.project_id == project_id, Comment.parent_id.is_(None)]
    after = _after(sort, cursor)
    if after is not None:
        where.append(after)
    limit = PAGE_SIZE + 1
    tree = _tree_cte(where, sort, limit)
    viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
    return _build(_rows(tree, viewer_id), viewer, sort, limit)


def read_subtree(root_id: int, viewer) -> Thread:
    """One whole thread (a top-level comment and every reply) for a permalink."""
    tree = _tree_cte([Comment.id == root_id], "oldest", None)
    viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
    return _build(_rows(tree, viewer_id), viewer, "oldest", None)


@dataclass(frozen=True, slots=True)
class _Probe:
    """Stands for every comment of one kind when asking the policies: they judge status and author."""

    status: str
    author_id: int | None  # the viewer's id for their own comments, else None (nobody's id)


def _html(text) -> str:
    """Escaped text as a plain str (for f-strings)."""
    return str(escape(text))


_DEPTH_CSS = [""] + [f" depth-{level}" for level in range(1, MAX_INDENT + 1)]
_VOTE_STATES = {  # my_vote -> value and aria-pressed of the "Dafür" and the "Dagegen" button
    None: ("1", "false", "-1", "false"),
    1: ("0", "true", "-1", "false"),
    -1: ("1", "false", "0", "true"),
}


class _Cards:
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

    def write(self, items, focus_id) -> Markup:
        """One `<li>` per item, in the order given; the focused comment (permalink) is marked."""
        kinds, viewer_id, base, out = self.kinds, self.viewer_id, self.base, []
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
            depth = c.depth
            css = _DEPTH_CSS[depth] if depth <= MAX_INDENT else _DEPTH_CSS[MAX_INDENT]
            if c.id == focus_id:
                css += " comment-focus"
            if rule.show_author:
                name = names.get(c.author_name)
                if name is None:
                    name = names[c.author_name] = _html(c.author_name)
                meta = f"<strong>{name}</strong> · "
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
            if rule.readable:
                add(f'<div class="prose comment-body">{c.body_html}</div>\n')
            if vote:
                up_value, up_pressed, down_value, down_pressed = _VOTE_STATES[c.my_vote]
                # No form per comment: the buttons belong to the one form around the thread.
                actions = (
                    f'<span class="vote-buttons"><button type="submit" formaction="{url}/bewerten"'
                    f' name="value" value="{up_value}" class="vote" aria-pressed="{up_pressed}">'
                    f"{t_up} ({c.upvotes})</button>"
                    f' <button type="submit" formaction="{url}/bewerten" name="value" value="{down_value}"'
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
        return Markup("".join(out))
