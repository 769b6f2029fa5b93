"""E-surveys: builder, answering by account/code/open, assisted entry, typed answer rows."""


def init_app(app) -> None:
    """Register the blueprint, privacy parts, demo data, template policies, home section, project panel."""
    from participation.core.demo import register_demo_seeder
    from participation.core.privacy import register_eraser, register_exporter
    from participation.core.templating import register_template_policies
    from participation.core.views import register_home_section
    from participation.surveys import (  # noqa: F401  (routes register on bp)
        builder_views,
        export_views,
        public_views,
        question_views,
        results_views,
        staff_views,
    )
    from participation.surveys.demo import seed_surveys
    from participation.surveys.policy import TEMPLATE_POLICIES
    from participation.surveys.privacy import erase_surveys, export_surveys
    from participation.surveys.views import bp, home_section

    app.register_blueprint(bp)
    register_exporter("surveys", export_surveys)
    register_eraser("surveys", erase_surveys)
    register_demo_seeder("surveys", seed_surveys)
    register_template_policies(TEMPLATE_POLICIES)
    register_home_section("surveys", "surveys/_home_section.html", home_section)
    _register_project_panel()
    _register_cli(app)


def _register_cli(app) -> None:
    """`flask surveys seal`: housekeeping for surveys that closed by the clock and nobody opened since."""
    import click
    from flask.cli import AppGroup

    from participation.extensions import db
    from participation.surveys.sealing import seal_due

    group = AppGroup("surveys", help="Umfragen: geschlossene Umfragen versiegeln.")

    @group.command("seal")
    def seal_command() -> None:
        """Rewrite marks, codes, responses and answers of closed surveys in random order (once per survey)."""
        sealed = seal_due()
        db.session.commit()
        click.echo(f"{sealed} Umfrage(n) versiegelt.")

    app.cli.add_command(group)


def _register_project_panel() -> None:
    """List a project's linked surveys on its page (before the wiki pages and the discussion)."""
    from participation.projects import register_project_panel
    from participation.surveys.project_panel import survey_panel

    register_project_panel("surveys", "surveys/_project_panel.html", survey_panel, order=30)
