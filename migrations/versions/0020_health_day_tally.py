"""health: day_tally, the people of each unit's day (a fever at both checks is one person); the
leaders' indexes: the tallies by day, the roll per class

Kept by the push in the same transaction as the checks, with check_tally (webapp/health/tallies.py);
computed here from the checks already stored. A person's day counts under the unit of the current
check of the day's last session.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

COUNTS = ('checked', 'absent', 'fever', 'illness', 'abnormal')
PERSON_DAY = "PARTITION BY c.student_id, c.staff_id, c.date"
FLAGS = {"absent": "NOT c.present", "fever": "c.fever", "illness": "c.absence_reason = 'illness'",
         "abnormal": "c.fever OR c.other_symptoms OR c.absence_reason = 'illness'"}


def upgrade():
    op.create_table('day_tally',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('staff', sa.Boolean(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
    sa.ForeignKeyConstraint(['county_id'], ['unit.id'], name=op.f('fk_day_tally_county_id_unit')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_day_tally_unit_id_unit')),
    sa.PrimaryKeyConstraint('unit_id', 'date', 'staff', name=op.f('pk_day_tally'))
    )
    op.create_index('ix_day_tally_date_unit', 'day_tally', ['date', 'unit_id'], unique=False)
    op.create_index('ix_check_tally_date_unit', 'check_tally', ['date', 'unit_id'], unique=False)
    op.create_index('ix_student_class_active', 'student', ['class_id', 'active'], unique=False)
    postgres = op.get_bind().dialect.name == 'postgresql'
    county = ("CAST(split_part(u.path, '/', 2) AS INTEGER)" if postgres
              else "CAST(substr(u.path, 2, instr(substr(u.path, 2), '/') - 1) AS INTEGER)")
    staff = "(h.staff_id IS NOT NULL)" if postgres else "(CASE WHEN h.staff_id IS NULL THEN 0 ELSE 1 END)"
    flags = ", ".join(f"max(CASE WHEN {condition} THEN 1 ELSE 0 END) OVER ({PERSON_DAY}) AS {name}"
                      for name, condition in FLAGS.items())
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
    op.drop_index('ix_student_class_active', table_name='student')
    op.drop_index('ix_check_tally_date_unit', table_name='check_tally')
    op.drop_index('ix_day_tally_date_unit', table_name='day_tally')
    op.drop_table('day_tally')
