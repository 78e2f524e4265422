"""`health_check` by month on PostgreSQL: one partition a month, and a DEFAULT partition for the rest.

The table is `PARTITION BY RANGE (date)` on PostgreSQL (`by_month("date")` in its table args);
SQLite ignores the partitioning and keeps a plain table. Its months live in the schema
`partitions` (`partitions.health_check_y2026m03`, `partitions.health_check_default`), so the
app's own schema lists one `health_check` table, as the models and Alembic know it. Every read
and write goes through `health_check`; PostgreSQL routes each row to its month.

- **The key.** PostgreSQL wants the partition key in every unique key, so on PostgreSQL the
  table's primary key is (`record_id`, `date`) (`_primary_key` below); the models, SQLite and the
  ORM keep `record_id` alone. A check's id stays unique all the same: it is its envelope's key
  (`sync_record.id`), and the push inserts a typed row only for an envelope it just inserted.
- **The months.** `create_all` makes the DEFAULT partition and the months from this one to
  `AHEAD` months ahead (`_after_create`); migration 0024 makes them and the months the stored
  checks are in. `ensure_months()` makes the missing ones, cheaply and idempotently: the job
  worker of every process calls it once a day (`keep_ahead`, webapp/jobs/worker.py), and
  `flask partitions` (health/cli.py) does it on demand (a monthly cron). A month whose checks already went to
  DEFAULT is made by moving them out of DEFAULT in the same transaction, then attaching it.
"""
from __future__ import annotations

import logging
import re
import time
from datetime import date

from sqlalchemy import PrimaryKeyConstraint, Table, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles

from ..extensions import db

log = logging.getLogger(__name__)
SCHEMA = "partitions"
AHEAD = 2  # months made ahead of this one
_KEY = "partitioned_by_month"  # Table.info: the column a table is partitioned on
_LOCK = 0x50415254  # pg_advisory_xact_lock key: "PART", one maker of partitions at a time
RETRY_SECONDS = 600  # keep_ahead after a failure (the table's lock not had in time): again this much later
_ensured_on: dict[str, date] = {}  # database URL -> the day keep_ahead last made sure of the months
_retry_at: dict[str, float] = {}  # database URL -> time.monotonic() before which keep_ahead waits


def by_month(column: str) -> dict:
    """Table keyword arguments: partitioned by month on `column` (PostgreSQL only)."""
    return {"postgresql_partition_by": f"RANGE ({column})", "info": {_KEY: column}}


@compiles(PrimaryKeyConstraint, "postgresql")
def _primary_key(constraint, compiler, **kw):
    """On PostgreSQL, a partitioned table's primary key takes the partition key as its last column."""
    column = constraint.table.info.get(_KEY)
    sql = compiler.visit_primary_key_constraint(constraint, **kw)
    if not column or column in constraint.columns:
        return sql
    return re.sub(r"\)$", f", {compiler.preparer.quote(column)})", sql)


def partitioned_tables() -> list[Table]:
    return [table for table in db.metadata.sorted_tables if _KEY in table.info]


# ---- naming ---------------------------------------------------------------------------------

def first_of(day: date, months: int = 0) -> date:
    """The first day of `day`'s month, `months` months later."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_name(table: str, month: date) -> str:
    return f"{table}_y{month.year}m{month.month:02d}"


def default_name(table: str) -> str:
    return f"{table}_default"


def months_around(today: date, ahead: int = AHEAD) -> list[date]:
    return [first_of(today, n) for n in range(ahead + 1)]


# ---- making partitions -------------------------------------------------------------------------

def partitions(connection: Connection, table: str) -> dict[str, str]:
    """The partitions of `table`: name -> bound ("FOR VALUES FROM ('2026-03-01') TO (…)", "DEFAULT")."""
    rows = connection.execute(text(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
        "WHERE c.relkind IN ('r', 'p') AND p.relname = :table AND p.relnamespace = to_regnamespace(current_schema())::oid"),
        {"table": table})
    return dict(rows.all())


def create_default(connection: Connection, table: str) -> None:
    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    connection.execute(text(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{default_name(table)} PARTITION OF {table} DEFAULT"))


def create_month(connection: Connection, table: str, month: date) -> str:
    """Make `month`'s partition of `table`, moving its rows out of DEFAULT first (usually none).

    The month is made beside the table, filled, then attached: PostgreSQL checks then that DEFAULT
    holds none of its days, and builds the month's copies of the table's indexes and keys.
    """
    name, start, end = month_name(table, month), month.isoformat(), first_of(month, 1).isoformat()
    default = f"{SCHEMA}.{default_name(table)}"
    connection.execute(text(f"CREATE TABLE {SCHEMA}.{name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    connection.execute(text(
        f"WITH moved AS (DELETE FROM {default} WHERE date >= :start AND date < :end RETURNING *) "
        f"INSERT INTO {SCHEMA}.{name} SELECT * FROM moved"), {"start": start, "end": end})
    connection.execute(text(f"ALTER TABLE {table} ATTACH PARTITION {SCHEMA}.{name} "
                            f"FOR VALUES FROM ('{start}') TO ('{end}')"))
    return name


def _missing(connection: Connection, table: str, months: list[date]) -> list[date]:
    existing = partitions(connection, table)
    return [m for m in months if month_name(table, m) not in existing]


def ensure_months(ahead: int = AHEAD, today: date | None = None) -> list[str]:
    """Make the missing partitions from this month to `ahead` months ahead; the names made.

    One catalogue query when nothing is missing. Otherwise a transaction of its own, one maker at a
    time (an advisory lock), that waits at most a few seconds for the table's lock, so that it never
    queues the pushes behind a long read: it is tried again the next day (DEFAULT holds the rows).
    """
    if db.engine.dialect.name != "postgresql":
        return []
    from ..org.settings import local_today
    months = months_around(today or local_today(), ahead)
    made = []
    with db.engine.begin() as connection:
        tables = [t.name for t in partitioned_tables() if _missing(connection, t.name, months)
                  or default_name(t.name) not in partitions(connection, t.name)]
        if not tables:
            return []
        connection.execute(text("SET LOCAL lock_timeout = '5s'"))
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        for table in tables:
            create_default(connection, table)
            made += [create_month(connection, table, m) for m in _missing(connection, table, months)]
    return made


def keep_ahead() -> None:
    """ensure_months() once a day per process and database (the job worker's loop calls it at every poll).

    A failure is logged and tried again RETRY_SECONDS later; meanwhile DEFAULT takes the rows."""
    if db.engine.dialect.name != "postgresql":
        return
    from ..org.settings import local_today
    url, today = str(db.engine.url), local_today()
    if _ensured_on.get(url) == today or time.monotonic() < _retry_at.get(url, 0.0):
        return
    try:
        made = ensure_months(today=today)
    except SQLAlchemyError:
        _retry_at[url] = time.monotonic() + RETRY_SECONDS
        log.warning("Could not make the month partitions now; trying again later", exc_info=True)
        return
    _ensured_on[url] = today
    if made:
        log.info("Made the partitions %s", ", ".join(made))


def _after_create(table: Table, connection: Connection, **_kw) -> None:
    """create_all (tests, benches): the DEFAULT partition and the months from this one to AHEAD ahead."""
    if connection.dialect.name != "postgresql":
        return
    from ..org.settings import local_today
    create_default(connection, table.name)
    for month in _missing(connection, table.name, months_around(local_today())):
        create_month(connection, table.name, month)


def install(table: Table) -> None:
    event.listen(table, "after_create", _after_create)
