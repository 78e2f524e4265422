"""health: check_tally, the counts of each unit's current checks per day and session

Kept by the push in the same transaction as the checks (webapp/health/tallies.py); computed here
from the checks already stored.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 14:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

COUNTS = ('checked', 'absent', 'illness', 'personal', 'other_reason', 'fever', 'symptoms', 'abnormal')
FIGURES = ("count(*)", "sum(CASE WHEN NOT present THEN 1 ELSE 0 END)",
           "sum(CASE WHEN absence_reason = 'illness' THEN 1 ELSE 0 END)",
           "sum(CASE WHEN absence_reason = 'personal' THEN 1 ELSE 0 END)",
           "sum(CASE WHEN absence_reason = 'other' THEN 1 ELSE 0 END)",
           "sum(CASE WHEN fever THEN 1 ELSE 0 END)",
           "sum(CASE WHEN other_symptoms AND NOT fever THEN 1 ELSE 0 END)",
           "sum(CASE WHEN fever OR other_symptoms OR absence_reason = 'illness' THEN 1 ELSE 0 END)")


def upgrade():
    op.create_table('check_tally',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('session', sa.Enum('morning', 'noon', name='checksession', native_enum=False, length=8), nullable=False),
    sa.Column('staff', sa.Boolean(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
    sa.ForeignKeyConstraint(['county_id'], ['unit.id'], name=op.f('fk_check_tally_county_id_unit')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_check_tally_unit_id_unit')),
    sa.PrimaryKeyConstraint('unit_id', 'date', 'session', 'staff', name=op.f('pk_check_tally'))
    )
    postgres = op.get_bind().dialect.name == 'postgresql'
    county = ("CAST(split_part(u.path, '/', 2) AS INTEGER)" if postgres
              else "CAST(substr(u.path, 2, instr(substr(u.path, 2), '/') - 1) AS INTEGER)")
    staff = "(c.staff_id IS NOT NULL)" if postgres else "(CASE WHEN c.staff_id IS NULL THEN 0 ELSE 1 END)"
    op.execute(f"""
        INSERT INTO check_tally (unit_id, date, session, staff, county_id, {', '.join(COUNTS)})
        SELECT c.unit_id, c.date, c.session, {staff}, {county}, {', '.join(FIGURES)}
        FROM (SELECT h.*, row_number() OVER (
                  PARTITION BY h.student_id, h.staff_id, h.date, h.session
                  ORDER BY h.effective_at DESC, h.received_at DESC, h.record_id DESC) AS rank
              FROM health_check h) c
        JOIN unit u ON u.id = c.unit_id
        WHERE c.rank = 1
        GROUP BY c.unit_id, c.date, c.session, {staff}, {county}""")


def downgrade():
    op.drop_table('check_tally')
