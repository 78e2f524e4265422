"""health_check: no foreign key on student_id, staff_id and user_id

Every check writes a row of health_check (a county's day: 400,000); each key's check locked the
row it names (FOR KEY SHARE): every student's row twice a day, and the pushing account's row from
all of its pushes at once (webapp/health/models.py, UNREFERENCED). The push finds every person in
the same transaction; people and accounts are never deleted.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 20:20:00

"""
from alembic import op


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

KEYS = (("student_id", "student"), ("staff_id", "staff"), ("user_id", "user_account"))


def upgrade():
    with op.batch_alter_table("health_check") as batch:
        for column, table in KEYS:
            batch.drop_constraint(f"fk_health_check_{column}_{table}", type_="foreignkey")


def downgrade():
    with op.batch_alter_table("health_check") as batch:
        for column, table in KEYS:
            batch.create_foreign_key(f"fk_health_check_{column}_{table}", table, [column], ["id"])
