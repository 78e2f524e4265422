"""org: responsibility links keep their history (valid_from / valid_to), for the trace-back (倒查)

A link that is removed is closed instead of deleted, so the chain as it stood on any day can be
read back. Existing links are valid from when they were made. The pair's unique constraint goes:
a closed link and a new open one of the same pair live side by side (and the constraint never
held in SQL anyway: its NULL columns are distinct).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 13:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responsibility') as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('valid_to', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('ended_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_responsibility_ended_by_id_user_account', 'user_account',
                                    ['ended_by_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_responsibility_valid_to'), ['valid_to'], unique=False)
        batch_op.drop_constraint('uq_responsibility_pair', type_='unique')
    op.execute("UPDATE responsibility SET valid_from = created_at")
    with op.batch_alter_table('responsibility') as batch_op:
        batch_op.alter_column('valid_from', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    op.execute("DELETE FROM responsibility WHERE valid_to IS NOT NULL")
    with op.batch_alter_table('responsibility') as batch_op:
        batch_op.create_unique_constraint('uq_responsibility_pair',
                                          ['staff_id', 'unit_id', 'student_id', 'colleague_id'])
        batch_op.drop_index(batch_op.f('ix_responsibility_valid_to'))
        batch_op.drop_constraint('fk_responsibility_ended_by_id_user_account', type_='foreignkey')
        batch_op.drop_column('ended_by_id')
        batch_op.drop_column('valid_to')
        batch_op.drop_column('valid_from')
