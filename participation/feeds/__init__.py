"""Feeds and open data: Atom feeds of what the public may read, published results as DCAT-AP.de open data.

The app shell's reader of the domains: it only reads (queries.py), through each domain's public rule
(the discussions' visibility filter, approved wiki revisions, the surveys' public results policy).
"""

from __future__ import annotations

from flask import Flask

from participation.feeds import opendata, views
from participation.feeds.links import feed_links


def init_app(app: Flask) -> None:
    """Register the feeds and open data blueprints and the `feed_links()` template global."""
    app.register_blueprint(views.bp)
    app.register_blueprint(opendata.bp)
    app.jinja_env.globals["feed_links"] = feed_links
