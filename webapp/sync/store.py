"""The push's statements: locks, the stored hashes, the envelopes and the typed rows, set-wise.

Every write here is one statement for many rows. The envelopes go in with
`INSERT … ON CONFLICT (id) DO NOTHING RETURNING id`, sorted by id, so the database's unique key
decides what is new; the typed rows of a kind go in with one multi-row insert per table.

On PostgreSQL a multi-row insert is `INSERT … SELECT … FROM json_populate_recordset(NULL::t, $1)`:
the rows go as one JSON text (json.dumps, in C), whatever their number, so the statement's text
is the same for every batch and the driver and the server parse and plan it once. A VALUES list
of hundreds of placeholders would be split anew by the driver for every batch, and arrays per
column are escaped element by element in Python: both cost several times more (the profile in
bench/README.md). On SQLite it is SQLAlchemy's multi-row VALUES, which sqlite3 parses in C.
"""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time
from functools import cache

from sqlalchemy import JSON, Table, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite

from ..database import array_literal
from ..extensions import db
from .models import SyncRecord

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# pg_advisory_xact_lock(key1, key2): key1 says "a sync record", key2 is 32 bits of its id.
_LOCK_SPACE = 0x53594E43  # "SYNC"
_LOCKS = text("SELECT count(pg_advisory_xact_lock(:space, k)) FROM unnest(CAST(:keys AS integer[])) AS k")
_STORED = text("SELECT id, content_hash FROM sync_record WHERE id = ANY(CAST(:ids AS uuid[]))").columns(
    SyncRecord.id, SyncRecord.content_hash)


def dialect() -> str:
    return db.session.get_bind().dialect.name


def begin_write_transaction() -> None:
    """On SQLite, open the request's transaction now, as a writer (no-op elsewhere)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite" or connection.connection.dbapi_connection.in_transaction:
        return
    # pysqlite begins its own transaction only before an INSERT/UPDATE/DELETE, so the first
    # SAVEPOINT would begin it and its RELEASE commit it: every record would be committed alone.
    # IMMEDIATE takes the write lock now, so two pushes queue (busy timeout, webapp/database.py)
    # instead of deadlocking when both try to upgrade a read lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_records(ids: set[str]) -> None:
    """On PostgreSQL, take a transaction lock per record id, in one order for every push.

    Two pushes holding some of the same records (a phone's retry, the same outbox uploaded as a
    file) then never wait for each other in a circle: the second waits for the first to commit,
    and finds its records stored. On SQLite, BEGIN IMMEDIATE already queues the pushes.
    """
    if not ids or dialect() != "postgresql":
        return
    keys = sorted({int.from_bytes(bytes.fromhex(i[:8]), "big", signed=True) for i in ids})  # ids are canonical
    db.session.execute(_LOCKS, {"space": _LOCK_SPACE, "keys": array_literal(keys)})


def stored_hashes(ids: set[str]) -> dict[str, str]:
    """Content hashes of the records among `ids` already stored: a resent batch costs one query."""
    if not ids:
        return {}
    if dialect() == "postgresql":  # one parameter: the same statement text for any number of ids
        return dict(db.session.execute(_STORED, {"ids": array_literal(ids)}).all())
    return dict(db.session.execute(select(SyncRecord.id, SyncRecord.content_hash)
                                   .where(SyncRecord.id.in_(ids))).all())


def insert_envelopes(rows: list[dict]) -> set[str]:
    """Insert the envelopes that are not stored yet (sorted by id: one lock order); the ids inserted."""
    if not rows:
        return set()
    ordered = sorted(rows, key=lambda row: row["id"])
    # RETURNING yields the ids that were inserted (rowcount is -1 on some drivers).
    if dialect() == "postgresql":
        return {str(ident) for ident in _json_insert(SyncRecord.__table__, ordered, conflict_key="id")}
    return set(db.session.execute(_envelope_insert(dialect()), ordered).scalars())


@cache
def _envelope_insert(name: str):
    """The insert for this dialect, built once; on the table, so it skips the ORM's bulk-insert path."""
    table = SyncRecord.__table__
    return _INSERTS[name](table).on_conflict_do_nothing(index_elements=["id"]).returning(table.c.id)


def insert_rows(rows: list[tuple[Table, dict]], county_id: int | None = None) -> None:
    """One multi-row insert per table, the tables in the order they first appear (parents first).

    Rows of a table that name other columns (an optional column left to its default) go in a
    statement of their own: a multi-row insert takes the same columns for every row. Every row of
    a county-keyed table gets `county_id` (the push's county) unless it names its own.
    """
    by_shape: dict[tuple[Table, frozenset], list[dict]] = {}
    for table, row in rows:
        if county_id is not None and "county_id" in table.c and row.get("county_id") is None:
            row = {**row, "county_id": county_id}
        by_shape.setdefault((table, frozenset(row)), []).append(row)
    postgres = dialect() == "postgresql"
    for (table, _columns), shaped in by_shape.items():
        if postgres:
            _json_insert(table, shaped)
        else:
            db.session.execute(insert(table), shaped)


def _json_insert(table: Table, rows: list[dict], conflict_key: str | None = None) -> list:
    """PostgreSQL: insert `rows` (all with the same keys) as one JSON parameter, read by json_populate_recordset.

    With `conflict_key`, rows whose key is stored already are skipped and the keys inserted returned.
    """
    names = tuple(rows[0])
    statement, processors = _json_statement(db.session.get_bind().dialect, table, names, conflict_key)
    if processors:
        rows = [{**row, **{name: process(row[name]) for name, process in processors}} for row in rows]
    payload = json.dumps(rows, default=_json_value, ensure_ascii=False, separators=(",", ":"))
    result = db.session.execute(statement, {"rows": payload})
    return list(result.scalars()) if conflict_key else []


@cache
def _json_statement(pg, table: Table, names: tuple[str, ...], conflict_key: str | None):
    """The INSERT … SELECT FROM json_populate_recordset(…) of these columns (built once), and the
    conversions some columns need first (an enum to the name SQLAlchemy stores)."""
    quote = pg.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    sql = (f"INSERT INTO {quote(table.name)} ({columns}) SELECT {columns} "
           f"FROM json_populate_recordset(NULL::{quote(table.name)}, CAST(:rows AS json))")
    if conflict_key:
        sql += f" ON CONFLICT ({quote(conflict_key)}) DO NOTHING RETURNING {quote(conflict_key)}"
    processors = []
    for name in names:
        column_type = table.c[name].type
        process = column_type.dialect_impl(pg).bind_processor(pg)
        if process is not None and not isinstance(column_type, JSON):  # JSON values go in as they are
            processors.append((name, process))
    return text(sql), tuple(processors)


def _json_value(value):
    """What json.dumps cannot write itself: times and dates (ISO text, which PostgreSQL reads back)."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} in a JSON row")


def table_rows(outcome: dict) -> list[tuple[Table, dict]]:
    """A kind's rows for one record ({Model or Table: dict or [dicts]}) as (table, row) pairs."""
    pairs = []
    for target, value in outcome.items():
        table = target if isinstance(target, Table) else target.__table__
        pairs.extend((table, row) for row in (value if isinstance(value, list) else [value]))
    return pairs
