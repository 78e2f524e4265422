"""health_check by month on PostgreSQL: a table partitioned by RANGE (date), one partition a month

The stored checks move into a partitioned table made beside the old one: a partition for every
month they are in and for the months from today's to two months ahead (around the database's
CURRENT_DATE, a day either side, whatever the county's zone), and a DEFAULT partition for any
other day, in the schema `partitions`; the rows are copied, the old table dropped, the new one
takes its name, then its key (record_id, date: PostgreSQL wants the partition key in every
unique key), its foreign keys and its indexes (those of the old table, read from the catalogue:
PostgreSQL builds each on every partition). Downgrade makes the plain table again the same way.
One transaction: a failure changes nothing. It takes the table's lock and copies every check:
plan it as downtime (docs/deploy.md, "Upgrades"). SQLite keeps its plain table: nothing to do.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 15:00:00

"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

TABLE, SCHEMA = 'health_check', 'partitions'


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    months = bind.execute(sa.text(
        f"SELECT DISTINCT date_trunc('month', date)::date FROM {TABLE} UNION "
        "SELECT generate_series(date_trunc('month', CURRENT_DATE - 1), "
        "date_trunc('month', CURRENT_DATE + 1) + interval '2 months', interval '1 month')::date "
        "ORDER BY 1")).scalars().all()
    _rebuild(bind, partitioned=True, months=months)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    _rebuild(bind, partitioned=False)
    if not bind.scalar(sa.text("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE n.nspname = :schema"), {"schema": SCHEMA}):
        op.execute(f"DROP SCHEMA IF EXISTS {SCHEMA}")


def _rebuild(bind, partitioned: bool, months=()) -> None:
    """health_check made again, partitioned by month or plain, with its rows, keys and indexes."""
    if bind.scalar(sa.text("SELECT count(*) FROM pg_constraint WHERE confrelid = CAST(:t AS regclass)"), {"t": TABLE}):
        raise RuntimeError(f"a foreign key points at {TABLE}: this migration does not carry it over")
    key = bind.scalar(sa.text("SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) AND contype = 'p'"),
                      {"t": TABLE})
    foreign = bind.execute(sa.text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
        "AND contype = 'f' ORDER BY conname"), {"t": TABLE}).all()
    # A partitioned table's index reads "CREATE INDEX … ON ONLY public.health_check …": ONLY would
    # leave the partitions without it, and a plain table does not take it.
    indexes = [definition.replace(" ON ONLY ", " ON ") for definition in bind.execute(sa.text(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE indrelid = CAST(:t AS regclass) AND NOT indisprimary ORDER BY c.relname"), {"t": TABLE}).scalars()]

    new = f"{TABLE}_new"
    op.execute(f"CREATE TABLE {new} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)"
               + (" PARTITION BY RANGE (date)" if partitioned else ""))
    if partitioned:
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        for month in months:
            end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)  # the next month's first
            op.execute(f"CREATE TABLE {SCHEMA}.{TABLE}_y{month.year}m{month.month:02d} PARTITION OF {new} "
                       f"FOR VALUES FROM ('{month.isoformat()}') TO ('{end.isoformat()}')")
        op.execute(f"CREATE TABLE {SCHEMA}.{TABLE}_default PARTITION OF {new} DEFAULT")
    op.execute(f"INSERT INTO {new} SELECT * FROM {TABLE}")
    op.execute(f"DROP TABLE {TABLE}")  # a partitioned one with its partitions
    op.execute(f"ALTER TABLE {new} RENAME TO {TABLE}")
    op.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {key} PRIMARY KEY (record_id{', date' if partitioned else ''})")
    for name, definition in foreign:
        op.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    for definition in indexes:
        op.execute(definition)
    op.execute(f"ANALYZE {TABLE}")
