"""notices: notices sent down the hierarchy, and the homeroom teachers' confirmations (a synced record kind)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('letter', 'guide', 'policy', name='noticekind', native_enum=False, length=16),
                  nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('ask_parents', sa.Boolean(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_notice_published_by_id_user_account')),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_notice_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    )
    with op.batch_alter_table('notice') as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_unit_id'), ['unit_id'], unique=False)
    op.create_table(
        'notice_confirmation',
        sa.Column('record_id', sa.Uuid(as_uuid=False), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=False),
        sa.Column('class_id', sa.Integer(), nullable=False),
        sa.Column('parents_acknowledged', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('device_id', sa.String(length=64), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['class_id'], ['unit.id'], name=op.f('fk_notice_confirmation_class_id_unit')),
        sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_notice_confirmation_notice_id_notice')),
        sa.ForeignKeyConstraint(['record_id'], ['sync_record.id'],
                                name=op.f('fk_notice_confirmation_record_id_sync_record')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notice_confirmation_user_id_user_account')),
        sa.PrimaryKeyConstraint('record_id', name=op.f('pk_notice_confirmation')),
    )
    with op.batch_alter_table('notice_confirmation') as batch_op:
        batch_op.create_index('ix_notice_confirmation_notice_class', ['notice_id', 'class_id'], unique=False)


def downgrade():
    op.drop_table('notice_confirmation')
    op.drop_table('notice')
