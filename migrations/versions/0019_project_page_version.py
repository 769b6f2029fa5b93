"""Projects: a page version, raised by every change to what the project page shows (#15: reads under load).

Anonymous visitors get a cached copy of the project page keyed by this version (see
participation/projects/page_cache.py): one column on the row the page loads anyway, so every app
server sees a change at once without another query.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 18:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("page_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("page_version")
