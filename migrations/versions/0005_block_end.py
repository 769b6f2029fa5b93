"""Blocks with an end: users.blocked_until, so an ended block stops applying without a cron job.

Read by hand: blocks made by the moderation desk before this revision get their end from the
block decision taken with them (the newest block decision since the account was blocked).
Admin blocks without a decision stay open-ended (NULL), as before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import participation.core.types


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocked_until', participation.core.types.UTCDateTime(), nullable=True))

    op.execute(
        """
        UPDATE users SET blocked_until = (
            SELECT MAX(d.ends_at) FROM moderation_decisions d
            WHERE d.subject_id = users.id AND d.action = 'block' AND d.created_at >= users.blocked_at
        )
        WHERE blocked_at IS NOT NULL
        """
    )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('blocked_until')
