"""quality: "looked into" marks on data-quality flags, each with its note (kept as a history)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 13:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'quality_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('signal', sa.String(length=32), nullable=False),
        sa.Column('subject_kind', sa.String(length=16), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('quality_review') as batch_op:
        batch_op.create_index('ix_quality_review_subject', ['subject_kind', 'subject_id', 'signal'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_review_unit_id'), ['unit_id'], unique=False)


def downgrade():
    op.drop_table('quality_review')
