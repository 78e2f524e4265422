"""health: a partial index of the day's abnormal checks (the leaders' lists of abnormal people)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

ABNORMAL = "fever OR other_symptoms OR absence_reason = 'illness'"


def upgrade():
    with op.batch_alter_table('health_check', schema=None) as batch_op:
        batch_op.create_index('ix_health_check_abnormal', ['date', 'unit_id'], unique=False,
                              postgresql_where=sa.text(ABNORMAL), sqlite_where=sa.text(ABNORMAL))


def downgrade():
    with op.batch_alter_table('health_check', schema=None) as batch_op:
        batch_op.drop_index('ix_health_check_abnormal', postgresql_where=sa.text(ABNORMAL),
                            sqlite_where=sa.text(ABNORMAL))
