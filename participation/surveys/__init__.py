"""E-surveys: builder, answering by account/code/open, assisted entry, typed answer rows.

Sub-packages by responsibility, each with its views, services and templates folder:
builder/ (settings, questions, conditions, preview, codes), answering/ (the questionnaire, storing
answers, codes, sealing), results/ (aggregates, suppression, charts), exports/ (files), staff/
(assisted entry). services.py is the API the views and other domains call.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from participation.core.demo import register_demo_seeder
from participation.core.privacy import register_eraser, register_exporter
from participation.core.templating import register_template_policies
from participation.core.views import register_home_section
from participation.extensions import db
from participation.projects import register_project_panel, track_page_rows
from participation.surveys import search_source, structure_cache
from participation.surveys.answering import views as _answering_views  # noqa: F401  (routes register on bp)
from participation.surveys.answering.batches import BATCH_SIZE
from participation.surveys.builder import codes_views as _codes_views  # noqa: F401
from participation.surveys.builder import import_views as _import_views  # noqa: F401
from participation.surveys.builder import preview_views as _preview_views  # noqa: F401
from participation.surveys.builder import question_views as _question_views  # noqa: F401
from participation.surveys.builder import views as _builder_views  # noqa: F401
from participation.surveys.demo import seed_surveys
from participation.surveys.exports import views as _export_views  # noqa: F401
from participation.surveys.models import Survey
from participation.surveys.policy import TEMPLATE_POLICIES
from participation.surveys.privacy import erase_surveys, export_surveys
from participation.surveys.project_panel import survey_panel
from participation.surveys.results import report_views as _report_views  # noqa: F401
from participation.surveys.results import views as _results_views  # noqa: F401
from participation.surveys.services import seal_due
from participation.surveys.staff import views as _staff_views  # noqa: F401
from participation.surveys.views import bp, home_section
from participation.surveys.weighting import views as _weighting_views  # noqa: F401


def init_app(app: Flask) -> None:
    """Register the blueprint, privacy parts, demo data, template policies, home section, project panel.

    Every registry is keyed by name, so a second app registers the same entries again, not twice.
    """
    app.register_blueprint(bp)
    # Anonymous and code responses are written in shuffled batches of this many (answering/batches.py).
    # The test suite looks at single responses right after submitting them; its batching tests set 11.
    app.config.setdefault("SURVEY_BATCH_SIZE", 1 if app.testing else BATCH_SIZE)
    register_exporter("surveys", export_surveys)
    register_eraser("surveys", erase_surveys)
    register_demo_seeder("surveys", seed_surveys)
    register_template_policies(TEMPLATE_POLICIES)
    register_home_section("surveys", "surveys/_home_section.html", home_section)
    # The project page lists linked surveys before the wiki pages and the discussion.
    register_project_panel("surveys", "surveys/_project_panel.html", survey_panel, order=30)
    track_page_rows(Survey, lambda survey: survey.project_id)
    structure_cache.track()
    search_source.register()
    app.cli.add_command(_cli_group())


def _cli_group() -> AppGroup:
    """`flask surveys seal`: housekeeping for surveys that ended by the clock and nobody wrote to since."""
    group = AppGroup("surveys", help="Umfragen: geschlossene Umfragen versiegeln.")

    @group.command("seal")
    def seal_command() -> None:
        """Rewrite marks, codes, responses and answers of closed surveys in random order (once per survey)."""
        sealed = seal_due()
        db.session.commit()
        click.echo(f"{sealed} Umfrage(n) versiegelt.")

    return group
