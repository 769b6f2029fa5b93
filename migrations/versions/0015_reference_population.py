"""Analytics: the reference population, versions of official figures with their cells (#17 item 2).

A version keeps its source and reference date; one is marked current. Cells hold the count per
district, age band and gender (NULL where the file does not carry the dimension).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 12:53:41.516612

"""

import sqlalchemy as sa
from alembic import op

import participation.core.types

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "population_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("dimensions", sa.String(length=60), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("created_at", participation.core.types.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_population_versions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_versions")),
    )
    with op.batch_alter_table("population_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_population_versions_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_population_versions_is_current"), ["is_current"], unique=False)

    op.create_table(
        "population_cells",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("district", sa.String(length=80), nullable=True),
        sa.Column("age_band", sa.String(length=80), nullable=True),
        sa.Column("gender", sa.String(length=80), nullable=True),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["population_versions.id"],
            name=op.f("fk_population_cells_version_id_population_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_cells")),
        sa.UniqueConstraint(
            "version_id",
            "district",
            "age_band",
            "gender",
            name=op.f("uq_population_cells_version_id_district_age_band_gender"),
        ),
    )
    with op.batch_alter_table("population_cells", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_population_cells_version_id"), ["version_id"], unique=False)


def downgrade():
    with op.batch_alter_table("population_cells", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_population_cells_version_id"))

    op.drop_table("population_cells")
    with op.batch_alter_table("population_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_population_versions_is_current"))
        batch_op.drop_index(batch_op.f("ix_population_versions_created_by_id"))

    op.drop_table("population_versions")
