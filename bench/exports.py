"""The county's day ledger as a background job, in the process, next to PostgreSQL's own pace.

PostgreSQL only. On a generated county (bench/county.py at `scale`, 1.0 = 199,401 students and
8,112 staff) with two days of checks, the ledger of the full day (yesterday: every student's
morning and noon check, every staff member's morning check, ~415,000 rows) is exported as .csv
and .xlsx by `webapp.jobs.operations.run_one`: the code the job worker runs, from claiming the job
to its file stored in `export_chunk`. (Today's ledger would be half 未检 rows: only this morning's
check is there.)

The ceiling, from the same run and the same database: the job's own statements (webapp/health/
ledger.py: one a chunk of units, the roll joined to the current checks, in the school's order),

- each as `COPY (SELECT …) TO STDOUT (FORMAT csv)`: PostgreSQL answering them as CSV, no Python;
- each fetched whole with psycopg into tuples: what merely receiving the rows costs Python.

`python -m bench.exports --keep NAME` keeps the generated database NAME between runs (it is
generated once; later runs only export); `python -m bench.run --only exports` runs it on a
throw-away database like every bench.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from datetime import date

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import make_url

from webapp.extensions import db
from webapp.health import ledger
from webapp.health.export import LEDGER_JOB
from webapp.health.models import HealthCheck
from webapp.health.operations import unit_names
from webapp.jobs import operations as jobs
from webapp.jobs.models import ExportChunk, ExportJob, JobStatus
from webapp.org.models import Unit, User

from .common import Backend, _admin, bench_app, fresh_database, table, timed
from .county import generate
from .leaders import GOAL_CSV_S, GOAL_XLSX_S

WORKER = "bench-exports"

def run(backend: Backend, scale: float = 1.0, repeat: int = 1, keep: str | None = None) -> dict | None:
    if backend.name != "postgresql":
        return None
    with _database(backend, keep) as url, bench_app(url):
        generated = _county(scale)
        county_id = db.session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)))
        day = db.session.scalar(select(func.min(HealthCheck.date)))
        checks = db.session.scalar(select(func.count()).select_from(HealthCheck).where(HealthCheck.date == day))
        exports = {fmt: _runs(lambda f=fmt: _job(county_id, day, f), repeat) for fmt in ("csv", "xlsx")}
        statements = _statements(county_id, day)
        ceiling = {"copy": _runs(lambda: _copy(url, statements), repeat),
                   "fetch": _runs(lambda: _fetch(url, statements), repeat)}
    return {"backend": backend.name, "scale": scale, "day": day.isoformat(), "checks": checks,
            "generate_s": generated, "exports": exports, "ceiling": ceiling, "kept": keep}


# ---- the database --------------------------------------------------------------------------

@contextlib.contextmanager
def _database(backend: Backend, keep: str | None):
    """A throw-away database, or the kept database `keep` (made when missing, never dropped)."""
    if not keep:
        with fresh_database(backend, "exports") as url:
            yield url
        return
    with _admin(backend) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (keep,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{keep}"')
    yield make_url(backend.server_url).set(drivername="postgresql+psycopg", database=keep) \
        .render_as_string(hide_password=False)


def _county(scale: float) -> float | None:
    """Generate the county with two days of checks, unless the (kept) database has it; seconds or None."""
    if db.session.scalar(select(func.count()).select_from(Unit)):
        return None
    seconds, _ = timed(lambda: generate(db.session, scale, days=2))
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return round(seconds, 1)


# ---- the measures --------------------------------------------------------------------------

def _runs(work, times: int) -> dict:
    results = [work() for _ in range(times)]
    seconds = [r["seconds"] for r in results]
    return {**results[-1], "seconds": round(statistics.median(seconds), 2), "runs_s": seconds}


def _job(county_id: int, day: date, fmt: str) -> dict:
    """The county's ledger job, run as the worker runs it: claim, write the file, store it."""
    db.session.execute(delete(ExportChunk))
    db.session.execute(delete(ExportJob))
    user_id = db.session.scalar(select(User.id).where(User.username == "county"))
    job = ExportJob(kind=LEDGER_JOB.name, params={"unit_id": county_id, "date": day.isoformat(), "format": fmt},
                    user_id=user_id, unit_id=county_id, county_id=county_id, locale="zh", status=JobStatus.queued)
    db.session.add(job)
    db.session.commit()
    job_id = job.id
    db.session.remove()
    seconds, ran = timed(lambda: jobs.run_one(WORKER))
    done = db.session.get(ExportJob, ran)
    if done.status is not JobStatus.done:
        raise RuntimeError(f"the {fmt} job {job_id} ended {done.status.value}: {done.error}")
    return {"seconds": round(seconds, 2), "rows": done.rows_done, "bytes": done.size}


def _psycopg(url: str):
    import psycopg

    return psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))


def _statements(county_id: int, day: date) -> list[str]:
    """The SQL the job sends: the ledger's statements, a chunk of units each, with their values written in."""
    root = db.session.get(Unit, county_id)
    _paths, chunks = ledger.chunks(root, day, unit_names(root), "postgresql")
    db.session.rollback()
    return [str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
            for _staff, statement in chunks]


def _copy(url: str, statements: list[str]) -> dict:
    """COPY (each of the job's statements) TO STDOUT as CSV: PostgreSQL's own pace for the same rows."""
    size = 0
    with _psycopg(url) as conn, conn.cursor() as cursor:
        start = time.perf_counter()
        for sql in statements:
            with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
                for block in copy:
                    size += len(block)
        seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "bytes": size}


def _fetch(url: str, statements: list[str]) -> dict:
    """The same statements fetched whole with psycopg into Python tuples, one after the other."""
    rows = 0
    with _psycopg(url) as conn, conn.cursor() as cursor:
        start = time.perf_counter()
        for sql in statements:
            rows += len(cursor.execute(sql).fetchall())
        seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "rows": rows}


# ---- the tables ----------------------------------------------------------------------------

def report(results: list[dict]) -> str:
    rows = []
    for r in (r for r in results if r):
        copy, fetch = r["ceiling"]["copy"]["seconds"], r["ceiling"]["fetch"]["seconds"]
        for fmt, e in r["exports"].items():
            rows.append([f"county ledger .{fmt}, the job in process", e["rows"], e["seconds"],
                         round(e["rows"] / e["seconds"]), round(e["bytes"] / 1048576, 1),
                         f"{e['seconds'] / copy:.1f} × COPY, {e['seconds'] / fetch:.1f} × fetch"])
        count, size = r["ceiling"]["fetch"]["rows"], r["ceiling"]["copy"]["bytes"]
        rows.append(["ceiling: COPY (its statements) TO STDOUT csv", count, copy, round(count / copy),
                     round(size / 1048576, 1), ""])
        rows.append(["ceiling: its statements fetched by psycopg", count, fetch, round(count / fetch), None, ""])
    title = "The county's day ledger as a job (PostgreSQL, in process)"
    if results and results[0]:
        title += f", {results[0]['day']}, {results[0]['checks']:,} checks"
    return table(title, ["what", "rows", "seconds", "rows/s", "MiB", "ratio"], rows)


def goals(results: list[dict]) -> list[dict]:
    rows = []
    for r in (r for r in results if r):
        copy = r["ceiling"]["copy"]["seconds"]
        for fmt, limit in (("csv", GOAL_CSV_S), ("xlsx", GOAL_XLSX_S)):
            e = r["exports"][fmt]
            rows.append({"what": f"county ledger .{fmt} ({e['rows']:,} rows), the job in process, s",
                         "figure": e["seconds"], "ceiling": copy, "goal": f"< {limit} s", "met": e["seconds"] < limit})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", help="a database to keep between runs (generated the first time)")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        parser.error("set BENCH_DATABASE_URL to a PostgreSQL server")
    print(f"load {os.getloadavg()}", flush=True)
    print(report([run(Backend("postgresql", url), args.scale, args.repeat, args.keep)]))
    print(f"load {os.getloadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
