"""What every bench shares: an app on a throw-away database, a login, timing and the result tables.

A bench never touches the app's own database: SQLite runs in a temporary file, PostgreSQL in a
database created for the run on the server of BENCH_DATABASE_URL and dropped after it.
"""
from __future__ import annotations

import contextlib
import gzip
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.extensions import db, limiter

PASSWORD = "bench-1234"
# Like the tests: no CSRF (the test client has no page to read a token from) and a cheap password
# hash (scrypt would make every login of the bench cost a tenth of a second for nothing).
BENCH_CONFIG = {"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"}


# ---- databases -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Backend:
    """A database to run a bench on: "sqlite", or "postgresql" on BENCH_DATABASE_URL's server."""

    name: str
    server_url: str | None = None


def backends() -> list[Backend]:
    """SQLite always; PostgreSQL too when BENCH_DATABASE_URL is set."""
    url = os.environ.get("BENCH_DATABASE_URL")
    return [Backend("sqlite")] + ([Backend("postgresql", url)] if url else [])


@contextlib.contextmanager
def fresh_database(backend: Backend, label: str) -> Iterator[str]:
    """The URL of an empty database made for this run; removed afterwards, whatever happens."""
    if backend.name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="shaodian-bench-") as folder:
            yield f"sqlite:///{folder}/{label}.sqlite"
        return
    name = f"shaodian_bench_{label}_{os.getpid()}"
    with _admin(backend) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(backend.server_url).set(drivername="postgresql+psycopg", database=name) \
            .render_as_string(hide_password=False)
    finally:
        with _admin(backend) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(backend: Backend):
    """An autocommit connection to the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    url = make_url(backend.server_url).set(drivername="postgresql", database="postgres")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


@contextlib.contextmanager
def bench_app(database_url: str) -> Iterator:
    """The real app on `database_url`, with the schema created, inside an app context."""
    app = create_app({**BENCH_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        limiter.reset()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def request(app, client, method: str, url: str, **kwargs):
    """One test-client request in its own app context, as in production: its own `g` and database session.

    (Inside the bench's app context a request would reuse that context: the login cached in `g`
    and the objects in the session would carry over from one request to the next.)
    """
    with app.app_context():
        response = client.open(url, method=method, **kwargs)
        response.get_data()  # read while the context is open
        return response


def logged_in(app, username: str):
    """A test client logged in as `username` (the bench's accounts all share PASSWORD)."""
    client = app.test_client()
    response = request(app, client, "POST", "/login", data={"login": username, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"the bench could not log in as {username} ({response.status_code})")
    return client


# ---- timing --------------------------------------------------------------------------------

def timed(work: Callable) -> tuple[float, object]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank; fine for 20 batches)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class Timing:
    """Several runs of the same work: the first (cold) and the median and best of all."""

    runs: list[float] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"runs_s": [round(r, 4) for r in self.runs], "first_s": round(self.runs[0], 4),
                "median_s": round(statistics.median(self.runs), 4), "min_s": round(min(self.runs), 4)}


def repeat(work: Callable, times: int) -> tuple[Timing, object]:
    """Run `work` `times` times; its timing and its last result."""
    timing, result = Timing(), None
    for _ in range(times):
        seconds, result = timed(work)
        timing.runs.append(seconds)
    return timing, result


def gzipped_size(data: bytes) -> int:
    """Bytes after gzip level 6 (nginx's gzip_comp_level is 1 by default; 6 is the common setting)."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


# ---- tables --------------------------------------------------------------------------------

def table(title: str, headers: list[str], rows: list[list]) -> str:
    """A plain-text table: text left-aligned, numbers right-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) if cells else len(h) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], (int, float)) or row[i] is None for row in rows) for i in range(len(headers))]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([f"\n{title}", line(headers), rule, *(line(row) for row in cells)])


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.3f}".rstrip("0").rstrip(".") or "0"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def kib(size: int) -> float:
    return round(size / 1024, 1)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
