"""county key: no foreign key on health_check.county_id and sync_record.county_id

Every pushed record writes a row of both tables; the foreign key's check locked the county's unit
row (FOR KEY SHARE) from every push of the county at once (webapp/org/county.py, HOT_ROW).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 02:05:00

"""
from alembic import op


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

TABLES = ("health_check", "sync_record")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_county_id_unit", type_="foreignkey")


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(f"fk_{table}_county_id_unit", "unit", ["county_id"], ["id"])
