"""The moderation desk: one queue, decisions with stated reasons, appeals, sanctions, transparency.

It subscribes to what discussions and the wiki announce (receivers.py) and changes their content
only through their services; neither of them imports this package.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from participation.core import settings  # noqa: F401  (site_settings table known to the metadata)
from participation.core.demo import register_demo_seeder
from participation.core.privacy import register_exporter
from participation.core.templating import register_template_policies
from participation.extensions import db
from participation.moderation import (
    appeals,
    demo,
    log_views,  # noqa: F401  (its routes register on bp)
    models,  # noqa: F401  (tables known to the metadata)
    policy,
    privacy,
    receivers,
    sanction_views,  # noqa: F401  (its routes register on bp)
    statements,
)
from participation.moderation.sanctions import lift_expired_blocks
from participation.moderation.views import bp
from participation.notifications.services import register_kind


def init_app(app: Flask) -> None:
    """Register the blueprint and CLI; subscribe to the content signals; kinds, policies, export, demo.

    Every registry is keyed by name and blinker keeps one connection per receiver, so a second app
    registers the same entries again, not twice.
    """
    app.register_blueprint(bp)
    app.cli.add_command(_cli_group())
    receivers.connect()
    for kind, text in {**statements.KINDS, **appeals.KINDS}.items():
        register_kind(kind, text)
    register_template_policies(policy.TEMPLATE_POLICIES)
    register_exporter("moderation", privacy.export_moderation)
    register_demo_seeder("moderation", demo.seed_moderation)


def _cli_group() -> AppGroup:
    """`flask moderation lift-blocks`."""
    group = AppGroup("moderation", help="Moderation: Sperren nach Ablauf aufheben.")

    @group.command("lift-blocks")
    def lift_blocks() -> None:
        """Housekeeping: clear ended blocks (they stop applying at their end anyway)."""
        count = lift_expired_blocks()
        db.session.commit()
        click.echo(f"{count} Sperre(n) aufgehoben.")

    return group
