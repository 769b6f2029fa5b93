"""The one Markdown renderer: cost of sanitising, as a ratio to plain Python-Markdown on the same text."""

from __future__ import annotations

import timeit

import markdown

from participation.core.markup import render_markdown

COMMENT = (
    "Ich finde den **Vorschlag** gut, aber die *Radwege* sollten breiter sein.\n\n"
    "- mehr Bäume\n- Sitzbänke im Schatten\n- sichere Querung an der Bahnhofstraße\n\n"
    "> Die Stadt plant 2027 den Umbau.\n\nMehr dazu: https://www.musterstadt.example/radverkehr "
    "und [Protokoll](https://www.musterstadt.example/protokoll.pdf).\n"
)


def run() -> dict[str, float]:
    """Render a typical comment many times with both renderers and report the ratio."""
    plain = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])

    def baseline() -> None:
        plain.reset()
        plain.convert(COMMENT)

    def ours() -> None:
        render_markdown(COMMENT)

    ours()  # warm caches
    rounds = 2000
    base = min(timeit.repeat(baseline, number=rounds, repeat=3))
    measured = min(timeit.repeat(ours, number=rounds, repeat=3))
    return {
        "markup_render_us": round(measured / rounds * 1e6, 1),
        "markup_sanitize_ratio": round(measured / base, 2),
    }
