"""The SQL that reads a bounded window of a thread in tree order, however large the thread is.

A thread is shown in tree order (depth first, replies by age). Reading the whole tree and cutting
afterwards costs as much as the thread is large, so the walk below visits only the comments it
shows: a recursive CTE that, per thread, steps from one comment to the next in tree order through
index lookups (its first reply; else its next sibling; else up to its parent, which is not shown
again, and on to that one's next sibling). Each step is a constant number of lookups on
ix_comments_parent_id, so a window of k comments costs about k steps, whether the thread has 10 or
2,000 replies and however deep they go. The walks of all threads on a page run side by side in
the same statement; `limit` stops each after its k-th shown comment (plus one: whether there is more).

Columns of the walk: thread (the top-level comment's id), rank (the thread's place on the page),
id, parent_id, depth, descend (may go to its first reply), shown, n (how many shown so far).
`lateral` (PostgreSQL) reads each next comment through a LATERAL subquery (see _recurse).
For a window in the middle of a thread, `ancestors` climbs from its first comment to the top
(one primary-key lookup per level): the depth, and the ancestors shown above the window.
"""

from __future__ import annotations

from sqlalchemy import FromClause, Integer, and_, case, cast, func, literal, select, true

from participation.discussions.models import Comment

comments = Comment.__table__


def _int(value):
    return cast(literal(value) if isinstance(value, int) else value, Integer)


def walk_from_tops(top_ids, order, page_size: int, limit: int, budget: int, lateral: bool):
    """Walks from the top-level comments in `top_ids` (in `order`), `limit` shown comments each.

    Only the threads that fit into `budget` comments are walked: a thread takes its top-level
    comment and up to limit - 1 replies, counted beforehand on ix_comments_root_id (at most
    `limit` index entries each). The first thread that does not fit, or the one after the page
    (rank page_size + 1), is read alone with the rank page_size + 1: there is a next page.
    """
    replies = comments.alias("replies")
    first_replies = (
        select(replies.c.id)
        .where(replies.c.root_id == Comment.id)
        .correlate(Comment)
        .limit(limit - 1)
        .subquery()
    )
    size = 1 + select(func.count()).select_from(first_replies).scalar_subquery()
    ranked = (
        select(
            Comment.id,
            Comment.parent_id,
            func.row_number().over(order_by=order).label("rank"),
            size.label("size"),
        )
        .where(Comment.id.in_(top_ids))
        .subquery("ranked")
    )
    sized = select(ranked, func.sum(ranked.c.size).over(order_by=ranked.c.rank).label("upto")).subquery(
        "sized"
    )
    fits = and_(sized.c.rank <= page_size, sized.c.upto <= budget)
    anchor = select(
        sized.c.id.label("thread"),
        case((fits, sized.c.rank), else_=page_size + 1).label("rank"),
        sized.c.id.label("id"),
        sized.c.parent_id.label("parent_id"),
        _int(0).label("depth"),
        _int(1).label("descend"),
        _int(1).label("shown"),
        cast(case((fits, 0), else_=limit), Integer).label("n"),
    ).where(sized.c.upto - sized.c.size <= budget)
    return _recurse(anchor, limit, lateral)


def ancestors(comment_id, project_id):
    """(id, parent_id, dist) of the comment and everything above it, up to its top-level comment."""
    up = (
        select(Comment.id.label("id"), Comment.parent_id.label("parent_id"), _int(0).label("dist"))
        .where(Comment.id == comment_id, Comment.project_id == project_id)
        .cte("up", recursive=True)
    )
    parent = comments.alias("up_parent")
    step = select(parent.c.id, parent.c.parent_id, cast(up.c.dist + 1, Integer)).join(
        up, parent.c.id == up.c.parent_id
    )
    return up.union_all(step)


def walk_from(comment_id, project_id, up, limit: int, lateral: bool):
    """The walk from one comment (shown) on through its thread, `limit` shown comments after it."""
    depth = select(func.max(up.c.dist)).scalar_subquery()
    anchor = select(
        func.coalesce(Comment.root_id, Comment.id).label("thread"),
        _int(1).label("rank"),
        Comment.id.label("id"),
        Comment.parent_id.label("parent_id"),
        cast(depth, Integer).label("depth"),
        _int(1).label("descend"),
        _int(1).label("shown"),
        _int(0).label("n"),
    ).where(Comment.id == comment_id, Comment.project_id == project_id)
    return _recurse(anchor, limit, lateral)


def _recurse(anchor, limit: int, lateral: bool):
    walk = anchor.cte("walk", recursive=True)
    child, sibling = comments.alias("child"), comments.alias("sibling")
    first_reply = (
        select(func.min(child.c.id)).where(child.c.parent_id == walk.c.id).correlate(walk).scalar_subquery()
    )
    next_sibling = (
        select(func.min(sibling.c.id))
        .where(sibling.c.parent_id == walk.c.parent_id, sibling.c.id > walk.c.id)
        .correlate(walk)
        .scalar_subquery()
    )
    # A top-level comment (parent NULL) never looks for its siblings: those are other threads.
    target = func.coalesce(
        case((walk.c.descend == 1, first_reply)),
        case((walk.c.parent_id.is_not(None), next_sibling)),
        walk.c.parent_id,
    )
    after: FromClause
    if lateral:
        # PostgreSQL would hash the whole table to join the next comment (it guesses many steps);
        # a LATERAL lookup with LIMIT is never flattened into that join: one index probe a step.
        after = (
            select(comments.c.id, comments.c.parent_id)
            .where(comments.c.id == target)
            .limit(1)
            .lateral("after")
        )
        joined = walk.join(after, true())
    else:
        after = comments.alias("after")
        joined = walk.join(after, after.c.id == target)
    up = after.c.id == walk.c.parent_id  # climbing to the parent: it was shown before, not again
    step = (
        select(
            walk.c.thread,
            walk.c.rank,
            after.c.id,
            after.c.parent_id,
            cast(
                case(
                    (after.c.parent_id == walk.c.id, walk.c.depth + 1),
                    (up, walk.c.depth - 1),
                    else_=walk.c.depth,
                ),
                Integer,
            ),
            cast(case((up, 0), else_=1), Integer),
            cast(case((up, 0), else_=1), Integer),
            cast(walk.c.n + case((up, 0), else_=1), Integer),
        )
        .select_from(joined)
        .where(walk.c.n < limit)
    )
    return walk.union_all(step)
