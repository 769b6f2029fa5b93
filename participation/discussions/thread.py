"""Reading a discussion with ONE statement: a recursive CTE for the tree, joined with authors and votes.

The query count does not depend on the number of comments: the page of top-level comments
(keyset, never OFFSET) and all their replies come from one statement that works on SQLite and
PostgreSQL. The authors' names, whether they speak for the municipality (any role: planner,
moderator, admin) and the viewer's own votes are joined into that statement
(rather than two extra IN queries) so the whole project page, with the header's session, role
and notification queries and the other panels, stays within six queries.

Rendering is per page, not per comment, too: `Thread.cards` hands the items to cards.CommentCards,
which writes the `<li>` cards; policies, visibility and labels are resolved once per kind of
comment, dates through a formatter prepared once (bench/discussions.py: 10,000 comments in about
1.5x the baseline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import BigInteger, Integer, Text, and_, cast, exists, func, literal_column, null, or_, select

from participation.accounts.models import DELETED_ACCOUNT_LABEL, User, UserRole
from participation.discussions.cards import MAX_INDENT, CommentCards
from participation.discussions.dates import _datetime_formatter
from participation.discussions.models import Comment, CommentVote
from participation.discussions.visibility import Sight, ViewerSight, VisibleBody, body_for
from participation.extensions import db

PAGE_SIZE = 50
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
    author_official: bool = False  # a planner, moderator or admin: marked "Stadtverwaltung"

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

    def cards(
        self, viewer, project, *, comment_base: str, reply_base: str, focus_id=None, notice_id=None
    ) -> Markup:
        """The `<li>` cards of all items for the project page (see cards.CommentCards)."""
        cards = CommentCards(viewer, project, comment_base, reply_base)
        return cards.write(self.items, focus_id, notice_id)


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
            # Roles as they are now, in the same statement: every role is one of the municipality's.
            exists().where(UserRole.user_id == Comment.author_id).label("author_official"),
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
        created_at, edited_at, depth, my_vote, display_name, author_deleted, author_official,
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
            author_name, format_datetime(created_at), None, bool(author_official) and not author_deleted,
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
