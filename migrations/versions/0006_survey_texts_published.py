"""Surveys: texts_published, whether free-text answers appear in the public results.

Written by hand; existing surveys keep their free texts out of the public results (server default false).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 22:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('texts_published', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('texts_published')
