"""org: class_roll, the active students of each class, kept by triggers on student

The leaders' screens read it instead of counting a county's 200,000 students for every request
(webapp/org/roll.py runs the same statements after create_all).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 15:15:00

"""
from alembic import op
import sqlalchemy as sa

from webapp.org.roll import FILL_SQL, ROLL_SQL


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

DROPS = {"postgresql": ("DROP TRIGGER IF EXISTS student_class_roll ON student",
                        "DROP FUNCTION IF EXISTS class_roll_move()"),
         "sqlite": tuple(f"DROP TRIGGER IF EXISTS student_roll_{name}" for name in ("insert", "delete", "leave", "join"))}


def upgrade():
    op.create_table('class_roll',
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('students', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['unit.id'], name=op.f('fk_class_roll_class_id_unit')),
    sa.ForeignKeyConstraint(['county_id'], ['unit.id'], name=op.f('fk_class_roll_county_id_unit')),
    sa.PrimaryKeyConstraint('class_id', name=op.f('pk_class_roll'))
    )
    op.execute(FILL_SQL)
    for statement in ROLL_SQL[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade():
    for statement in DROPS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table('class_roll')
