"""sync: record ids as uuid (PostgreSQL's 16-byte type; 32 hex characters on SQLite)

The record id is the primary key of the envelope and of every typed row, and those are the two
largest indexes of the database: 36 characters a key before, 16 bytes on PostgreSQL now.
Existing ids are converted in place, with the foreign keys between them taken off and put back.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 08:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# (table, column, the table and column it references, the foreign key's name), parents first.
KEYS = [
    ('sync_record', 'id', None),
    ('health_check', 'record_id', ('sync_record', 'id', 'fk_health_check_record_id_sync_record')),
    ('daily_report', 'record_id', ('sync_record', 'id', 'fk_daily_report_record_id_sync_record')),
    ('checkpoint_entry', 'id', ('sync_record', 'id', 'fk_checkpoint_entry_id_sync_record')),
    ('shift_attendance', 'id', ('sync_record', 'id', 'fk_shift_attendance_id_sync_record')),
    ('checkpoint_entry_follow_up', 'entry_id',
     ('checkpoint_entry', 'id', 'fk_checkpoint_entry_follow_up_entry_id_checkpoint_entry')),
]
# SQLite keeps 32 hex characters (SQLAlchemy's Uuid there); the dashes of the old text go.
DASHED = ("lower(substr({c}, 1, 8) || '-' || substr({c}, 9, 4) || '-' || substr({c}, 13, 4) || '-' || "
          "substr({c}, 17, 4) || '-' || substr({c}, 21, 12))")


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql('uuid', '{c}::uuid')
        return
    for table, column, _parent in KEYS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=36), type_=sa.Uuid(),
                                  existing_nullable=False)
        op.execute(f"UPDATE {table} SET {column} = lower(replace({column}, '-', ''))")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql('varchar(36)', '{c}::text')
        return
    for table, column, _parent in KEYS:
        op.execute(f"UPDATE {table} SET {column} = {DASHED.format(c=column)}")
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Uuid(), type_=sa.String(length=36),
                                  existing_nullable=False)


def _postgresql(new_type: str, using: str) -> None:
    """Take the foreign keys off, convert every key column, put the foreign keys back."""
    for table, column, parent in reversed(KEYS):
        if parent:
            op.drop_constraint(parent[2], table, type_='foreignkey')
    for table, column, _parent in KEYS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {new_type} USING {using.format(c=column)}")
    for table, column, parent in KEYS:
        if parent:
            op.create_foreign_key(parent[2], table, parent[0], [column], [parent[1]])
