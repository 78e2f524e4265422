"""health: effective_at on checks and daily reports (ranks the current value, judges lateness)

The phone's clock (recorded_at) is kept as it came; effective_at is that time, never later than
the server's receive time. Rows stored before this migration get min(recorded_at, received_at).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 08:35:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TABLES = ('health_check', 'daily_report')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('effective_at', sa.DateTime(), nullable=True))
        op.execute(f"UPDATE {table} SET effective_at = "
                   "CASE WHEN received_at < recorded_at THEN received_at ELSE recorded_at END")
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column('effective_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('effective_at')
