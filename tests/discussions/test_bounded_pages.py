"""Bounded pages at any size (#15 item 3): at most 200 comments a page however the replies are
distributed, "N weitere Antworten anzeigen" as a keyset link, permalinks deep in a 2,000-reply
chain, page weight and SQL statements that do not grow with the discussion."""

from __future__ import annotations

import html as html_lib
import re
from itertools import count

import pytest
from sqlalchemy import insert

from participation.accounts.models import Role
from participation.discussions import thread
from participation.discussions.models import Comment
from participation.extensions import db
from tests.conftest import count_queries, login, post

CARD_RE = re.compile(r'<li id="kommentar-(\d+)" class="([^"]*)"')
MORE_RE = re.compile(r'<a class="more-replies" href="([^"]+)" data-after="(\d+)">([^<]+)</a>')
MAX_BYTES = 150 * 1024


def cards(page: str) -> list[int]:
    return [int(i) for i, _classes in CARD_RE.findall(page)]


def depths(page: str) -> dict[int, str]:
    return {int(i): classes for i, classes in CARD_RE.findall(page)}


def more_links(page: str) -> list[tuple[str, int, str]]:
    return [(html_lib.unescape(href), int(after), text) for href, after, text in MORE_RE.findall(page)]


class Bulk:
    """Comments written with one multi-row INSERT per call: thousands in well under a second."""

    def __init__(self, app, author_id: int) -> None:
        self.app, self.author_id = app, author_id
        self.ids = count(3_000_000)
        self.children: dict[int, list[int]] = {}

    def _row(self, project_id: int, parent: int | None, root: int | None) -> dict:
        comment_id = next(self.ids)
        if parent is not None:
            self.children.setdefault(parent, []).append(comment_id)
        return {
            "id": comment_id,
            "project_id": project_id,
            "parent_id": parent,
            "root_id": root,
            "author_id": self.author_id,
            "body": f"Text {comment_id}",
            "body_html": f"<p>Text {comment_id} – ein Beitrag mit etwas Länge, wie Menschen schreiben.</p>",
            "status": "published",
            "score": 0,
            "upvotes": 0,
            "downvotes": 0,
        }

    def insert(self, rows: list[dict]) -> None:
        with self.app.app_context():
            for start in range(0, len(rows), 2000):
                db.session.execute(insert(Comment), rows[start : start + 2000])
            db.session.commit()

    def tree_order(self, root: int) -> list[int]:
        """The thread in the order the page shows it: depth first, replies by age."""
        order, stack = [], [root]
        while stack:
            comment_id = stack.pop()
            order.append(comment_id)
            stack.extend(reversed(self.children.get(comment_id, [])))
        return order

    def chain(self, project_id: int, replies: int) -> list[int]:
        """A top-level comment and a chain of replies, each answering the one before: ids, root first."""
        rows = [self._row(project_id, None, None)]
        root = rows[0]["id"]
        for _ in range(replies):
            rows.append(self._row(project_id, rows[-1]["id"], root))
        self.insert(rows)
        return [row["id"] for row in rows]

    def threads(self, project_id: int, shapes: list[int], *, flat: bool = False) -> list[list[int]]:
        """One thread per entry with that many replies, each to one of the last eight (flat: to the root)."""
        rows, threads = [], []
        for replies in shapes:
            root = self._row(project_id, None, None)
            members = [root["id"]]
            rows.append(root)
            for number in range(replies):
                parent = members[0] if flat else members[-1 - (number * 5) % min(8, len(members))]
                row = self._row(project_id, parent, root["id"])
                rows.append(row)
                members.append(row["id"])
            threads.append(members)
        self.insert(rows)
        return threads


@pytest.fixture
def bulk(app, make_user):
    return Bulk(app, make_user(name="Vielschreiberin").id)


@pytest.fixture
def large(make_project, bulk):
    """10,000 comments shaped like a real discussion: a 2,000-reply chain, threads with hundreds."""
    info = make_project("gross", "Großes Vorhaben")
    chain = bulk.chain(info.id, 2000)
    shapes = [600, 400, 300, 3, 0, 1, 250, 150, 2, 0, 120, 7] * 2 + [40, 5, 0, 12, 1, 3] * 40
    shapes.append(10_000 - len(chain) - (len(shapes) + 1) - sum(shapes))  # the last thread: the rest
    threads = bulk.threads(info.id, shapes)
    assert len(chain) + sum(len(t) for t in threads) == 10_000
    return info, chain, threads


@pytest.fixture
def small(make_project, bulk):
    """10 comments: three threads."""
    info = make_project("klein", "Kleines Vorhaben")
    threads = bulk.threads(info.id, [3, 2, 2])
    assert sum(len(t) for t in threads) == 10
    return info, threads


def test_ten_thousand_comments_show_at_most_the_page_budget_in_few_bytes(client, large, make_user):
    info, chain, threads = large
    login(client, make_user())  # vote buttons and action links on every card: the heaviest page
    page = client.get(info.url).get_data(as_text=True)
    shown = cards(page)
    assert 0 < len(shown) <= thread.PAGE_COMMENTS <= 200
    assert len(page.encode()) <= MAX_BYTES
    # Threads are shown whole from their beginning: the chain's root and its first replies.
    assert shown[: 1 + thread.THREAD_REPLIES] == chain[: 1 + thread.THREAD_REPLIES]
    assert 'rel="next"' in page  # the other threads are on the next pages


@pytest.mark.parametrize("flat", [False, True])
def test_one_thread_with_thousands_of_replies_is_cut_per_thread(client, make_project, bulk, flat):
    info = make_project()
    (unordered,) = bulk.threads(info.id, [3000], flat=flat)
    members = bulk.tree_order(unordered[0])
    page = client.get(info.url).get_data(as_text=True)
    assert cards(page) == members[: 1 + thread.THREAD_REPLIES]
    ((href, after, text),) = more_links(page)
    assert after == members[thread.THREAD_REPLIES]
    assert text == f"{3000 - thread.THREAD_REPLIES} weitere Antworten anzeigen"
    assert href.endswith(f"#kommentar-{members[thread.THREAD_REPLIES + 1]}")


def test_one_more_reply_is_said_in_the_singular_and_english(client, make_project, bulk):
    info = make_project()
    (members,) = bulk.threads(info.id, [thread.THREAD_REPLIES + 1])
    page = client.get(info.url).get_data(as_text=True)
    assert [text for _href, _after, text in more_links(page)] == ["1 weitere Antwort anzeigen"]
    english = client.get(info.url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert [text for _h, _a, text in more_links(english)] == ["Show 1 more reply"]
    assert len(cards(page)) == len(members) - 1


def test_more_link_leads_without_javascript_to_the_next_window(client, make_project, bulk):
    info = make_project()
    chain = bulk.chain(info.id, 2000)
    page = client.get(info.url).get_data(as_text=True)
    ((href, after, text),) = more_links(page)
    seen = thread.THREAD_REPLIES
    assert text == f"{2000 - seen} weitere Antworten anzeigen"
    assert href.startswith(f"{info.url}/kommentare/{chain[0]}?nach={after}&gezeigt={seen}#kommentar-")
    for _window in range(3):
        path, anchor = href.split("#")
        response = client.get(path)
        assert response.status_code == 200
        window = response.get_data(as_text=True)
        shown = cards(window)
        assert len(shown) <= 2 + thread.ANCESTORS_SHOWN + thread.WINDOW_REPLIES <= 200
        assert len(window.encode()) <= MAX_BYTES
        # The thread's top-level comment, the nearest ancestors, the reply read last, then new ones.
        assert shown[0] == chain[0]
        new = shown[shown.index(after) + 1 :]
        assert new == chain[seen + 1 : seen + 1 + thread.WINDOW_REPLIES]
        assert anchor == f"kommentar-{new[0]}"
        assert shown[1 : shown.index(after)] == chain[max(1, seen - thread.ANCESTORS_SHOWN) : seen]
        # Replies between the top-level comment and the nearest ancestors are left out, said so.
        assert ("Zum Anfang des Gesprächsfadens" in window) == (seen > thread.ANCESTORS_SHOWN + 1)
        assert "comment-focus" not in window
        seen += thread.WINDOW_REPLIES
        ((href, after, text),) = more_links(window)
        assert after == chain[seen]
        assert text == f"{2000 - seen} weitere Antworten anzeigen"
        # Deep replies stay at the sixth indent and name whom they answer.
        assert depths(window)[new[0]] == "comment depth-6"
        assert "Antwort an Vielschreiberin" in window


def test_more_link_walks_a_branching_thread_in_tree_order(client, make_project, bulk):
    """Windows after a cursor continue in tree order, also when they climb back up the tree."""
    info = make_project()
    (unordered,) = bulk.threads(info.id, [400])
    members = bulk.tree_order(unordered[0])
    everything = []
    href = f"{info.url}/kommentare/{members[0]}"  # the thread's permalink: its first window
    while href:
        page = client.get(href.split("#")[0]).get_data(as_text=True)
        shown = cards(page)
        links = more_links(page)
        start = shown.index(int(href.split("nach=")[1].split("&")[0])) + 1 if "nach=" in href else 0
        everything += shown[start:]
        href = links[0][0] if links else None
    with client.application.app_context():
        tree = thread.read_window(info.id, members[0], None)
    assert len(everything) == 401 == len(set(everything))
    assert everything == members
    assert tree is not None and [item.id for item in tree.items] == everything[: 1 + thread.WINDOW_REPLIES]


def test_a_permalink_deep_in_a_2000_reply_chain_opens_its_window(client, make_project, bulk):
    info = make_project()
    chain = bulk.chain(info.id, 2000)
    target = chain[1500]
    page = client.get(info.comment_url(target)).get_data(as_text=True)
    shown = cards(page)
    assert target in shown and f'<li id="kommentar-{target}" class="comment depth-6 comment-focus"' in page
    # The top-level comment, the nearest ancestors, the comment, the replies after it.
    position = shown.index(target)
    assert shown[0] == chain[0]
    assert shown[1:position] == chain[1500 - thread.ANCESTORS_SHOWN : 1500]
    assert shown[position + 1 :] == chain[1501 : 1501 + thread.WINDOW_REPLIES]
    assert len(shown) <= 200 and len(page.encode()) <= MAX_BYTES
    assert f"Text {target}" in page
    assert "Zum Anfang des Gesprächsfadens" in page
    # Where this window sits in the thread is not known: the link says "weitere", without a number.
    ((_href, after, text),) = more_links(page)
    assert after == chain[1500 + thread.WINDOW_REPLIES] and text == "Weitere Antworten anzeigen"


def test_a_cursor_of_another_thread_or_project_is_not_found(client, make_project, bulk):
    info, other = make_project(), make_project("anderes", "Anderes")
    first, second = bulk.threads(info.id, [3, 3])
    foreign = bulk.chain(other.id, 2)
    assert client.get(f"{info.url}/kommentare/{first[0]}?nach={second[1]}").status_code == 404
    assert client.get(f"{info.url}/kommentare/{first[0]}?nach={foreign[1]}").status_code == 404
    assert client.get(f"{info.url}/kommentare/{foreign[0]}").status_code == 404
    # A cursor that is no number is ignored: the thread's permalink.
    assert client.get(f"{info.url}/kommentare/{first[0]}?nach=²&gezeigt=-1").status_code == 200
    assert client.get(f"{info.url}/kommentare/{first[0]}?nach={'9' * 40}").status_code == 200


@pytest.mark.parametrize("viewer", ["anonymous", "citizen", "moderator"])
def test_statements_are_the_same_at_10_and_10000_comments(
    app, client, small, large, logged_in, viewer, rendered_project_pages
):
    if viewer != "anonymous":
        logged_in(viewer)
    (small_info, small_threads), (large_info, chain, _threads) = small, large
    counts, sizes = {}, {}
    for name, path in (
        ("page-10", small_info.url),
        ("page-10000", large_info.url),
        ("permalink-10", small_info.comment_url(small_threads[0][2])),
        ("permalink-10000", large_info.comment_url(chain[1500])),
        ("window-10000", f"{large_info.url}/kommentare/{chain[0]}?nach={chain[5]}&gezeigt=5"),
    ):
        client.get(path)  # warm-up (session refresh, caches)
        with app.app_context(), count_queries(db.engine) as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts[name] = len(statements)
        sizes[name] = len(response.get_data())
        assert sum("WITH RECURSIVE" in s.upper() for s in statements) == 1, statements
    # Six at most; a moderator's header also counts the open moderation items (navigation.py).
    most = 7 if viewer == "moderator" else 6
    assert counts["page-10"] == counts["page-10000"] <= most, counts
    assert counts["permalink-10"] == counts["permalink-10000"] == counts["window-10000"] <= most, counts
    assert max(sizes.values()) <= MAX_BYTES, sizes


def test_votes_moderation_and_feedback_work_in_a_deep_window(app, client, make_project, bulk, make_user):
    info = make_project()
    chain = bulk.chain(info.id, 2000)
    target = chain[1200]
    # A moderator sees the moderation buttons in the window; the mark of the administration shows.
    moderator = make_user({Role.MODERATOR}, name="Moderatorin")
    login(client, moderator)
    page = client.get(info.comment_url(target)).get_data(as_text=True)
    assert f'href="{info.url}/kommentare/{target}/ausblenden"' in page
    # A citizen votes there and replies deep in the chain; the confirmation stands in the new card.
    citizen_client = app.test_client()
    login(citizen_client, make_user(name="Bürgerin"))
    page = citizen_client.get(info.comment_url(target)).get_data(as_text=True)
    assert f'formaction="{info.url}/kommentare/{target}/bewerten"' in page
    response = post(
        citizen_client,
        info.comment_url(target, "bewerten"),
        {"value": "1"},
        token_from=info.comment_url(target),
    )
    assert response.status_code == 302
    page = citizen_client.get(info.comment_url(target)).get_data(as_text=True)
    assert re.search(
        rf'{target}/bewerten" name="value" value="0" class="vote" aria-pressed="true">Dafür \(1\)', page
    )
    response = post(
        citizen_client,
        f"{info.url}/kommentieren",
        {"body": "Ganz unten geantwortet.", "parent_id": str(chain[-1])},
        token_from=info.url,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = citizen_client.get(response.headers["Location"]).get_data(as_text=True)
    new_id = int(response.headers["Location"].rsplit("kommentar-", 1)[1])
    card = re.search(rf'<li id="kommentar-{new_id}".*?</li>', page, re.S).group(0)
    assert "Ihr Kommentar wurde veröffentlicht." in card and "comment-focus" in card
    assert "Antwort an Vielschreiberin" in card
