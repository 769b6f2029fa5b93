"""Survey indexes for results and exports at scale.

Written by hand. survey_answers: (response_id, question_id) replaces (response_id); it still serves the
foreign key (its prefix) and turns the results' per-response "answered question X" probes into one
index seek each. survey_responses: (survey_id, id) replaces (survey_id), so exports page through a
survey's responses by id with one index range per batch.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 21:55:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_response_question', ['response_id', 'question_id'], unique=False)
        batch_op.drop_index('ix_survey_answers_response_id')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_survey_id_id', ['survey_id', 'id'], unique=False)
        batch_op.drop_index('ix_survey_responses_survey_id')


def downgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_survey_id', ['survey_id'], unique=False)
        batch_op.drop_index('ix_survey_responses_survey_id_id')
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_response_id', ['response_id'], unique=False)
        batch_op.drop_index('ix_survey_answers_response_question')
