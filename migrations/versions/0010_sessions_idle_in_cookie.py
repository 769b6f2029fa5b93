"""Login sessions: last_seen_at goes; the idle time lives in the signed session cookie.

Written by hand. Reading a page must not write to the database, so the sliding idle timeout is no
longer stored per row. Live unremembered sessions keep their expiry; the cookie takes over the
idle check from the next request on.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 06:20:00

"""
from alembic import op
import sqlalchemy as sa

import participation.core.types


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'last_seen_at',
                participation.core.types.UTCDateTime(),
                nullable=False,
                server_default=sa.text('CURRENT_TIMESTAMP'),
            )
        )
