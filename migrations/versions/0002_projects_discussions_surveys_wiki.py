"""Projects, threaded discussions, e-surveys, the moderated wiki and notifications.

Read by hand: surveys store one typed answer row per response x question x option;
survey_responses and survey_participations are WITHOUT ROWID on SQLite (no insertion order);
the wiki page -> approved revision key is added after both tables exist.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 19:38:35.275667

"""
from alembic import op
import sqlalchemy as sa

import participation.core.types


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notifications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('read_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('projects',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.String(length=400), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('district', sa.String(length=80), nullable=True),
    sa.Column('location_text', sa.String(length=200), nullable=True),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('department', sa.String(length=160), nullable=True),
    sa.Column('contact', sa.String(length=300), nullable=True),
    sa.Column('discussion_open', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("phase IN ('information', 'participation', 'evaluation', 'implementation', 'completed')", name=op.f('ck_projects_known_phase')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_projects_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('slug', name=op.f('uq_projects_slug'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_phase'), ['phase'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('root_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('upvotes', sa.Integer(), nullable=False),
    sa.Column('downvotes', sa.Integer(), nullable=False),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('edited_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('deleted_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('hidden_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('hidden_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.CheckConstraint("status IN ('published', 'pending', 'hidden', 'removed', 'deleted')", name=op.f('ck_comments_known_status')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_comments_hidden_by_id_users')),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_comments_project_id_projects')),
    sa.ForeignKeyConstraint(['root_id'], ['comments.id'], name=op.f('fk_comments_root_id_comments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_comments_project_parent_id', ['project_id', 'parent_id', 'id'], unique=False)
        batch_op.create_index('ix_comments_project_parent_score', ['project_id', 'parent_id', 'score', 'id'], unique=False)

    op.create_table('project_phases',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.CheckConstraint("phase IN ('information', 'participation', 'evaluation', 'implementation', 'completed')", name=op.f('ck_project_phases_known_phase')),
    sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on', name=op.f('ck_project_phases_dates_in_order')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_phases_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_phases')),
    sa.UniqueConstraint('project_id', 'phase', name=op.f('uq_project_phases_project_id_phase'))
    )
    op.create_table('surveys',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('privacy_notice', sa.Text(), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('access', sa.String(length=10), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('allow_changes', sa.Boolean(), nullable=False),
    sa.Column('results_published', sa.Boolean(), nullable=False),
    sa.Column('starts_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('ends_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('published_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('closed_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('next_question_number', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("access IN ('account', 'code', 'open')", name=op.f('ck_surveys_known_access')),
    sa.CheckConstraint('ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at', name=op.f('ck_surveys_dates_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_surveys_created_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_surveys_project_id_projects'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveys_project_id'), ['project_id'], unique=False)

    op.create_table('wiki_pages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=True),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('approved_revision_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_wiki_pages_created_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_wiki_pages_project_id_projects'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wiki_pages')),
    sa.UniqueConstraint('slug', name=op.f('uq_wiki_pages_slug'))
    )
    with op.batch_alter_table('wiki_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wiki_pages_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_wiki_pages_title'), ['title'], unique=False)

    op.create_table('comment_reports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('comment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reporter_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=True),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('resolution', sa.String(length=500), nullable=True),
    sa.CheckConstraint("reason IN ('spam', 'abuse', 'off_topic', 'personal_data', 'unlawful', 'other')", name=op.f('ck_comment_reports_known_reason')),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_reports_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_comment_reports_reporter_id_users')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_comment_reports_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_reports')),
    sa.UniqueConstraint('comment_id', 'reporter_id', name=op.f('uq_comment_reports_comment_id_reporter_id'))
    )
    with op.batch_alter_table('comment_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_reports_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index('ix_comment_reports_open', ['resolved_at', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_reports_reporter_id'), ['reporter_id'], unique=False)

    op.create_table('comment_revisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('comment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('written_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('replaced_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('editor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_revisions_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_comment_revisions_editor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_revisions'))
    )
    with op.batch_alter_table('comment_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_revisions_comment_id'), ['comment_id'], unique=False)

    op.create_table('comment_votes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('comment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('value IN (-1, 1)', name=op.f('ck_comment_votes_plus_or_minus_one')),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_votes_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_comment_votes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_votes')),
    sa.UniqueConstraint('comment_id', 'user_id', name=op.f('uq_comment_votes_comment_id_user_id'))
    )
    with op.batch_alter_table('comment_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_votes_user_id'), ['user_id'], unique=False)

    op.create_table('survey_codes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('survey_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('used_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_codes_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_survey_codes_code_hash'))
    )
    with op.batch_alter_table('survey_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_codes_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_drafts',
    sa.Column('survey_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('saved_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_drafts_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'user_id', name=op.f('pk_survey_drafts'))
    )
    op.create_table('survey_pages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('survey_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('condition_mode', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_pages_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_pages'))
    )
    with op.batch_alter_table('survey_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_pages_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_participations',
    sa.Column('survey_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_participations_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_participations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'user_id', name=op.f('pk_survey_participations')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('survey_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('channel', sa.String(length=14), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.CheckConstraint("channel IN ('online', 'telefon', 'buergerbuero', 'papier')", name=op.f('ck_survey_responses_known_channel')),
    sa.CheckConstraint("via IN ('account', 'code', 'open', 'assisted')", name=op.f('ck_survey_responses_known_via')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_responses_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_responses_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('survey_id', 'user_id', name=op.f('uq_survey_responses_survey_id_user_id')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_survey_id'), ['survey_id'], unique=False)

    op.create_table('wiki_revisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('page_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('base_revision_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('decision_reason', sa.String(length=1000), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'approved', 'rejected', 'withdrawn', 'outdated')", name=op.f('ck_wiki_revisions_known_state')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_wiki_revisions_author_id_users')),
    sa.ForeignKeyConstraint(['base_revision_id'], ['wiki_revisions.id'], name=op.f('fk_wiki_revisions_base_revision_id_wiki_revisions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_wiki_revisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['page_id'], ['wiki_pages.id'], name=op.f('fk_wiki_revisions_page_id_wiki_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wiki_revisions'))
    )
    with op.batch_alter_table('wiki_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wiki_revisions_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_wiki_revisions_page_state', ['page_id', 'state'], unique=False)
        batch_op.create_index('ix_wiki_revisions_state_created', ['state', 'created_at'], unique=False)

    # wiki_pages and wiki_revisions point at each other: the page -> approved revision key is
    # added once both tables exist (PostgreSQL skips use_alter keys inside CREATE TABLE).
    with op.batch_alter_table('wiki_pages', schema=None) as batch_op:
        batch_op.create_foreign_key(
            'fk_wiki_pages_approved_revision_id', 'wiki_revisions', ['approved_revision_id'], ['id'], ondelete='SET NULL'
        )

    op.create_table('survey_questions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('survey_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('page_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('qtype', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('help_text', sa.Text(), nullable=False),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('condition_mode', sa.String(length=3), nullable=False),
    sa.Column('next_option_number', sa.Integer(), nullable=False),
    sa.CheckConstraint("condition_mode IN ('all', 'any')", name=op.f('ck_survey_questions_known_mode')),
    sa.ForeignKeyConstraint(['page_id'], ['survey_pages.id'], name=op.f('fk_survey_questions_page_id_survey_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_questions_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
    sa.UniqueConstraint('survey_id', 'code', name=op.f('uq_survey_questions_survey_id_code'))
    )
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_questions_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_questions_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_options',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('question_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=6), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('is_other', sa.Boolean(), nullable=False),
    sa.Column('exclusive', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('choice', 'row')", name=op.f('ck_survey_options_known_kind')),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_options_question_id_survey_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_options')),
    sa.UniqueConstraint('question_id', 'code', name=op.f('uq_survey_options_question_id_code'))
    )
    with op.batch_alter_table('survey_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_options_question_id'), ['question_id'], unique=False)

    op.create_table('survey_answers',
    # Random ids (see Answer.id): no sequence.
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('option_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('row_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('value_number', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('value_text', sa.Text(), nullable=True),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('dont_know', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['survey_options.id'], name=op.f('fk_survey_answers_option_id_survey_options'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_answers_question_id_survey_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_answers_response_id_survey_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['row_id'], ['survey_options.id'], name=op.f('fk_survey_answers_row_id_survey_options'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_question_option', ['question_id', 'option_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answers_response_id'), ['response_id'], unique=False)

    op.create_table('survey_conditions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('question_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('page_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('operator', sa.String(length=14), nullable=False),
    sa.Column('option_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('value', sa.String(length=100), nullable=True),
    sa.CheckConstraint("operator IN ('eq', 'ne', 'contains', 'answered', 'not_answered', 'lt', 'le', 'gt', 'ge')", name=op.f('ck_survey_conditions_known_operator')),
    sa.CheckConstraint('(question_id IS NULL) <> (page_id IS NULL)', name=op.f('ck_survey_conditions_one_target')),
    sa.ForeignKeyConstraint(['option_id'], ['survey_options.id'], name=op.f('fk_survey_conditions_option_id_survey_options'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['page_id'], ['survey_pages.id'], name=op.f('fk_survey_conditions_page_id_survey_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_conditions_question_id_survey_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['survey_questions.id'], name=op.f('fk_survey_conditions_source_id_survey_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_conditions'))
    )
    with op.batch_alter_table('survey_conditions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_conditions_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_conditions_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_conditions_source_id'), ['source_id'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_conditions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_conditions_source_id'))
        batch_op.drop_index(batch_op.f('ix_survey_conditions_question_id'))
        batch_op.drop_index(batch_op.f('ix_survey_conditions_page_id'))

    op.drop_table('survey_conditions')
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answers_response_id'))
        batch_op.drop_index('ix_survey_answers_question_option')

    op.drop_table('survey_answers')
    with op.batch_alter_table('survey_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_options_question_id'))

    op.drop_table('survey_options')
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_questions_survey_id'))
        batch_op.drop_index(batch_op.f('ix_survey_questions_page_id'))

    op.drop_table('survey_questions')
    with op.batch_alter_table('wiki_pages', schema=None) as batch_op:
        batch_op.drop_constraint('fk_wiki_pages_approved_revision_id', type_='foreignkey')

    with op.batch_alter_table('wiki_revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_wiki_revisions_state_created')
        batch_op.drop_index('ix_wiki_revisions_page_state')
        batch_op.drop_index(batch_op.f('ix_wiki_revisions_author_id'))

    op.drop_table('wiki_revisions')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_survey_id'))

    op.drop_table('survey_responses')
    op.drop_table('survey_participations')
    with op.batch_alter_table('survey_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_pages_survey_id'))

    op.drop_table('survey_pages')
    op.drop_table('survey_drafts')
    with op.batch_alter_table('survey_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_codes_survey_id'))

    op.drop_table('survey_codes')
    with op.batch_alter_table('comment_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_votes_user_id'))

    op.drop_table('comment_votes')
    with op.batch_alter_table('comment_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_revisions_comment_id'))

    op.drop_table('comment_revisions')
    with op.batch_alter_table('comment_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_reports_reporter_id'))
        batch_op.drop_index('ix_comment_reports_open')
        batch_op.drop_index(batch_op.f('ix_comment_reports_comment_id'))

    op.drop_table('comment_reports')
    with op.batch_alter_table('wiki_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wiki_pages_title'))
        batch_op.drop_index(batch_op.f('ix_wiki_pages_project_id'))

    op.drop_table('wiki_pages')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_project_id'))

    op.drop_table('surveys')
    op.drop_table('project_phases')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_project_parent_score')
        batch_op.drop_index('ix_comments_project_parent_id')
        batch_op.drop_index(batch_op.f('ix_comments_parent_id'))
        batch_op.drop_index(batch_op.f('ix_comments_author_id'))

    op.drop_table('comments')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_phase'))
        batch_op.drop_index(batch_op.f('ix_projects_district'))

    op.drop_table('projects')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')
