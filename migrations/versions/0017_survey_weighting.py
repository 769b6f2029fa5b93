"""Surveys: weighting to the reference population (#17 item 3): settings, mapped questions and options.

A survey's settings (switch, warning threshold, minimum cases, trimming bounds); which single-choice
question stands for which dimension (district, age band, gender); each option's population group by
label. Everything goes with its survey, question or option (ON DELETE CASCADE).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 15:17:55.938294

"""

import sqlalchemy as sa
from alembic import op

import participation.core.types

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_weighting_settings",
        sa.Column("survey_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("threshold_pp", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("min_cases", sa.Integer(), nullable=False),
        sa.Column("trim_lower", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("trim_upper", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("updated_at", participation.core.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_weighting_settings_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_survey_weighting_settings")),
    )
    op.create_table(
        "survey_weighting_questions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("survey_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("question_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_questions.id"],
            name=op.f("fk_survey_weighting_questions_question_id_survey_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_weighting_questions_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_weighting_questions")),
        sa.UniqueConstraint("question_id", name=op.f("uq_survey_weighting_questions_question_id")),
        sa.UniqueConstraint(
            "survey_id", "dimension", name=op.f("uq_survey_weighting_questions_survey_id_dimension")
        ),
    )
    op.create_table(
        "survey_weighting_options",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("mapped_question_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("option_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["mapped_question_id"],
            ["survey_weighting_questions.id"],
            name=op.f("fk_survey_weighting_options_mapped_question_id_survey_weighting_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["survey_options.id"],
            name=op.f("fk_survey_weighting_options_option_id_survey_options"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_weighting_options")),
        sa.UniqueConstraint("option_id", name=op.f("uq_survey_weighting_options_option_id")),
    )
    with op.batch_alter_table("survey_weighting_options", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_weighting_options_mapped_question_id"), ["mapped_question_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("survey_weighting_options", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_weighting_options_mapped_question_id"))

    op.drop_table("survey_weighting_options")
    op.drop_table("survey_weighting_questions")
    op.drop_table("survey_weighting_settings")
