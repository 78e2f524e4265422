"""the push's tables: no index that no query reads

sync_record is read by id only: its indexes on the account and on (kind, received_at) were written
by every pushed record and read by nothing. Tracking's signs over weeks (fevers, illness absences)
read the partial index ix_health_check_abnormal (they name its predicate) instead of two indexes
of their own on every check, (fever, date) and (absence_reason, date). Measured on the bench's
county day: the envelope insert 17.5 -> 14.8 µs a record, the check insert 29.6 -> 27.2 µs, WAL -19 %.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 19:55:00

"""
from alembic import op


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

INDEXES = (("sync_record", "ix_sync_record_user_id", ["user_id"]),
           ("sync_record", "ix_sync_record_kind_received_at", ["kind", "received_at"]),
           ("health_check", "ix_health_check_fever_day", ["fever", "date"]),
           ("health_check", "ix_health_check_absence_day", ["absence_reason", "date"]))


def upgrade():
    for table, name, _columns in INDEXES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(name)


def downgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table) as batch:
            batch.create_index(name, columns, unique=False)
