"""audit: the append-only audit log (who saw or changed which person, who exported what, from where)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 13:39:47.734028

"""
from alembic import op
import sqlalchemy as sa

GUARD_SQL = {
    "postgresql": (
        """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.at < (now() AT TIME ZONE 'UTC') - interval '1096 days' THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit entries are never changed, and kept at least 1096 days';
END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
        "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
    ),
    "sqlite": (
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "WHEN OLD.at >= datetime('now', '-1096 days') "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are kept at least 1096 days'); END",
    ),
}


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=50), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('subject_kind', sa.String(length=32), nullable=True),
    sa.Column('subject_id', sa.String(length=40), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_audit_entry_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_entry_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_subject', ['subject_kind', 'subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_unit_id'), ['unit_id'], unique=False)
    # Never updated; deleted only past the 3 years' floor (the same statements as webapp/audit/models.py).
    for statement in GUARD_SQL.get(op.get_bind().dialect.name, ()):
        op.execute(statement)



def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_entry_no_truncate ON audit_entry')
        op.execute('DROP TRIGGER audit_entry_append_only ON audit_entry')
        op.execute('DROP FUNCTION audit_entry_append_only()')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_unit_id'))
        batch_op.drop_index('ix_audit_entry_subject')
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
