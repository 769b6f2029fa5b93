"""Surveys: an index on responses by day, survey and channel for the participation overview (#17 item 4).

The overview groups a period's responses by day, survey and channel; with this index the database
reads the period's range from the index instead of sorting every response of every survey.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 16:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_survey_responses_day", "survey_responses", ["submitted_on", "survey_id", "channel"], unique=False
    )


def downgrade():
    op.drop_index("ix_survey_responses_day", table_name="survey_responses")
