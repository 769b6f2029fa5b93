"""Reading a discussion with ONE statement: a recursive CTE for the tree, joined with authors and votes.

The query count does not depend on the number of comments: the page of top-level comments
(keyset, never OFFSET) and all their replies come from one statement that works on SQLite and
PostgreSQL. The authors' names and the viewer's own votes are joined into that statement
(rather than two extra IN queries) so the whole project page, with the header's session, role
and notification queries and the other panels, stays within six queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import BigInteger, Integer, Text, and_, cast, func, literal_column, null, or_, select

from participation.accounts.models import DELETED_ACCOUNT_LABEL, User
from participation.discussions.models import Comment, CommentVote
from participation.discussions.visibility import VisibleBody, sees_everything, visible_body
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


@dataclass
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
    author_name: str = ""
    created_label: str = ""
    reply_to_name: str | None = None
    view: VisibleBody | None = None

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
            User.deleted_at.label("author_deleted_at"),
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
    return db.session.execute(_query(tree, viewer_id)).all()


def public_name(display_name: str | None, deleted_at) -> str:
    """The same rule as User.public_name, for rows: "Gelöschtes Konto" after deletion."""
    return str(DELETED_ACCOUNT_LABEL) if deleted_at or not display_name else display_name


# Numeric LDML fields of the "short" date/time patterns, computed without Babel's per-call set-up.
_FIELDS = {
    "d": lambda v: str(v.day),
    "dd": lambda v: f"{v.day:02d}",
    "M": lambda v: str(v.month),
    "MM": lambda v: f"{v.month:02d}",
    "yy": lambda v: f"{v.year % 100:02d}",
    "y": lambda v: str(v.year),
    "yyyy": lambda v: str(v.year),
    "H": lambda v: str(v.hour),
    "HH": lambda v: f"{v.hour:02d}",
    "h": lambda v: str(v.hour % 12 or 12),
    "hh": lambda v: f"{v.hour % 12 or 12:02d}",
    "m": lambda v: str(v.minute),
    "mm": lambda v: f"{v.minute:02d}",
}


def _datetime_formatter():
    """The `datetime` Jinja filter ("short", reader's language and time zone), resolved once per page.

    Flask-Babel looks up locale and time zone on every call (~90 µs); for thousands of comments
    the pattern is parsed once and its numeric fields filled directly (Babel for anything else).
    """
    from babel import dates
    from flask_babel import get_locale, get_timezone

    locale, timezone = get_locale(), get_timezone()
    pattern = dates.get_datetime_format("short", locale=locale)
    pattern = pattern.replace("{1}", dates.get_date_format("short", locale=locale).pattern)
    parsed = dates.parse_pattern(
        pattern.replace("{0}", dates.get_time_format("short", locale=locale).pattern)
    )
    periods = dates.get_period_names("abbreviated", locale=locale)
    fields = {**_FIELDS, "a": lambda v: periods["pm" if v.hour >= 12 else "am"]}
    names = re.findall(r"%\((\w+)\)s", parsed.format)
    if not set(names) <= set(fields):
        return lambda value: parsed.apply(value.astimezone(timezone), locale)

    def format_short(value) -> str:
        local = value.astimezone(timezone)
        return parsed.format % {name: fields[name](local) for name in names}

    return format_short


def _build(rows, viewer, sort: str, limit: int | None) -> Thread:
    moderator = sees_everything(viewer)
    format_datetime = _datetime_formatter()
    thread = Thread(sort=sort)
    by_id: dict[int, ThreadItem] = {}
    top_level = 0
    for row in rows:
        if row.depth == 0:
            top_level += 1
            if limit is not None and top_level == limit:
                thread.next_cursor = _cursor(sort, thread_last_top(thread))
                break
        item = ThreadItem(
            id=row.id,
            parent_id=row.parent_id,
            author_id=row.author_id,
            status=row.status,
            score=row.score,
            upvotes=row.upvotes,
            downvotes=row.downvotes,
            created_at=row.created_at,
            edited_at=row.edited_at,
            depth=row.depth,
            my_vote=row.my_vote,
            author_name=public_name(row.author_display_name, row.author_deleted_at),
            created_label=format_datetime(row.created_at),
        )
        item.view = visible_body(row, viewer, moderator=moderator)
        parent = by_id.get(row.parent_id) if row.parent_id else None
        if parent is not None:
            item.reply_to_name = parent.author_name if parent.view.show_author else None
        by_id[row.id] = item
        thread.items.append(item)
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
