"""Surveys: a structure version, raised by every change to a page, question, option or condition (#15).

Each worker keeps a published survey's pages, questions, options and conditions between requests
under this version (participation/surveys/structure_cache.py): one column on the row the answering
pages load anyway, so every app server sees a change at once without another query.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 21:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("surveys") as batch:
        batch.add_column(sa.Column("structure_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("surveys") as batch:
        batch.drop_column("structure_version")
