"""Server-rendered SVG charts: bars with direct labels (readable in black and white, no JavaScript).

Each chart is decorative beside its data table: the SVG carries role="img" and a short label saying so,
the numbers themselves are in the table next to it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
BAR_WIDTH = 320
VALUE_WIDTH = 90


def _clip(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(items: list[tuple[str, float | None, str]], label: str, uid: str = "c") -> Markup:
    """Horizontal bars: (label, share 0..100 or None if suppressed, value text printed beside the bar)."""
    height = max(len(items), 1) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}">',
        # Diagonal hatching: bars stay distinguishable from the background on a black-and-white print.
        f'<defs><pattern id="hatch-{uid}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#1d4f91"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.5"/></pattern></defs>',
    ]
    for index, (text, share, value_text) in enumerate(items):
        y = GAP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" font-size="13" '
            f'fill="#1a1a1a">{escape(_clip(text))}</text>'
        )
        bar = 0 if share is None else max(share, 0) / 100 * BAR_WIDTH
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" fill="#ffffff" '
            'stroke="#595959" stroke-width="1"/>'
        )
        if bar:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT}" '
                f'fill="url(#hatch-{uid})" '
                'stroke="#1a1a1a" stroke-width="1"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{middle}" font-size="13" '
            f'fill="#1a1a1a">{escape(value_text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(items: list[tuple[str, int | None]], label: str) -> Markup:
    """Vertical columns for a time series (responses per day); first and last day labelled."""
    count = max(len(items), 1)
    width = 640
    chart_height = 160
    step = width / count
    peak = max((v or 0 for _t, v in items), default=0) or 1
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {chart_height + 40}" '
        f'width="{width}" height="{chart_height + 40}" role="img" aria-label="{escape(label)}">',
        f'<line x1="0" y1="{chart_height}" x2="{width}" y2="{chart_height}" stroke="#1a1a1a"/>',
    ]
    for index, (_text, value) in enumerate(items):
        if not value:
            continue
        h = value / peak * (chart_height - 10)
        parts.append(
            f'<rect x="{index * step + step * 0.1:.1f}" y="{chart_height - h:.1f}" '
            f'width="{max(step * 0.8, 1):.1f}" '
            f'height="{h:.1f}" fill="#1d4f91" stroke="#1a1a1a" stroke-width="0.5"/>'
        )
    if items:
        parts.append(
            f'<text x="0" y="{chart_height + 18}" font-size="12" fill="#1a1a1a">{escape(items[0][0])}</text>'
        )
        parts.append(
            f'<text x="{width}" y="{chart_height + 18}" font-size="12" text-anchor="end" '
            f'fill="#1a1a1a">{escape(items[-1][0])}</text>'
        )
        parts.append(f'<text x="0" y="{chart_height + 36}" font-size="12" fill="#1a1a1a">max. {peak}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
