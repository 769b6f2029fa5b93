"""The moderation desk: one queue, decisions with stated reasons, appeals, sanctions, transparency."""

_registered = False


def init_app(app) -> None:
    """Register the blueprint, hooks into discussions, notification kinds, template policies, demo data."""
    global _registered
    from participation.core import settings  # noqa: F401  (site_settings table known to the metadata)
    from participation.moderation import (
        log_views,  # noqa: F401  (its routes register on bp)
        models,  # noqa: F401  (tables known to the metadata)
    )
    from participation.moderation.views import bp

    app.register_blueprint(bp)
    _register_cli(app)
    if _registered:
        # Module-level registries: a second app (tests) must not register everything twice.
        return
    _registered = True
    from participation.core.demo import register_demo_seeder
    from participation.core.privacy import register_exporter
    from participation.core.settings import register_hook
    from participation.core.templating import register_template_policies
    from participation.moderation import appeals, demo, in_place, policy, privacy, services
    from participation.notifications.services import register_kind

    register_hook("comment.held", services.on_comment_held)
    register_hook("comment.reported", services.on_comment_reported)
    register_hook("comment.moderated", in_place.on_comment_moderated)
    register_hook("comment.moderation_reasons", in_place.reason_choices)
    for kind, text in {**services.KINDS, **appeals.KINDS}.items():
        register_kind(kind, text)
    register_template_policies(policy.TEMPLATE_POLICIES)
    register_exporter("moderation", privacy.export_moderation)
    register_demo_seeder("moderation", demo.seed_moderation)


def _register_cli(app) -> None:
    import click
    from flask.cli import AppGroup

    group = AppGroup("moderation", help="Moderation: Sperren nach Ablauf aufheben.")

    @group.command("lift-blocks")
    def lift_blocks() -> None:
        """Housekeeping: clear ended blocks (they stop applying at their end anyway)."""
        from participation.extensions import db
        from participation.moderation.sanctions import lift_expired_blocks

        count = lift_expired_blocks()
        db.session.commit()
        click.echo(f"{count} Sperre(n) aufgehoben.")

    app.cli.add_command(group)
