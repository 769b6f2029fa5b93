"""Surveys: anonymous and code responses wait, sealed, for their shuffled batch (#15 item 1).

A response that must not be linked to its author is no longer written to survey_responses by the
transaction that submits it (its stamp would say when it came in), nor mixed with ten neighbours row by
row (some 200 statements per submission). It waits in survey_waiting_responses, encrypted with the
application's key and padded to one size per survey, until a batch of eleven is written in random order
(surveys/answering/batches.py). Only the survey is in clear; no time, no rowid on SQLite.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 12:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_waiting_responses",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("survey_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_waiting_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_waiting_responses")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("survey_waiting_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_waiting_responses_survey_id"), ["survey_id"], unique=False
        )


def downgrade():
    # Dropping waiting responses would lose acknowledged answers, and only the app can open them.
    waiting = op.get_bind().execute(sa.text("SELECT count(*) FROM survey_waiting_responses")).scalar()
    if waiting:
        raise RuntimeError(
            f"{waiting} responses still wait for their batch: close and seal their surveys first "
            "(flask surveys seal)."
        )
    with op.batch_alter_table("survey_waiting_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_waiting_responses_survey_id"))
    op.drop_table("survey_waiting_responses")
