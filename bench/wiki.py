"""Word-level wiki diff: a 10,000-word page with scattered changes (target: median under 100 ms)."""

from __future__ import annotations

import random
import statistics
import time

from participation.wiki.diff import diff_chunks, render_diff

WORDS = (
    "Bürgerbüro Rathaus Marktplatz Öffnungszeiten Termin Stadtrat Beteiligung Radweg Bahnhofstraße "
    "Spielplatz Lindenpark Ortsteil Planung Verwaltung Antrag Bebauungsplan Haushalt Umfrage und der die das "
    "mit für von zu im am ist sind wird werden nicht auch noch mehr weniger neue alte Bäume Bänke Wege"
).split()


def make_page(words: int, seed: int = 7) -> str:
    """Paragraphs of ~60 words, Markdown headings every 10 paragraphs: like a long wiki page."""
    rng = random.Random(seed)
    paragraphs, remaining, number = [], words, 0
    while remaining > 0:
        size = min(remaining, rng.randint(40, 80))
        if number % 10 == 0:
            paragraphs.append(f"# Abschnitt {number // 10 + 1}")
        paragraphs.append(" ".join(rng.choice(WORDS) for _ in range(size)))
        remaining -= size
        number += 1
    return "\n\n".join(paragraphs)


def scatter_changes(text: str, changes: int, seed: int = 11) -> str:
    """Replace, insert or delete single words at `changes` random places."""
    rng = random.Random(seed)
    tokens = text.split(" ")
    for _ in range(changes):
        index = rng.randrange(len(tokens))
        action = rng.choice(("replace", "insert", "delete"))
        if action == "replace":
            tokens[index] = "GEÄNDERT"
        elif action == "insert":
            tokens.insert(index, "EINGEFÜGT")
        elif len(tokens) > 1:
            del tokens[index]
    return " ".join(tokens)


def _median_ms(function, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run() -> dict[str, float]:
    """Median time to diff and render 10,000 words with 100 scattered changes (and on a single paragraph)."""
    from participation import create_app

    old = make_page(10_000)
    new = scatter_changes(old, 100)
    one_paragraph_old = old.replace("\n\n", " ")
    one_paragraph_new = new.replace("\n\n", " ")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "bench"})
    with app.test_request_context():
        render_diff(old, new)  # warm-up (translations, regex)
        measured = _median_ms(lambda: render_diff(old, new))
        single = _median_ms(lambda: render_diff(one_paragraph_old, one_paragraph_new), runs=3)
    changed = sum(1 for c in diff_chunks(old, new) if c.kind != "equal")
    return {
        "wiki_diff_10k_words_ms": round(measured, 1),
        "wiki_diff_10k_words_one_paragraph_ms": round(single, 1),
        "wiki_diff_10k_words_changed_runs": changed,
    }


if __name__ == "__main__":
    print(run())
