"""health_check: no foreign key on record_id (its envelope)

The key's check locked the envelope the push had just inserted, one more WAL record for every
check; the push writes a check only with the envelope it inserted in the same savepoint
(webapp/health/models.py, UNREFERENCED). Measured on the bench's county day: ~9 µs a check.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 20:05:00

"""
from alembic import op


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

NAME = "fk_health_check_record_id_sync_record"


def upgrade():
    with op.batch_alter_table("health_check") as batch:
        batch.drop_constraint(NAME, type_="foreignkey")


def downgrade():
    with op.batch_alter_table("health_check") as batch:
        batch.create_foreign_key(NAME, "sync_record", ["record_id"], ["id"])
