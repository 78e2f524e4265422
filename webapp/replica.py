"""Reading the leaders' screens and the exports from a streaming replica (DATABASE_REPLICA_URL).

Dashboards, completeness and the ledger jobs only read, and may be a few seconds behind; pushes,
pulls and every write stay on the primary (a pull must see what its push just stored). Inside
`reading()` the app's session sends its queries to the replica's engine (the bind "replica");
without a replica configured it changes nothing. `as_of()` says how old the replica's data is
when it lags, so a screen can show "as of 08:14" instead of figures that look current.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone
from typing import Iterator

from flask_sqlalchemy.session import Session
from sqlalchemy import text

BIND = "replica"
LAG_SHOWN = timedelta(seconds=10)  # a replica behind by less is shown as current
_reading: ContextVar[bool] = ContextVar("reading_replica", default=False)


class RoutingSession(Session):
    """The app's session: on the replica inside `reading()` (when one is configured), else as usual."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and _reading.get():
            engine = self._db.engines.get(BIND)
            if engine is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """Queries inside go to the replica, if there is one; writes must never be made inside."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def configured() -> bool:
    from .extensions import db
    return BIND in db.engines


def as_of() -> datetime | None:
    """When the replica lags: the time (naive UTC) of the last change it has; None when it is current."""
    if not configured():
        return None
    from .extensions import db
    with db.engines[BIND].connect() as connection:
        behind, replayed = connection.execute(text(
            "SELECT pg_last_wal_receive_lsn() IS DISTINCT FROM pg_last_wal_replay_lsn(), "
            "pg_last_xact_replay_timestamp()")).one()
    if not behind or replayed is None:
        return None
    replayed = replayed.astimezone(timezone.utc).replace(tzinfo=None)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return replayed if now - replayed > LAG_SHOWN else None


def as_of_shown() -> str | None:
    """`as_of()` in the county's time (YYYY-MM-DD HH:MM:SS) for a screen, or None when current."""
    moment = as_of()
    if moment is None:
        return None
    from .org.settings import county_zone
    return moment.replace(tzinfo=timezone.utc).astimezone(county_zone()).strftime("%Y-%m-%d %H:%M:%S")
