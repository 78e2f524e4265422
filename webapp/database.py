"""How the app holds its database: SQLite's settings on every connection, and transactions run again.

SQLite is the embedded default (one school's or a small county's server). Every connection runs
in WAL mode, so readers never wait for the writer nor the writer for them, with a busy timeout,
so that two gunicorn workers' pushes queue for the write lock instead of failing with
"database is locked" (which the phone would see as a 503).

PostgreSQL may abort a transaction that waits in a circle with another one (a deadlock) or,
under stricter isolation, one that read what another changed (a serialization failure).
Neither is the request's fault: `committed(work)` rolls back and runs the work again.
"""
from __future__ import annotations

import random
import time
from typing import Callable, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from .extensions import db

T = TypeVar("T")
SQLITE_BUSY_TIMEOUT_MS = 30_000  # SQLITE_BUSY_TIMEOUT_MS overrides it; a push takes well under a second
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
ATTEMPTS = 4


def init_app(app) -> None:
    """Set SQLite's pragmas on every new connection of the app's engines (nothing to do on PostgreSQL)."""
    timeout = int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS))
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas(timeout))


def _sqlite_pragmas(timeout_ms: int):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        # WAL is kept in the database file; asking again on each connection is cheap and makes
        # sure a database created elsewhere (a copy, a restore) runs in it too.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
        cursor.close()
        # PostgreSQL's split_part, which the leaders' roll-ups use to read a unit's ancestors off its path.
        dbapi_connection.create_function("split_part", 3, _split_part, deterministic=True)
    return on_connect


def _split_part(text: str | None, delimiter: str, n: int) -> str | None:
    if text is None:
        return None
    parts = text.split(delimiter)
    return parts[n - 1] if 0 < n <= len(parts) else ""


def retryable(error: OperationalError) -> bool:
    """Whether the database aborted the transaction only because of another one (run it again)."""
    return getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def committed(work: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """`work()`, then commit; on a deadlock or serialization failure, roll back and run both again.

    `work` must be safe to run again from the start (it only writes through the session, which
    the rollback empties). Any other error propagates, after the rollback.
    """
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            db.session.commit()
            return result
        except OperationalError as error:
            db.session.rollback()
            if attempt == attempts or not retryable(error):
                raise
            time.sleep(random.uniform(0.005, 0.05) * attempt)  # apart, so the two do not meet again
    raise AssertionError("unreachable")


def array_literal(values) -> str:
    """PostgreSQL's text form of an array of ids, numbers or dates ('{1,2,3}'), for a statement that casts it
    (`CAST(:ids AS integer[])`): one string joined in C, where the driver writes a list parameter element
    by element in Python, and a statement whose text is the same for any number of values."""
    return "{" + ",".join(map(str, values)) + "}"
