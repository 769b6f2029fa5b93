"""API: planner tokens (#16 item 2): a person's named tokens, stored as sha256 of the secret.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 13:20:00

"""

import sqlalchemy as sa
from alembic import op

import participation.core.types

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("survey_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", participation.core.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", participation.core.types.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", participation.core.types.UTCDateTime(), nullable=True),
        sa.Column("last_used_at", participation.core.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))
    op.drop_table("api_tokens")
