"""Server-rendered SVG charts: bars with direct labels (readable in black and white, no JavaScript).

Each chart is decorative beside its data table: the SVG carries role="img" and a short label saying so,
the numbers themselves are in the table next to it.

Sized for a phone: the drawing is WIDTH user units wide and the stylesheet lets it shrink to the width
of a 320 px screen's content column (288 px) but no further, so a FONT_SIZE label is never drawn smaller
than 288 / 300 * 14 = 13.4 px (WCAG-friendly, at least 12 px). Each label stands on its own line(s)
above its bar, so long answer texts wrap instead of squeezing the bars.
"""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 300  # user units; main.css: svg.chart { max-width: 24rem } and at least 288 px of room
FONT_SIZE = 14
LINE = 17  # baseline to baseline of a label's lines
BAR_HEIGHT = 18
GAP = 12  # between one bar and the next item's label
VALUE_WIDTH = 112  # room right of the longest bar for "1.234 (100,0 %)" or "geschützt (–)"
BAR_WIDTH = WIDTH - VALUE_WIDTH
LABEL_CHARS = 36  # characters per label line at FONT_SIZE in WIDTH (average glyph ~0.55 em)
LABEL_LINES = 3
INK = "#1a1a1a"


def wrap_label(text: str, width: int = LABEL_CHARS, lines: int = LABEL_LINES) -> list[str]:
    """The label in lines of at most `width` characters, broken between words; the last line cut with "…"."""
    result: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:  # a word longer than a line: break it hard
            if current:
                result.append(current)
                current = ""
            result.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
        else:
            result.append(current)
            current = word
    if current or not result:
        result.append(current)
    if len(result) > lines:
        last = result[lines - 1]
        result = result[: lines - 1] + [(last[: width - 1] if len(last) >= width else last) + "…"]
    return result


def _svg_open(height: float, label: str) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:g}" '
        f'width="{WIDTH}" height="{height:g}" role="img" aria-label="{escape(label)}">'
    )


def bar_chart(items: list[tuple[str, float | None, str]], label: str, uid: str = "c") -> Markup:
    """Horizontal bars, each under its label: (label, share 0..100 or None if suppressed, value text)."""
    body: list[str] = []
    y = 0.0
    for text, share, value_text in items:
        for line in wrap_label(text):
            y += LINE
            body.append(f'<text x="0" y="{y:g}" font-size="{FONT_SIZE}" fill="{INK}">{escape(line)}</text>')
        y += 5
        bar = 0 if share is None else min(max(share, 0), 100) / 100 * BAR_WIDTH
        body.append(
            f'<rect x="0.5" y="{y:g}" width="{BAR_WIDTH - 1}" height="{BAR_HEIGHT}" fill="#ffffff" '
            'stroke="#595959" stroke-width="1"/>'
        )
        if bar:
            body.append(
                f'<rect x="0.5" y="{y:g}" width="{max(bar - 1, 0.5):.1f}" height="{BAR_HEIGHT}" '
                f'fill="url(#hatch-{uid})" stroke="{INK}" stroke-width="1"/>'
            )
        body.append(
            f'<text x="{BAR_WIDTH + 6}" y="{y + BAR_HEIGHT - 4:g}" font-size="{FONT_SIZE}" '
            f'fill="{INK}">{escape(value_text)}</text>'
        )
        y += BAR_HEIGHT + GAP
    height = max(y - GAP + 2, LINE)
    parts = [
        _svg_open(height, label),
        # Diagonal hatching: bars stay distinguishable from the background on a black-and-white print.
        f'<defs><pattern id="hatch-{uid}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#1d4f91"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.5"/></pattern></defs>',
        *body,
        "</svg>",
    ]
    return Markup("".join(parts))


def column_chart(items: list[tuple[str, int | None]], label: str) -> Markup:
    """Vertical columns for a time series (responses per day); first and last day labelled."""
    count = max(len(items), 1)
    chart_height = 120
    step = WIDTH / count
    peak = max((v or 0 for _t, v in items), default=0) or 1
    parts = [
        _svg_open(chart_height + 2 * LINE + 6, label),
        f'<line x1="0" y1="{chart_height}" x2="{WIDTH}" y2="{chart_height}" stroke="{INK}"/>',
    ]
    for index, (_text, value) in enumerate(items):
        if not value:
            continue
        h = value / peak * (chart_height - 8)
        parts.append(
            f'<rect x="{index * step + step * 0.1:.1f}" y="{chart_height - h:.1f}" '
            f'width="{max(step * 0.8, 1):.1f}" '
            f'height="{h:.1f}" fill="#1d4f91" stroke="{INK}" stroke-width="0.5"/>'
        )
    if items:
        first_line = chart_height + LINE
        parts.append(
            f'<text x="0" y="{first_line}" font-size="{FONT_SIZE}" fill="{INK}">{escape(items[0][0])}</text>'
        )
        if len(items) > 1:
            parts.append(
                f'<text x="{WIDTH}" y="{first_line}" font-size="{FONT_SIZE}" text-anchor="end" '
                f'fill="{INK}">{escape(items[-1][0])}</text>'
            )
        parts.append(
            f'<text x="0" y="{first_line + LINE}" font-size="{FONT_SIZE}" fill="{INK}">max. {peak}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
