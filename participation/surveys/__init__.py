"""E-surveys: builder, answering by account/code/open, assisted entry, typed answer rows."""


def init_app(app) -> None:
    """Register the blueprint, privacy parts, demo data, template policies and the start-page section."""
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
    register_home_section("surveys/_home_section.html", home_section)
