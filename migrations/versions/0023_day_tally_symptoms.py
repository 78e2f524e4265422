"""health: day_tally counts the people with other symptoms but no fever too, so that the leaders'
abnormal counts (fever, symptoms, illness) are read from the day tallies, not ranked from the checks

The day tallies are computed again from the checks already stored, by the rule of 0020 (a person's
day under the unit of the current check of the day's last session; flagged when any session's
current check is).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 14:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

COUNTS = ('checked', 'absent', 'fever', 'illness', 'abnormal', 'symptoms')
PERSON_DAY = "PARTITION BY c.student_id, c.staff_id, c.date"
FLAGS = {"absent": "NOT c.present", "fever": "c.fever", "illness": "c.absence_reason = 'illness'",
         "abnormal": "c.fever OR c.other_symptoms OR c.absence_reason = 'illness'",
         "symptoms": "c.other_symptoms AND NOT c.fever"}


def upgrade():
    with op.batch_alter_table('day_tally') as batch:
        batch.add_column(sa.Column('symptoms', sa.Integer(), nullable=False, server_default='0'))
    postgres = op.get_bind().dialect.name == 'postgresql'
    county = ("CAST(split_part(u.path, '/', 2) AS INTEGER)" if postgres
              else "CAST(substr(u.path, 2, instr(substr(u.path, 2), '/') - 1) AS INTEGER)")
    staff = "(h.staff_id IS NOT NULL)" if postgres else "(CASE WHEN h.staff_id IS NULL THEN 0 ELSE 1 END)"
    flags = ", ".join(f"max(CASE WHEN {condition} THEN 1 ELSE 0 END) OVER ({PERSON_DAY}) AS {name}"
                      for name, condition in FLAGS.items())
    op.execute("DELETE FROM day_tally")
    op.execute(f"""
        INSERT INTO day_tally (unit_id, date, staff, county_id, {', '.join(COUNTS)})
        SELECT d.unit_id, d.date, d.staff, {county}, count(*), {', '.join(f'sum(d.{n})' for n in FLAGS)}
        FROM (SELECT c.unit_id, c.date, c.staff, {flags},
                     row_number() OVER ({PERSON_DAY} ORDER BY c.session DESC) AS last
              FROM (SELECT h.*, {staff} AS staff, row_number() OVER (
                        PARTITION BY h.student_id, h.staff_id, h.date, h.session
                        ORDER BY h.effective_at DESC, h.received_at DESC, h.record_id DESC) AS rank
                    FROM health_check h) c
              WHERE c.rank = 1) d
        JOIN unit u ON u.id = d.unit_id
        WHERE d.last = 1
        GROUP BY d.unit_id, d.date, d.staff, {county}""")


def downgrade():
    with op.batch_alter_table('day_tally') as batch:
        batch.drop_column('symptoms')
