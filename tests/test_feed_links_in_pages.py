"""The base template announces a page's Atom feeds (feeds.links.feed_links) in its head."""

from __future__ import annotations

import re

ALTERNATE = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">')


def test_the_project_list_announces_the_projects_feed_and_it_answers(client):
    page = client.get("/projekte/").get_data(as_text=True)
    hrefs = ALTERNATE.findall(page.split("</head>")[0])
    assert hrefs, "no feed announced"
    for href in hrefs:
        feed = client.get(href)
        assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"


def test_a_page_without_feeds_announces_none(client):
    assert not ALTERNATE.search(client.get("/konto/anmelden").get_data(as_text=True))
