"""Analytics: the reference population (figures per district, age band, gender) and the overview."""

from __future__ import annotations

from flask import Flask

from participation.analytics import policy
from participation.analytics.demo import seed_population
from participation.analytics.overview_service import can_view_overview
from participation.analytics.overview_views import bp as overview_bp
from participation.analytics.reference_source import connect as connect_reference_source
from participation.analytics.views import bp
from participation.core.demo import register_demo_seeder
from participation.core.templating import register_template_policies


def init_app(app: Flask) -> None:
    """Register the blueprint, the template policies and the demo population."""
    app.register_blueprint(bp)
    app.register_blueprint(overview_bp)
    register_template_policies(
        {"can_view_population": policy.can_view_population, "can_view_overview": can_view_overview}
    )
    register_demo_seeder("analytics", seed_population)
    # The survey weighting asks for the current population figures' margins; analytics answers.
    connect_reference_source()
