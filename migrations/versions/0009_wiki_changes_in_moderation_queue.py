"""Pending wiki changes get their moderation queue item (data only, no schema change).

Written by hand. Until now a pending wiki change entered the moderation queue only when someone
opened the queue page; from now on it enters when it is proposed. Pending changes proposed before
this revision and never seen by the queue get their open item here (opened when they were
proposed), and open items of changes that stopped waiting meanwhile are closed. Plain INSERT ...
SELECT and UPDATE over both tables: the same on SQLite and PostgreSQL.
Downgrade leaves the items alone: the old code would have created the same rows.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 05:30:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

items = sa.table(
    "moderation_items",
    sa.column("id", sa.BigInteger()),
    sa.column("target_type", sa.String()),
    sa.column("target_id", sa.BigInteger()),
    sa.column("project_id", sa.BigInteger()),
    sa.column("author_id", sa.BigInteger()),
    sa.column("status", sa.String()),
    sa.column("opened_at", sa.DateTime()),
    sa.column("created_at", sa.DateTime()),
    sa.column("auto_hidden", sa.Boolean()),
    sa.column("decided_at", sa.DateTime()),
    sa.column("version", sa.Integer()),
)
revisions = sa.table(
    "wiki_revisions",
    sa.column("id", sa.BigInteger()),
    sa.column("author_id", sa.BigInteger()),
    sa.column("state", sa.String()),
    sa.column("created_at", sa.DateTime()),
)


def upgrade():
    known = sa.select(items.c.id).where(
        items.c.target_type == "wiki_revision", items.c.target_id == revisions.c.id
    )
    missing = sa.select(
        sa.literal("wiki_revision"),
        revisions.c.id,
        sa.null(),
        revisions.c.author_id,
        sa.literal("open"),
        revisions.c.created_at,
        revisions.c.created_at,
        sa.false(),
        sa.literal(1),
    ).where(revisions.c.state == "pending", ~sa.exists(known))
    op.execute(
        items.insert().from_select(
            [
                "target_type",
                "target_id",
                "project_id",
                "author_id",
                "status",
                "opened_at",
                "created_at",
                "auto_hidden",
                "version",
            ],
            missing,
        )
    )
    # Withdrawn, outdated or decided on the wiki's review page meanwhile: no longer waiting.
    settled = sa.select(revisions.c.id).where(revisions.c.state != "pending")
    op.execute(
        items.update()
        .where(
            items.c.target_type == "wiki_revision",
            items.c.status == "open",
            items.c.target_id.in_(settled),
        )
        .values(
            status="decided",
            version=items.c.version + 1,
            decided_at=datetime.now(UTC).replace(tzinfo=None),
        )
    )


def downgrade():
    pass
