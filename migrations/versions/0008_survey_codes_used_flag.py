"""Survey codes: a used flag replaces used_on (the day a code was used joined it to that day's responses).

Written by hand; existing used codes keep being used (used_on IS NOT NULL), then the day is dropped.
Downgrade cannot bring the days back and leaves used_on empty.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE survey_codes SET used = (used_on IS NOT NULL)")
    with op.batch_alter_table('survey_codes', schema=None) as batch_op:
        batch_op.drop_column('used_on')


def downgrade():
    with op.batch_alter_table('survey_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used_on', sa.Date(), nullable=True))
        batch_op.drop_column('used')
