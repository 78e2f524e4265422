"""org: numbers that exist elsewhere are no longer an oracle (issue 12.8): a student number is unique
within a school (checked in webapp/org/operations.py), an ID number may stand on two people of
different areas until the county reconciles them, and an account's phone taken elsewhere is held

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 10:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_student_student_no'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_student_id_number'), type_='unique')
        batch_op.create_index(batch_op.f('ix_student_student_no'), ['student_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_student_id_number'), ['id_number'], unique=False)
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_staff_id_number'), type_='unique')
        batch_op.create_index(batch_op.f('ix_staff_id_number'), ['id_number'], unique=False)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_phone', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_held_phone'), ['held_phone'], unique=False)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_held_phone'))
        batch_op.drop_column('held_phone')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_id_number'))
        batch_op.create_unique_constraint(batch_op.f('uq_staff_id_number'), ['id_number'])
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_id_number'))
        batch_op.drop_index(batch_op.f('ix_student_student_no'))
        batch_op.create_unique_constraint(batch_op.f('uq_student_id_number'), ['id_number'])
        batch_op.create_unique_constraint(batch_op.f('uq_student_student_no'), ['student_no'])
