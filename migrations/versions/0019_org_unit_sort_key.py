"""org: unit.sort_key, the school's order as text, so that paged lists and exports sort in SQL

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 10:20:00

"""
from alembic import op
import sqlalchemy as sa

from webapp.org.ordering import encoded, path_key


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    key_type = sa.String(length=1000).with_variant(sa.String(length=1000, collation="C"), "postgresql")
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_key', key_type, nullable=False, server_default=''))
    connection = op.get_bind()
    units = connection.execute(sa.text("SELECT id, name, path FROM unit")).all()
    names = {unit_id: name for unit_id, name, _ in units}
    unit = sa.table('unit', sa.column('id', sa.Integer), sa.column('sort_key', sa.String))
    for unit_id, _, path in units:
        connection.execute(unit.update().where(unit.c.id == unit_id).values(sort_key=encoded(path_key(path, names))))
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.alter_column('sort_key', server_default=None)
        batch_op.create_index(batch_op.f('ix_unit_sort_key'), ['sort_key'], unique=False)


def downgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_sort_key'))
        batch_op.drop_column('sort_key')
