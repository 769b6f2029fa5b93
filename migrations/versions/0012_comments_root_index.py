"""Comments: an index on (root_id, id), so a thread's replies are counted without reading them.

The project page says how many replies of a long thread are not shown ("N weitere Antworten
anzeigen", discussions/thread.py); counting them by root_id through this index costs a range of
index entries instead of a scan of the comments table.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 09:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_comments_root_id", "comments", ["root_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_comments_root_id", table_name="comments")
