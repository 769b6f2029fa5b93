"""Reading a discussion with ONE statement, bounded: at most 200 comments a page, however large.

The project page shows up to 50 top-level comments (keyset, never OFFSET), each with its first
THREAD_REPLIES replies in tree order, and ends its page early rather than show more than
PAGE_COMMENTS comments. A thread with more replies ends in "N weitere Antworten anzeigen": a link
to the thread's window after the last shown reply (the permalink of the thread with the cursor
`nach`), which JavaScript loads in place (static/js/enhance.js). A permalink opens the window
at its comment: the top-level comment, the nearest ANCESTORS_SHOWN ancestors, the comment and
WINDOW_REPLIES replies after it in tree order, even 1,500 levels down a chain.

The windows are read by walk.py's recursive CTE, which visits only the comments it shows, so the
cost of a page does not grow with the discussion. The authors' names, whether they speak for
the municipality, the author of the comment replied to and the viewer's own votes are joined into
that statement, and the number of replies of a thread (ix_comments_root_id) too: the project page
and a permalink each stay within six statements.

Rendering is per page, not per comment, too: `Thread.cards` hands the items to cards.CommentCards,
which writes the `<li>` cards; policies, visibility and labels are resolved once per kind of
comment, dates through a formatter prepared once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from participation.accounts.models import DELETED_ACCOUNT_LABEL, User, UserRole
from participation.discussions import walk
from participation.discussions.cards import MAX_INDENT, CommentCards, MoreReplies
from participation.discussions.dates import _datetime_formatter
from participation.discussions.models import Comment, CommentVote
from participation.discussions.visibility import Sight, ViewerSight, VisibleBody, body_for
from participation.extensions import db

PAGE_SIZE = 50  # top-level comments a page at most
# Comments on the project page at most, replies included. The promise is 200; 60 keeps the page of
# a discussion with 10,000 comments within about 1.3x the time of one with 10 (bench/discussions.py:
# project_page_ratio_10000; each card costs ~20 µs of CPU with every button) and near 60 KB.
PAGE_COMMENTS = 60
THREAD_REPLIES = 5  # replies of each thread on the project page
ANCESTORS_SHOWN = 10  # ancestors shown above a window, nearest first (the top-level comment always)
# Replies of a window after a permalink's comment or a cursor (the thread's own page: with the
# top-level comment, the ancestors and the comment itself at most 112 comments, ~115 KB).
WINDOW_REPLIES = 100
SORTS = ("oldest", "newest", "best")


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


@dataclass
class Thread:
    items: list[ThreadItem] = field(default_factory=list)
    next_cursor: str | None = None
    sort: str = "oldest"
    # After which item a "weitere Antworten" link follows, and before which item replies were left out.
    more: dict[int, MoreReplies] = field(default_factory=dict)
    gap_before: dict[int, int] = field(default_factory=dict)  # item id -> its thread's top-level id

    def cards(
        self, viewer, project, *, comment_base: str, reply_base: str, focus_id=None, notice_id=None
    ) -> Markup:
        """The `<li>` cards of all items for the project page (see cards.CommentCards)."""
        cards = CommentCards(viewer, project, comment_base, reply_base)
        return cards.write(self.items, focus_id, notice_id, self.more, self.gap_before)


def _order(sort: str):
    if sort == "newest":
        return [Comment.id.desc()]
    if sort == "best":
        return [Comment.score.desc(), Comment.id.desc()]
    return [Comment.id.asc()]


def _cursor_values(sort: str, cursor: str | None) -> dict[str, int] | None:
    """The keyset cursor of the top-level comments as parameters (None: first page, or not a cursor)."""
    if not cursor:
        return None
    try:
        if sort == "best":
            score_text, id_text = cursor.split("_", 1)
            return {"after_score": int(score_text), "after_id": int(id_text)}
        return {"after_id": int(cursor)}
    except ValueError:
        return None


def _after(sort: str):
    """Keyset condition for the top-level comments after the cursor (:after_id, :after_score)."""
    last_id = bindparam("after_id", type_=Integer)
    if sort == "best":
        score = bindparam("after_score", type_=Integer)
        return or_(Comment.score < score, and_(Comment.score == score, Comment.id < last_id))
    return Comment.id < last_id if sort == "newest" else Comment.id > last_id


def _cursor(sort: str, item: ThreadItem) -> str:
    return f"{item.score}_{item.id}" if sort == "best" else str(item.id)


def _shown(tree, limit: int):
    """(id, depth, rank, ord, thread, more) of the walk's shown comments and the reply after a window."""
    return select(
        tree.c.id,
        tree.c.depth,
        tree.c.rank,
        tree.c.n.label("ord"),
        tree.c.thread,
        # The top-level comment after the page (n = limit too) is no reply after a window.
        cast(case((and_(tree.c.n == limit, tree.c.depth > 0), 1), else_=0), Integer).label("more"),
    ).where(tree.c.shown == 1)


def _page_tree(where, sort: str, lateral: bool = False):
    """The walks of one page of threads, THREAD_REPLIES replies each, at most PAGE_COMMENTS comments.

    Threads come whole or not at all: the first that would not fit keeps only its top-level
    comment, ranked after the page (it says there is a next page, like the 51st thread).
    """
    order = _order(sort)
    top = select(Comment.id).where(*where).order_by(*order).limit(PAGE_SIZE + 1)
    limit = THREAD_REPLIES + 1
    tree = walk.walk_from_tops(top.scalar_subquery(), order, PAGE_SIZE, limit, PAGE_COMMENTS, lateral)
    return _shown(tree, limit).subquery("tree")


def _window_tree(comment_id, project_id, lateral: bool = False):
    """A comment's nearest ancestors and top-level comment, the comment, and the window after it."""
    up = walk.ancestors(comment_id, project_id)
    limit = WINDOW_REPLIES + 1
    shown = _shown(walk.walk_from(comment_id, project_id, up, limit, lateral), limit)
    depth = select(func.max(up.c.dist)).scalar_subquery()
    above = select(
        up.c.id.label("id"),
        cast(depth - up.c.dist, Integer).label("depth"),
        cast(literal(1), Integer).label("rank"),
        cast(-up.c.dist, Integer).label("ord"),
        up.c.id.label("thread"),
        cast(literal(0), Integer).label("more"),
    ).where(up.c.dist > 0, or_(up.c.dist <= ANCESTORS_SHOWN, up.c.parent_id.is_(None)))
    return union_all(above, shown).subquery("tree")


def _query(tree, viewer: bool, parents: bool = False):
    """The final SELECT over the tree: comment columns, author names, the viewer's vote, in page order.

    `parents`: whom a reply answers is read for replies whose parent is not on the page (in a
    window); on the project page every parent is (each thread is shown from its beginning).
    """
    vote = CommentVote.value if viewer else null()
    thread_replies = Comment.__table__.alias("thread_replies")
    replies = select(func.count()).where(thread_replies.c.root_id == tree.c.thread).scalar_subquery()
    parent = Comment.__table__.alias("parent")
    parent_author = User.__table__.alias("parent_author")
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
            tree.c.rank,
            # The number of replies of the thread, on the first reply after a window only.
            case((tree.c.more == 1, replies)).label("replies"),
            # Whom a reply answers, when its parent is above the window: status, author, name.
            *(
                (
                    parent.c.status,
                    parent.c.author_id,
                    parent_author.c.display_name,
                    parent_author.c.deleted_at.is_not(None),
                )
                if parents
                else (null(), null(), null(), null())
            ),
        )
        .join(tree, Comment.id == tree.c.id)
        .join(User, User.id == Comment.author_id)
    )
    if parents:
        query = query.outerjoin(parent, parent.c.id == Comment.parent_id).outerjoin(
            parent_author, parent_author.c.id == parent.c.author_id
        )
    if viewer:
        viewer_id = bindparam("viewer_id", type_=Integer)
        query = query.outerjoin(
            CommentVote, and_(CommentVote.comment_id == Comment.id, CommentVote.user_id == viewer_id)
        )
    return query.order_by(tree.c.rank, tree.c.ord)


@functools.cache
def _page_statement(sort: str, after: bool, viewer: bool, dialect: str):
    """The project page's statement, built once per kind (constructing it costs more than running it)."""
    where = [Comment.project_id == bindparam("project_id"), Comment.parent_id.is_(None)]
    if after:
        where.append(_after(sort))
    return _query(_page_tree(where, sort, lateral=dialect == "postgresql"), viewer)


@functools.cache
def _window_statement(viewer: bool, dialect: str):
    """A window's statement (permalink, "weitere Antworten"), built once per kind."""
    tree = _window_tree(bindparam("comment_id"), bindparam("project_id"), lateral=dialect == "postgresql")
    return _query(tree, viewer, parents=True)


def _rows(statement, viewer, **params):
    viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
    if viewer_id is not None:
        params["viewer_id"] = viewer_id
    # A Core statement on the session's connection: the ORM's row handling adds ~10% for nothing.
    db.session.flush()
    return db.session.connection().execute(statement, params).all()


def public_name(display_name: str | None, deleted) -> str:
    """The same rule as User.public_name, for rows: "Gelöschtes Konto" after deletion."""
    return str(DELETED_ACCOUNT_LABEL) if deleted or not display_name else display_name


class _Builder:
    """Turns the statement's rows into ThreadItems, "weitere Antworten" links and gaps."""

    def __init__(self, viewer, sort: str) -> None:
        self.sight_of = ViewerSight(viewer)
        self.format_datetime = _datetime_formatter()
        self.thread = Thread(sort=sort)
        self.by_id: dict[int, ThreadItem] = {}
        self.names: dict[int, str] = {}

    def name(self, author_id: int, display_name, deleted) -> str:
        known = self.names.get(author_id)
        if known is None:
            known = self.names[author_id] = public_name(display_name, deleted)
        return known

    def add(self, row) -> ThreadItem:
        # Positional unpacking: reading a Row's columns by name costs more than the rest of the loop.
        (
            comment_id, parent_id, author_id, status, body_html, score, upvotes, downvotes,
            created_at, edited_at, depth, my_vote, display_name, author_deleted, author_official,
            _rank, _replies, parent_status, parent_author_id, parent_name, parent_deleted,
        ) = row  # fmt: skip
        item = ThreadItem(
            comment_id, parent_id, author_id, status, score, upvotes, downvotes, created_at,
            edited_at, depth, my_vote, body_html, self.sight_of(status, author_id),
            self.name(author_id, display_name, author_deleted), self.format_datetime(created_at),
            None, bool(author_official) and not author_deleted,
        )  # fmt: skip
        if parent_id:
            parent = self.by_id.get(parent_id)
            if parent is not None:
                if parent.sight.show_author:
                    item.reply_to_name = parent.author_name
            elif parent_status is not None and self.sight_of(parent_status, parent_author_id).show_author:
                item.reply_to_name = self.name(parent_author_id, parent_name, parent_deleted)
        self.by_id[comment_id] = item
        self.thread.items.append(item)
        return item

    def more(self, last: ThreadItem, row, thread_id: int, position: int | None) -> None:
        """The "weitere Antworten" link after `last`, the `position`-th reply (when known).

        `row` is the first reply not shown; its row carries the number of replies of the thread.
        """
        replies = row[16]
        count = replies - position if position is not None else None
        self.thread.more[last.id] = MoreReplies(
            thread_id, last.id, position, count if count is not None and count > 0 else None, row[0], row[10]
        )


def read_page(project_id: int, viewer, sort: str = "oldest", cursor: str | None = None) -> Thread:
    """One page of top-level comments, each with its first replies in tree order; PAGE_COMMENTS at most."""
    sort = sort if sort in SORTS else "oldest"
    after = _cursor_values(sort, cursor)
    viewing = getattr(viewer, "is_authenticated", False)
    statement = _page_statement(sort, after is not None, viewing, db.engine.dialect.name)
    rows = _rows(statement, viewer, project_id=project_id, **(after or {}))
    builder = _Builder(viewer, sort)
    root, last = None, None
    for row in rows:
        if row[10] == 0:  # a thread begins
            if row[15] > PAGE_SIZE:  # after the page (51st, or too many comments for it)
                builder.thread.next_cursor = _cursor(sort, root) if root is not None else None
                break
            root = last = builder.add(row)
        elif row[16] is not None:  # the first reply not shown
            if root is not None and last is not None:
                builder.more(last, row, root.id, THREAD_REPLIES)
        else:
            last = builder.add(row)
    return builder.thread


def read_window(project_id: int, comment_id: int, viewer, *, position: int | None = None) -> Thread | None:
    """The top-level comment, nearest ancestors, the comment and the replies after it (None: not here).

    `position` is the comment's place among its thread's replies in tree order, when known (a
    "weitere Antworten" link carries it): then the next such link can say how many follow.
    """
    statement = _window_statement(getattr(viewer, "is_authenticated", False), db.engine.dialect.name)
    rows = _rows(statement, viewer, comment_id=comment_id, project_id=project_id)
    builder = _Builder(viewer, "oldest")
    root, last, depth_before = None, None, -1
    for row in rows:
        if row[16] is not None:  # the first reply after the window
            if root is not None and last is not None:
                known = 0 if root.id == comment_id else position
                builder.more(last, row, root.id, None if known is None else known + WINDOW_REPLIES)
            continue
        item = builder.add(row)
        if item.depth == 0:
            root = item
        elif item.depth > depth_before + 1 and root is not None:
            # Ancestors between the top-level comment and the nearest ones are left out.
            builder.thread.gap_before[item.id] = root.id
        depth_before = item.depth
        last = item
    if not builder.thread.items or comment_id not in builder.by_id:
        return None
    return builder.thread
