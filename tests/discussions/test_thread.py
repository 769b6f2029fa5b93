"""Reading threads: tree order, depth display, sorting, keyset pages, permalinks, constant SQL queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import insert
from sqlalchemy.dialects import postgresql

from participation.core.i18n import format_when
from participation.discussions import thread
from participation.discussions.models import Comment
from participation.extensions import db
from tests.conftest import count_queries, login

ITEM_RE = re.compile(r'<li id="kommentar-(\d+)" class="([^"]*)"')


def items(html: str) -> list[tuple[int, str]]:
    return [(int(i), classes) for i, classes in ITEM_RE.findall(html)]


def order(html: str) -> list[int]:
    return [i for i, _classes in items(html)]


def test_replies_follow_their_parent_in_tree_order_with_depth_classes(
    client, project, make_user, add_comment
):
    author = make_user(name="Erika Muster")
    a = add_comment(project, author.id, "A")
    b = add_comment(project, author.id, "B", parent_id=a)
    e = add_comment(project, author.id, "E")
    d = add_comment(project, author.id, "D", parent_id=b)
    c = add_comment(project, author.id, "C", parent_id=a)
    html = client.get(project.url).get_data(as_text=True)
    assert items(html) == [
        (a, "comment"),
        (b, "comment depth-1"),
        (d, "comment depth-2"),
        (c, "comment depth-1"),
        (e, "comment"),
    ]


def test_replies_deeper_than_six_stay_at_six_and_name_whom_they_answer(
    client, project, make_user, add_comment
):
    names = [make_user(name=f"Person Ebene {level}") for level in range(9)]
    ids, parent = [], None
    for level, person in enumerate(names):
        parent = add_comment(project, person.id, f"Ebene {level}", parent_id=parent)
        ids.append(parent)
    # The thread's permalink shows the whole chain (the project page its first replies).
    html = client.get(project.comment_url(ids[0])).get_data(as_text=True)
    depth_classes = [classes for _id, classes in items(html)]
    assert depth_classes == ["comment comment-focus"] + [
        f"comment depth-{min(level, 6)}" for level in range(1, 9)
    ]
    # Level 7 and 8 are shown at indent 6 and say visibly whom they answer.
    assert '<span class="reply-to">Antwort an Person Ebene 6</span>' in html
    assert '<span class="reply-to">Antwort an Person Ebene 7</span>' in html
    assert '<span class="reply-to">Antwort an Person Ebene 5</span>' not in html


def test_sort_orders_top_level_comments_and_keeps_replies_in_tree(
    app, client, project, make_user, add_comment
):
    author = make_user()
    first = add_comment(project, author.id, "erster")
    reply = add_comment(project, author.id, "Antwort", parent_id=first)
    second = add_comment(project, author.id, "zweiter")
    third = add_comment(project, author.id, "dritter")
    with app.app_context():
        db.session.get(Comment, second).score = 5
        db.session.get(Comment, first).score = 2
        db.session.commit()
    assert order(client.get(project.url).get_data(as_text=True)) == [first, reply, second, third]
    assert order(client.get(project.url + "?sortierung=neueste").get_data(as_text=True)) == [
        third,
        second,
        first,
        reply,
    ]
    assert order(client.get(project.url + "?sortierung=beste").get_data(as_text=True)) == [
        second,
        first,
        reply,
        third,
    ]


def _bulk(
    app, project_id: int, author_id: int, top_level: int, replies_each: int, start_id: int
) -> list[int]:
    """Insert many comments at once: each top-level comment gets a chain of replies."""
    rows, tops, next_id = [], [], start_id
    for _ in range(top_level):
        root = next_id
        tops.append(root)
        parent = None
        for _depth in range(replies_each + 1):
            rows.append(
                {
                    "id": next_id,
                    "project_id": project_id,
                    "parent_id": parent,
                    "root_id": root if parent else None,
                    "author_id": author_id,
                    "body": f"Text {next_id}",
                    "body_html": f"<p>Text {next_id}</p>",
                    "status": "published",
                    "score": 0,
                    "upvotes": 0,
                    "downvotes": 0,
                }
            )
            parent = next_id
            next_id += 1
    with app.app_context():
        db.session.execute(insert(Comment), rows)
        db.session.commit()
    return tops


def test_top_level_comments_are_paged_by_keyset_fifty_at_a_time(app, client, project, make_user):
    author = make_user()
    tops = _bulk(app, project.id, author.id, top_level=120, replies_each=0, start_id=700_000)
    with app.app_context(), count_queries(db.engine) as statements:
        page1 = client.get(project.url).get_data(as_text=True)
    assert sum("WITH RECURSIVE" in s.upper() for s in statements) == 1
    shown = [i for i, classes in items(page1) if "depth" not in classes]
    assert shown == tops[:50]
    cursor = re.search(r'nach=(\d+)#diskussion" rel="next"', page1).group(1)
    page2 = client.get(f"{project.url}?sortierung=aelteste&nach={cursor}").get_data(as_text=True)
    assert [i for i, c in items(page2) if "depth" not in c] == tops[50:100]
    cursor = re.search(r'nach=(\d+)#diskussion" rel="next"', page2).group(1)
    page3 = client.get(f"{project.url}?nach={cursor}").get_data(as_text=True)
    assert [i for i, c in items(page3) if "depth" not in c] == tops[100:]
    assert 'rel="next"' not in page3
    # (With replies a page holds fewer threads: tests/discussions/test_bounded_pages.py.)
    assert len(items(page3)) == 20


@pytest.mark.parametrize("sort", ["oldest", "newest", "best"])
def test_thread_query_uses_no_offset_on_postgresql(sort):
    statement = thread._page_statement(sort, True, True, "postgresql")
    sql = str(statement.compile(dialect=postgresql.dialect()))
    assert "WITH RECURSIVE" in sql and "LIMIT" in sql
    assert "OFFSET" not in sql


def test_best_sort_pages_by_score_and_id(app, client, project, make_user):
    author = make_user()
    tops = _bulk(app, project.id, author.id, top_level=60, replies_each=0, start_id=800_000)
    with app.app_context():
        for position, comment_id in enumerate(tops):
            db.session.get(Comment, comment_id).score = position % 3
        db.session.commit()
    expected = sorted(tops, key=lambda i: (-(tops.index(i) % 3), -i))
    page1 = client.get(project.url + "?sortierung=beste").get_data(as_text=True)
    cursor = re.search(r'nach=(-?\d+_\d+)#diskussion" rel="next"', page1).group(1)
    page2 = client.get(f"{project.url}?sortierung=beste&nach={cursor}").get_data(as_text=True)
    assert order(page1) + order(page2) == expected


def test_project_page_queries_do_not_grow_from_10_to_10000_comments(
    app, client, make_project, make_user, rendered_project_pages
):
    author = make_user()
    small, large = make_project("klein", "Klein"), make_project("gross", "Groß")
    _bulk(app, small.id, author.id, top_level=2, replies_each=4, start_id=1_000_000)
    _bulk(app, large.id, author.id, top_level=500, replies_each=19, start_id=2_000_000)
    counts = {}
    for viewer in ("anonymous", "citizen"):
        if viewer == "citizen":
            login(client, make_user())
        for info in (small, large):
            client.get(info.url)  # warm-up (session refresh, caches)
            with app.app_context(), count_queries(db.engine) as statements:
                response = client.get(info.url)
            assert response.status_code == 200
            counts[viewer, info.slug] = len(statements)
            assert sum("WITH RECURSIVE" in s for s in statements) == 1
    assert counts["anonymous", "klein"] == counts["anonymous", "gross"] <= 6
    assert counts["citizen", "klein"] == counts["citizen", "gross"] <= 6
    # Each thread shows its first replies (bounded pages: tests/discussions/test_bounded_pages.py).
    shown = 1 + thread.THREAD_REPLIES
    assert len(items(response.get_data(as_text=True))) == thread.PAGE_COMMENTS // shown * shown


def test_permalink_opens_the_thread_at_the_comment(client, project, make_user, add_comment):
    author = make_user(name="Lena Link")
    other_thread = add_comment(project, author.id, "Anderer Faden")
    root = add_comment(project, author.id, "Wurzel")
    reply = add_comment(project, author.id, "Antwort", parent_id=root)
    deep = add_comment(project, author.id, "Tiefe Antwort", parent_id=reply)
    response = client.get(project.comment_url(deep))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert order(html) == [root, reply, deep]
    assert (deep, "comment depth-2 comment-focus") in items(html)
    assert other_thread not in order(html)
    assert f'href="/projekte/{project.slug}/kommentare/{deep}#kommentar-{deep}"' in html


def test_permalink_to_a_reply_on_a_later_keyset_page_opens_its_thread(app, client, project, make_user):
    """120 top-level comments: the 110th is on page 3, yet a permalink to its reply opens right there."""
    author = make_user()
    tops = _bulk(app, project.id, author.id, top_level=120, replies_each=1, start_id=900_000)
    root = tops[109]
    reply = root + 1
    first_page = client.get(project.url).get_data(as_text=True)
    assert root not in order(first_page) and reply not in order(first_page)
    response = client.get(project.comment_url(reply))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert order(html) == [root, reply]
    assert (reply, "comment depth-1 comment-focus") in items(html)
    assert f"Text {reply}" in html
    assert f'href="/projekte/{project.slug}/kommentare/{reply}#kommentar-{reply}"' in html


def test_permalink_answers_404_for_unknown_or_foreign_comments(client, make_project, make_user, add_comment):
    author = make_user()
    first, second = make_project("erstes"), make_project("zweites")
    foreign = add_comment(second, author.id)
    assert client.get(first.comment_url(foreign)).status_code == 404
    assert client.get(first.comment_url(999_999)).status_code == 404
    assert client.get("/projekte/gibt-es-nicht/kommentare/1").status_code == 404


@pytest.mark.parametrize("language", ["de", "en"])
def test_fast_date_labels_match_the_datetime_filter(app, language):

    with app.test_request_context(), force_locale(language):
        fast = thread._datetime_formatter()
        for value in (
            datetime(2026, 1, 5, 0, 7, tzinfo=UTC),
            datetime(2026, 7, 15, 13, 45, tzinfo=UTC),
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
            datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
        ):
            assert fast(value) == format_when(value)
