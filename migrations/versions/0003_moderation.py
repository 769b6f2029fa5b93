"""Moderation desk: queue items, decisions, appeals, site settings, mute and pre-moderation.

Read by hand: projects.premoderation gets a server default so existing rows stay valid.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 20:02:09.710631

"""
from alembic import op
import sqlalchemy as sa

import participation.core.types


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_site_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_settings'))
    )
    op.create_table('moderation_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('auto_hidden', sa.Boolean(), nullable=False),
    sa.Column('decided_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'decided')", name=op.f('ck_moderation_items_known_status')),
    sa.CheckConstraint("target_type IN ('comment', 'wiki_revision')", name=op.f('ck_moderation_items_known_target_type')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_moderation_items_author_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_moderation_items_decided_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_moderation_items_project_id_projects'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_items')),
    sa.UniqueConstraint('target_type', 'target_id', name=op.f('uq_moderation_items_target_type_target_id'))
    )
    with op.batch_alter_table('moderation_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_items_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_moderation_items_open', ['status', 'opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_items_project_id'), ['project_id'], unique=False)

    op.create_table('moderation_decisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('subject_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('moderator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('reason_text', sa.String(length=1000), nullable=True),
    sa.Column('ends_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('seconds_to_decision', sa.Integer(), nullable=True),
    sa.CheckConstraint("action IN ('publish', 'hide', 'remove', 'restore', 'dismiss', 'reject', 'mute', 'block')", name=op.f('ck_moderation_decisions_known_action')),
    sa.ForeignKeyConstraint(['item_id'], ['moderation_items.id'], name=op.f('fk_moderation_decisions_item_id_moderation_items')),
    sa.ForeignKeyConstraint(['moderator_id'], ['users.id'], name=op.f('fk_moderation_decisions_moderator_id_users')),
    sa.ForeignKeyConstraint(['subject_id'], ['users.id'], name=op.f('fk_moderation_decisions_subject_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_decisions'))
    )
    with op.batch_alter_table('moderation_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_decisions_created', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_decisions_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_decisions_subject_id'), ['subject_id'], unique=False)

    op.create_table('moderation_appeals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('decision_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', participation.core.types.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', participation.core.types.UTCDateTime(), nullable=True),
    sa.Column('answer', sa.String(length=1000), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'upheld', 'overturned')", name=op.f('ck_moderation_appeals_known_status')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_moderation_appeals_author_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_moderation_appeals_decided_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['moderation_decisions.id'], name=op.f('fk_moderation_appeals_decision_id_moderation_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_appeals')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_moderation_appeals_decision_id'))
    )
    with op.batch_alter_table('moderation_appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_appeals_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_appeals_status'), ['status'], unique=False)

    with op.batch_alter_table('projects', schema=None) as batch_op:
        # Existing projects are not pre-moderated; the server default fills their rows.
        batch_op.add_column(sa.Column('premoderation', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('muted_until', participation.core.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('mute_reason', sa.String(length=500), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('mute_reason')
        batch_op.drop_column('muted_until')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('premoderation')

    with op.batch_alter_table('moderation_appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_appeals_status'))
        batch_op.drop_index(batch_op.f('ix_moderation_appeals_author_id'))

    op.drop_table('moderation_appeals')
    with op.batch_alter_table('moderation_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_decisions_subject_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_decisions_item_id'))
        batch_op.drop_index('ix_moderation_decisions_created')

    op.drop_table('moderation_decisions')
    with op.batch_alter_table('moderation_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_items_project_id'))
        batch_op.drop_index('ix_moderation_items_open')
        batch_op.drop_index(batch_op.f('ix_moderation_items_author_id'))

    op.drop_table('moderation_items')
    op.drop_table('site_settings')
