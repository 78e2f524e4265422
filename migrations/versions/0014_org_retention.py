"""org: the county's retention setting (the epidemic period's last day, and the days kept after it)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('county_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('epidemic_ended_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('keep_days_after_epidemic', sa.Integer(), nullable=False,
                                      server_default='180'))


def downgrade():
    with op.batch_alter_table('county_settings', schema=None) as batch_op:
        batch_op.drop_column('keep_days_after_epidemic')
        batch_op.drop_column('epidemic_ended_on')
