"""county key: every table of county data gets county_id, the id of its county (the root unit)

So that a province can shard by county (docs/scaling.md, "The county key"). The column is filled
here from each row's unit path: a unit's county is the first id of its path; every other row
takes the county of the row its source column names (its unit, its user, its screening …), the
tables in an order where a source is always filled before the rows that read it.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# (table, [(source column, referred table, its key)], indexed, nullable), sources first.
UNIT = ('unit', 'id')
TABLES = [
    ('unit', [], True, True),  # from the path; a county's own row is NULL only inside its insert's flush
    ('unit_change', [('unit_id', *UNIT)], True, False),
    ('student', [('class_id', *UNIT)], True, False),
    ('staff', [('unit_id', *UNIT)], True, False),
    ('user_account', [('scope_unit_id', *UNIT)], True, False),
    ('login_session', [('user_id', 'user_account', 'id')], True, False),
    ('responsibility', [('staff_id', 'staff', 'id')], True, False),
    ('sync_record', [('user_id', 'user_account', 'id')], False, False),
    ('audit_entry', [('unit_id', *UNIT), ('user_id', 'user_account', 'id')], True, True),
    ('export_chunk', [('job_id', 'export_job', 'id')], False, False),
    ('health_check', [('unit_id', *UNIT)], False, False),
    ('daily_report', [('unit_id', *UNIT)], True, False),
    ('notice', [('unit_id', *UNIT)], True, False),
    ('notice_confirmation', [('class_id', *UNIT)], True, False),
    ('quality_review', [('unit_id', *UNIT)], True, False),
    ('checkpoint', [('unit_id', *UNIT)], True, False),
    ('shift', [('checkpoint_id', 'checkpoint', 'id')], True, False),
    ('shift_assignment', [('shift_id', 'shift', 'id')], True, False),
    ('shift_attendance', [('unit_id', *UNIT)], True, False),
    ('volunteer_link', [('staff_id', 'staff', 'id')], True, False),
    ('checkpoint_entry', [('unit_id', *UNIT)], True, False),
    ('checkpoint_entry_follow_up', [('entry_id', 'checkpoint_entry', 'id')], True, False),
    ('screening', [('unit_id', *UNIT)], True, False),
    ('screening_trip', [('screening_id', 'screening', 'record_id')], True, False),
    ('status_change', [('unit_id', *UNIT)], True, False),
    ('isolation', [('unit_id', *UNIT)], True, False),
    ('isolation_change', [('unit_id', *UNIT)], True, False),
    ('isolation_followup', [('unit_id', *UNIT)], True, False),
    ('illness_followup', [('unit_id', *UNIT)], True, False),
    ('support_followup', [('unit_id', *UNIT)], True, False),
    ('disinfection_area', [('unit_id', *UNIT)], True, False),
    ('disinfection_entry', [('unit_id', *UNIT)], True, False),
    ('disinfection_entry_area', [('record_id', 'disinfection_entry', 'record_id')], True, False),
    ('online_day', [('class_id', *UNIT)], True, False),
    ('online_exception', [('record_id', 'online_day', 'record_id')], True, False),
    ('online_class_day', [('class_id', *UNIT)], True, False),
    ('reopening_update', [('school_id', *UNIT)], True, False),
    ('reopening_state', [('school_id', *UNIT)], True, False),
    ('supply_movement', [('school_id', *UNIT)], True, False),
    ('supply_position', [('school_id', *UNIT)], True, False),
    ('training_session', [('school_id', *UNIT)], True, False),
    ('training_attendee', [('record_id', 'training_session', 'record_id')], True, False),
]


def _fill(table: str, sources: list, postgres: bool) -> None:
    if table == 'unit':
        first = ("CAST(split_part(path, '/', 2) AS INTEGER)" if postgres
                 else "CAST(substr(path, 2, instr(substr(path, 2), '/') - 1) AS INTEGER)")
        op.execute(f"UPDATE unit SET county_id = {first} WHERE path LIKE '/%/'")
        op.execute("UPDATE unit SET county_id = id WHERE county_id IS NULL AND parent_id IS NULL")
        return
    for column, referred, key in sources:
        if postgres:  # a join, not a subquery per row: the check tables are large
            op.execute(f"UPDATE {table} AS t SET county_id = s.county_id FROM {referred} AS s "
                       f"WHERE s.{key} = t.{column} AND t.county_id IS NULL")
        else:
            op.execute(f"UPDATE {table} SET county_id = (SELECT s.county_id FROM {referred} AS s "
                       f"WHERE s.{key} = {table}.{column}) WHERE county_id IS NULL")


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table, sources, indexed, nullable in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('county_id', sa.Integer(), nullable=True))
        _fill(table, sources, postgres)
        with op.batch_alter_table(table, schema=None) as batch_op:
            if not nullable:
                batch_op.alter_column('county_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_county_id_unit'), 'unit', ['county_id'], ['id'])
            if indexed:
                batch_op.create_index(batch_op.f(f'ix_{table}_county_id'), ['county_id'], unique=False)


def downgrade():
    for table, _sources, indexed, _nullable in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if indexed:
                batch_op.drop_index(batch_op.f(f'ix_{table}_county_id'))
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_county_id_unit'), type_='foreignkey')
            batch_op.drop_column('county_id')
