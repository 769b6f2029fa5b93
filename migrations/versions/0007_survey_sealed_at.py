"""Surveys: sealed_at, when participation marks and used codes were rewritten after closing.

Written by hand; existing closed surveys are sealed by the next `flask surveys seal` or the next look at their
results (NULL means "not yet").

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 00:45:00

"""
from alembic import op
import sqlalchemy as sa

import participation.core.types


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_at', participation.core.types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('sealed_at')
