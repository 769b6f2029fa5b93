"""Dates, months and decimals in the reader's language, in Berlin time (issue #11, item 7)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import render_template_string

from participation.core.i18n import format_day, format_month, format_number, format_when
from participation.core.legal_texts import LEGAL_PAGE_SLUGS
from participation.core.markup import render_markdown
from participation.discussions.dates import _datetime_formatter

WINTER = datetime(2026, 11, 6, 3, 0, tzinfo=UTC)  # CET: UTC+1
SUMMER = datetime(2026, 7, 6, 2, 0, tzinfo=UTC)  # CEST: UTC+2


def _in(app, language: str):
    return app.test_request_context(headers={"Accept-Language": language})


@pytest.mark.parametrize(
    ("language", "winter", "summer"),
    [
        ("de", "06.11.2026, 04:00 Uhr", "06.07.2026, 04:00 Uhr"),
        ("en", "6 Nov 2026, 04:00", "6 Jul 2026, 04:00"),
    ],
)
def test_datetime_in_berlin_time(app, language, winter, summer):
    with _in(app, language):
        assert format_when(WINTER) == winter and format_when(SUMMER) == summer
        assert render_template_string("{{ value|datetime }}", value=WINTER) == winter
        # The thread's fast formatter gives the same text as the filter.
        fast = _datetime_formatter()
        assert fast(WINTER) == winter and fast(SUMMER) == summer
        assert format_when(None) == ""


def test_date_alone_has_four_digit_year(app):
    with _in(app, "de"):
        assert format_day(date(2026, 11, 6)) == "06.11.2026"
        # Late evening UTC is already the next day in Berlin.
        assert (
            render_template_string("{{ d|date }}", d=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
            == "01.01.2027"
        )
    with _in(app, "en"):
        assert format_day(date(2026, 11, 6)) == "6 Nov 2026"


def test_month_names(app):
    with _in(app, "de"):
        assert format_month(date(2026, 12, 1)) == "Dezember 2026"
        assert render_template_string("{{ d|month }}", d=date(2026, 3, 1)) == "März 2026"
    with _in(app, "en"):
        assert format_month(date(2026, 12, 1)) == "December 2026"


def test_decimal_duration(app):
    with _in(app, "de"):
        assert format_number(3) == "3,0" and format_number(7200 / 3600 + 0.04) == "2,0"
        assert render_template_string("{{ v|number(1) }}", v=1234.56) == "1.234,6"
    with _in(app, "en"):
        assert format_number(3) == "3.0" and format_number(1234.56) == "1,234.6"


@pytest.mark.parametrize("slug", LEGAL_PAGE_SLUGS)
def test_legal_pages_have_no_hard_line_breaks(client, slug):
    html = client.get(f"/{slug}").get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    assert "<br" not in main
    assert not [p for p in re.findall(r"<p>(.*?)</p>", main, re.S) if "\n" in p]


@pytest.mark.parametrize("slug", LEGAL_PAGE_SLUGS)
def test_legal_pages_keep_heading_order(client, slug):
    """Sections start at h2 under the page's h1 and never skip a level going down (Lighthouse, WCAG 1.3.1)."""
    html = client.get(f"/{slug}").get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]
    assert levels[0] == 1 and levels.count(1) == 1
    if len(levels) > 1:
        assert levels[1] == 2
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:], strict=False)), levels


def test_comment_headings_stay_below_the_page_layout(app):
    """Only admin-written pages may use h2: a citizen's '#' heading is still h3."""
    with app.test_request_context():
        assert str(render_markdown("# Titel")) == "<h3>Titel</h3>"
        assert str(render_markdown("# Titel", top_level=2)) == "<h2>Titel</h2>"
