"""Surveys: unfinished questionnaires of participation codes, and when a draft was begun.

A person answering with a code from a letter can stop and resume with the same code: the draft is
keyed by the code's SHA-256 (the only form of the code the database knows), never by an account, and
is deleted at submission and when the survey ends. No foreign key to survey_codes: mixing rewrites code
rows while the survey is open, and a cascade would delete other people's drafts. `started_at` lets the survey's
start page say "Sie haben am … begonnen" (NULL for drafts saved before this revision).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import participation.core.types

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_code_drafts",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("survey_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("started_at", participation.core.types.UTCDateTime(), nullable=False),
        sa.Column("saved_at", participation.core.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_code_drafts_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_survey_code_drafts")),
    )
    with op.batch_alter_table("survey_code_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_code_drafts_survey_id"), ["survey_id"], unique=False)
    with op.batch_alter_table("survey_drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_at", participation.core.types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("survey_drafts", schema=None) as batch_op:
        batch_op.drop_column("started_at")
    with op.batch_alter_table("survey_code_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_code_drafts_survey_id"))
    op.drop_table("survey_code_drafts")
