"""The project page's discussion: bounded at any size, as fast at 10,000 comments as at 10.

Since the pages are bounded (discussions/thread.py: at most PAGE_COMMENTS comments, each thread
with its first replies), the page no longer renders all N comments, and the earlier
thread_render_ratio_* (the page against one raw query rendering all N rows) has nothing left to
compare: the page's time is now mostly what every page costs.

thread_queries_10 / _10000: SQL statements of the project page (logged in) with 10 and 10,000
comments in 10 or 50 threads (the rest replies at varying depth); thread_render_ms_*: its time
with 100, 1,000 and 10,000 such comments.

project_page_ratio_10000: the real project page (test client, a logged-in citizen: vote buttons
and action links on every card) of a discussion shaped like a real one, 10,000 comments in 600
threads of which a few have hundreds of replies (one a chain 2,000 deep), divided by the same
page with 10 comments; _anonymous the same without an account (the load test's page reads);
project_page_kb_10000 is the logged-in page's size. Both pages are measured in alternating
rounds, best of each, as CPU time of the process (the app and SQLite run in it).
"""

from __future__ import annotations

import random
import tempfile
import time
import timeit
from datetime import timedelta

from sqlalchemy import event, insert

from participation import create_app
from participation.accounts.services import create_user
from participation.core.markup import render_markdown
from participation.core.types import utcnow
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project

SIZES = (100, 1_000, 10_000)
REAL_SIZES = (10, 10_000)  # project_page_ratio_10000: a discussion shaped like a real one
PASSWORD = "Bench-Lindenpark-2026"
REPEAT = 5  # best of five, for the page and the baseline alike (the machine is shared and noisy)
BODIES = [
    "Ich finde den **Vorschlag** gut, aber die Radwege sollten breiter sein.",
    "Bitte mehr Bäume und Sitzbänke im Schatten.\n\n- Linden\n- Platanen",
    "Wie sieht es mit der Barrierefreiheit aus? Mehr dazu: https://www.musterstadt.example/plan",
    "> Die Stadt plant 2027 den Umbau.\n\nDas ist zu spät!",
]


def _seed(project_id: int, authors: list[int], size: int, start_id: int) -> None:
    rng = random.Random(size)
    html = [str(render_markdown(body)) for body in BODIES]
    top_count = 50 if size >= 1000 else 10
    rows, tops, members = [], [], {}
    start = utcnow() - timedelta(days=60)
    for offset in range(size):
        comment_id = start_id + offset
        if offset < top_count:
            parent, root = None, None
            tops.append(comment_id)
            members[comment_id] = [comment_id]
        else:
            root = tops[offset % top_count]
            parent = rng.choice(members[root][-8:])  # recent comments of the thread: varied depth
            members[root].append(comment_id)
        body = rng.randrange(len(BODIES))
        rows.append(
            {
                "id": comment_id,
                "project_id": project_id,
                "parent_id": parent,
                "root_id": root,
                "author_id": rng.choice(authors),
                "body": BODIES[body],
                "body_html": html[body],
                "status": "published",
                "score": 0,
                "upvotes": 0,
                "downvotes": 0,
                # Spread over weeks: every comment has its own minute (no formatting cache helps).
                "created_at": start + timedelta(minutes=offset * 7 + rng.randrange(7)),
            }
        )
    db.session.execute(insert(Comment), rows)


def _row(project_id: int, comment_id: int, parent, root, author: int, body: int, html, when) -> dict:
    return {
        "id": comment_id,
        "project_id": project_id,
        "parent_id": parent,
        "root_id": root,
        "author_id": author,
        "body": BODIES[body],
        "body_html": html[body],
        "status": "published",
        "score": 0,
        "upvotes": 0,
        "downvotes": 0,
        "created_at": when,
    }


def _seed_real(project_id: int, authors: list[int], size: int, start_id: int) -> None:
    """A discussion as it grows: most threads short, a few with hundreds of replies, one long chain."""
    rng = random.Random(size + 1)
    html = [str(render_markdown(body)) for body in BODIES]
    start = utcnow() - timedelta(days=60)
    rows: list[dict] = []
    if size <= 10:
        shapes = [3, 1, 0, 0, 2][: max(1, size // 2)]  # threads of 4, 2, 1, 1, 3 comments
    else:
        big = [2000, 600, 400, 300, 200, 150, 100, 100]  # replies of the long threads (first: a chain)
        small = size - sum(big) - 600
        shapes = [0] * 600
        for number, replies in enumerate(big):
            shapes[number * 7] = replies
        for _ in range(small):  # the rest spread over the other threads, a few replies each
            shapes[rng.randrange(600)] += 1
    comment_id = start_id
    for thread_number, replies in enumerate(shapes):
        root = comment_id
        members = [root]
        when = start + timedelta(minutes=thread_number * 60)
        rows.append(_row(project_id, root, None, None, rng.choice(authors), 0, html, when))
        for _reply in range(replies):
            comment_id += 1
            parent = members[-1] if thread_number == 0 and replies >= 2000 else rng.choice(members[-8:])
            members.append(comment_id)
            body = rng.randrange(len(BODIES))
            when += timedelta(minutes=1 + rng.randrange(7))
            rows.append(_row(project_id, comment_id, parent, root, rng.choice(authors), body, html, when))
        comment_id += 1
    rows = rows[:size]
    db.session.execute(insert(Comment), rows)


def run() -> dict[str, float]:
    """Time the project page at each size; count its SQL statements; the real-shaped pages' ratio."""
    tmp = tempfile.mkdtemp(prefix="bench-discussions-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            # The rendering is what grows with the comments: anonymous visitors' cached copy off.
            "PROJECT_PAGE_CACHE_SECONDS": 0,
        }
    )
    statements: list[str] = []
    results: dict[str, float] = {}
    with app.app_context():
        db.create_all()
        authors = [
            create_user(f"autor{i}@bench.example", f"Autorin {i}", PASSWORD, set()).id for i in range(40)
        ]
        create_user("leser@bench.example", "Leser", PASSWORD, set())
        for number, size in enumerate((10, *SIZES)):
            project = Project(
                slug=f"bench-{size}", title=f"Bench {size}", summary="Benchmark", description=""
            )
            db.session.add(project)
            db.session.flush()
            _seed(project.id, authors, size, start_id=(number + 1) * 1_000_000)
        for number, size in enumerate(REAL_SIZES):
            project = Project(slug=f"real-{size}", title=f"Real {size}", summary="Benchmark", description="")
            db.session.add(project)
            db.session.flush()
            _seed_real(project.id, authors, size, start_id=(number + 10) * 1_000_000)
        db.session.commit()
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    client = app.test_client()  # a logged-in citizen: vote buttons and links on every comment
    anonymous = app.test_client()
    client.post("/konto/anmelden", data={"email": "leser@bench.example", "password": PASSWORD})
    for size in (10, 10_000):
        client.get(f"/projekte/bench-{size}")
        statements.clear()
        client.get(f"/projekte/bench-{size}")
        results[f"thread_queries_{size}"] = len(statements)

    for size in SIZES:
        path = f"/projekte/bench-{size}"
        page = client.get(path).get_data(as_text=True)
        assert 0 < page.count('<li id="kommentar-') <= 200, size
        measured = (
            min(
                timeit.repeat(lambda p=path: client.get(p), number=20, repeat=REPEAT, timer=time.process_time)
            )
            / 20
        )
        results[f"thread_render_ms_{size}"] = round(measured * 1000, 1)
    results.update(_real_pages(client, anonymous))
    return results


def _real_pages(client, anonymous) -> dict[str, float]:
    """The real project page at 10,000 comments (shaped like a discussion) ÷ the same page at 10.

    Logged in (vote buttons and action links on every card: the heaviest page, whose size is
    reported) and as a visitor without an account (the load test's page reads).
    """
    small, large = (f"/projekte/real-{size}" for size in REAL_SIZES)
    pages = {path: client.get(path).get_data() for path in (small, large)}
    cards = pages[large].count(b'<li id="kommentar-')
    assert 0 < cards <= 200 and b"weitere Antworten anzeigen" in pages[large], cards
    results: dict[str, float] = {
        "project_page_kb_10000": round(len(pages[large]) / 1024, 1),
        "project_page_comments_10000": cards,
    }
    for suffix, visitor in (("", client), ("_anonymous", anonymous)):
        best = {small: float("inf"), large: float("inf")}
        rounds = 20
        for _ in range(REPEAT * 6):  # alternating, so both see the same machine load
            for path in (small, large):
                # CPU time of this process (the app and SQLite run in it): other work on the shared
                # machine does not count, waiting for the CPU does not either.
                get = visitor.get
                took = timeit.timeit(lambda p=path, get=get: get(p), number=rounds, timer=time.process_time)
                best[path] = min(best[path], took / rounds)
        results[f"project_page_ms_10{suffix}"] = round(best[small] * 1000, 2)
        results[f"project_page_ms_10000{suffix}"] = round(best[large] * 1000, 2)
        results[f"project_page_ratio_10000{suffix}"] = round(best[large] / best[small], 2)
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:<36} {value}")
