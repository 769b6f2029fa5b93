"""Analytics: the reference population (official figures per district, age band and gender)."""

from __future__ import annotations

from flask import Flask

from participation.analytics.demo import seed_population
from participation.analytics.views import bp
from participation.core.demo import register_demo_seeder


def init_app(app: Flask) -> None:
    """Register the blueprint and the demo population."""
    app.register_blueprint(bp)
    register_demo_seeder("analytics", seed_population)
