"""tracking: indexes for the rare signs of the health checks (fevers, illness absences) over weeks

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 13:55:00

"""
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('health_check', schema=None) as batch_op:
        batch_op.create_index('ix_health_check_fever_day', ['fever', 'date'], unique=False)
        batch_op.create_index('ix_health_check_absence_day', ['absence_reason', 'date'], unique=False)


def downgrade():
    with op.batch_alter_table('health_check', schema=None) as batch_op:
        batch_op.drop_index('ix_health_check_absence_day')
        batch_op.drop_index('ix_health_check_fever_day')
