"""Site-wide search over 100,000 comments and 1,000 wiki pages (target: median under 50 ms on PostgreSQL).

The database is BENCH_DATABASE_URL (a PostgreSQL server: a schema of its own, dropped afterwards),
else a temporary SQLite file. Rows are written in bulk, then `reindex()` builds the index through
the domains' sources, as `flask search reindex` does. Measured: the engine's whole search (counts per
type, the first page of 20 ranked hits, their links and snippets) for a mix of queries (frequent and
rare words, two words, German word forms, a prefix). Baseline, in the same run: a plain indexed
lookup of one index row by its unique key.
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, insert, select, text

COMMENTS = 100_000
WIKI_PAGES = 1_000
PROJECTS = 50
RUNS = 7
QUERIES = (
    "Radweg",
    "Bäume",
    "Spielplatz Lindenpark",
    "Strasse",
    "Haushalt",
    "Brunnensanierung",
    "Beteiligung",
)
WORDS = (
    "Bürgerbüro Rathaus Marktplatz Öffnungszeiten Termin Stadtrat Beteiligung Radweg Radwege Bahnhofstraße "
    "Straße Spielplatz Lindenpark Ortsteil Planung Verwaltung Antrag Bebauungsplan Haushalt Umfrage Baum "
    "Bäume Bänke Wege Brücke Parkplatz Schule Kita Bibliothek Schwimmbad Sportplatz Bushaltestelle Ampel "
    "Lärm Verkehr sicher gefährlich schön wichtig dringend teuer günstig breiter schmaler neu alt grün "
    "Fahrrad Auto Fußweg Gehweg Beleuchtung Müll Sauberkeit Hund Kinder Familien Senioren Barrierefreiheit"
).split()
FILLER = "und der die das mit für von zu im am ist sind wird werden nicht auch noch mehr weniger".split()


def _text(rng: random.Random, words: int) -> str:
    """A comment-like sentence: content words in a Zipf-like mix, stop words between them."""
    picked = []
    for _ in range(words):
        if rng.random() < 0.4:
            picked.append(rng.choice(FILLER))
        else:
            picked.append(WORDS[min(int(rng.paretovariate(1.1)) - 1, len(WORDS) - 1)])
    if rng.random() < 0.001:
        picked.append("Brunnensanierung")
    return " ".join(picked).capitalize() + "."


def _database() -> tuple[dict, str | None]:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"}, None
    schema = f"bench_search_{secrets.token_hex(3)}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    return {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options}, schema


def _fill(db, rng: random.Random) -> None:
    """One author, PROJECTS projects, COMMENTS published comments, WIKI_PAGES published wiki pages."""
    from participation.accounts.models import User
    from participation.discussions.models import Comment
    from participation.projects.models import Project
    from participation.wiki.models import WikiPage, WikiRevision

    now = datetime.now(UTC)
    session = db.session
    session.execute(
        insert(User),
        [{"email": "bench@example.org", "display_name": "Bench", "password_hash": "x", "created_at": now}],
    )
    author = session.scalar(select(User.id))
    session.execute(
        insert(Project),
        [
            {"slug": f"vorhaben-{n}", "title": f"Vorhaben {n} {_text(rng, 3)}", "summary": _text(rng, 12)}
            for n in range(PROJECTS)
        ],
    )
    project_ids = list(session.scalars(select(Project.id)))
    for start in range(0, COMMENTS, 10_000):
        rows = []
        for n in range(start, start + 10_000):
            body = _text(rng, rng.randint(8, 60))
            rows.append(
                {
                    "project_id": project_ids[n % PROJECTS],
                    "author_id": author,
                    "body": body,
                    "body_html": f"<p>{body}</p>",
                    "status": "published" if n % 50 else "hidden",
                    "created_at": now - timedelta(minutes=n),
                }
            )
        session.execute(insert(Comment), rows)
    session.execute(
        insert(WikiPage),
        [{"slug": f"seite-{n}", "title": f"Seite {n}", "created_by_id": author} for n in range(WIKI_PAGES)],
    )
    pages = list(session.scalars(select(WikiPage.id)))
    session.execute(
        insert(WikiRevision),
        [
            {
                "page_id": page,
                "author_id": author,
                "title": f"Seite {n}",
                "body": "\n\n".join(_text(rng, 60) for _ in range(5)),
                "state": "approved",
            }
            for n, page in enumerate(pages)
        ],
    )
    session.execute(
        text(
            "UPDATE wiki_pages SET approved_revision_id = "
            "(SELECT id FROM wiki_revisions WHERE wiki_revisions.page_id = wiki_pages.id)"
        )
    )
    session.commit()


def _median_ms(function, runs: int = RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def run() -> dict[str, float]:
    """Build the data, index it, then time the search mix and the baseline lookup."""
    from participation import create_app
    from participation.core.fulltext import SearchDocument, parse_query, reindex, search
    from participation.extensions import db

    database, schema = _database()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SERVER_NAME": "bench.local", **database})
    results: dict[str, float] = {}
    try:
        with app.app_context():
            db.create_all()
            dialect = db.engine.dialect.name
            started = time.perf_counter()
            _fill(db, random.Random(3))
            filled = time.perf_counter()
            counts = reindex()
            db.session.commit()
            if dialect == "postgresql":
                with db.engine.connect() as connection:
                    connection.execute(text("ANALYZE"))
                    connection.commit()
            indexed = time.perf_counter()
            with app.test_request_context():
                for query in QUERIES:  # warm-up: caches, plans
                    search(parse_query(query))
                timings: list[float] = []
                per_query = {}
                for query in QUERIES:
                    parsed = parse_query(query)
                    times = _median_ms(lambda parsed=parsed: search(parsed))
                    per_query[query] = statistics.median(times)
                    timings += times
                comment_ids = select(SearchDocument.ref_id).where(SearchDocument.kind == "comment")
                some_id = db.session.scalar(comment_ids.limit(1))
                lookup = select(SearchDocument.title, SearchDocument.body).where(
                    SearchDocument.kind == "comment", SearchDocument.ref_id == some_id
                )
                baseline = _median_ms(lambda: db.session.execute(lookup).all(), runs=RUNS * len(QUERIES))
            measured, base = statistics.median(timings), statistics.median(baseline)
            results = {
                f"search_ms_100k_{dialect}": round(measured, 1),
                "search_ms_100k": round(measured, 1),
                f"search_baseline_lookup_ms_{dialect}": round(base, 2),
                f"search_ratio_100k_{dialect}": round(measured / base, 1),
                f"search_worst_query_ms_100k_{dialect}": round(max(per_query.values()), 1),
                f"search_index_documents_{dialect}": sum(counts.values()),
                f"search_fill_s_{dialect}": round(filled - started, 1),
                f"search_reindex_s_{dialect}": round(indexed - filled, 1),
            }
            for query, value in per_query.items():
                print(f"  {query!r:<28} {value:.1f} ms")
            db.session.remove()
    finally:
        with app.app_context():
            if schema:
                with db.engine.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            db.engine.dispose()
    return results


if __name__ == "__main__":
    print(run())
