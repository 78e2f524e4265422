"""The county's day ledger as a background job, in the process, next to PostgreSQL's own pace.

PostgreSQL only. On a generated county (bench/county.py at `scale`, 1.0 = 199,401 students and
8,112 staff) with two days of checks, the ledger of the full day (yesterday: every student's
morning and noon check, every staff member's morning check, ~415,000 rows) is exported as .csv
and .xlsx by `webapp.jobs.operations.run_one`: the code the job worker runs, from claiming the job
to its file stored in `export_chunk`. (Today's ledger would be half 未检 rows: only this morning's
check is there.)

The ceiling, from the same run and the same database: the same rows (the roll × the sessions, the
current check of each, the names of the township, school and class) read by one SELECT,

- `COPY (SELECT …) TO STDOUT (FORMAT csv)`: PostgreSQL writing them as CSV, no Python at all;
- the same SELECT fetched with psycopg (a server-side cursor, 10,000 rows a fetch): Python's
  share of merely receiving them.

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
from webapp.health.export import LEDGER_JOB
from webapp.health.models import HealthCheck
from webapp.jobs import operations as jobs
from webapp.jobs.models import ExportChunk, ExportJob, JobStatus
from webapp.org.models import Unit, User

from .common import Backend, _admin, bench_app, fresh_database, table, timed
from .county import generate
from .leaders import GOAL_CSV_S, GOAL_XLSX_S

WORKER = "bench-exports"
FETCH = 10_000

# The ledger's rows by one statement (a ceiling, not the app's query): everyone on the roll (students
# by class, staff but volunteers by unit) × the sessions, their current check, their units' names.
CEILING_SQL = """
WITH current AS (
    SELECT DISTINCT ON (h.student_id, h.staff_id, h.session) h.student_id, h.staff_id, h.session,
           h.present, h.absence_reason, h.temperature, h.symptoms, h.note, h.user_id, h.recorded_at
    FROM health_check h WHERE h.date = %(day)s
    ORDER BY h.student_id, h.staff_id, h.session, h.effective_at DESC, h.received_at DESC, h.record_id DESC),
people AS (
    SELECT 0 AS grp, s.id, s.name, s.class_id AS unit_id, ss.session, {CHECK}
    FROM student s CROSS JOIN (VALUES ('morning'), ('noon')) ss(session)
    LEFT JOIN current c ON c.student_id = s.id AND c.session = ss.session
    WHERE s.active
    UNION ALL
    SELECT 1, st.id, st.name, st.unit_id, ss.session, {CHECK}
    FROM staff st CROSS JOIN (VALUES ('morning'), ('noon')) ss(session)
    LEFT JOIN current c ON c.staff_id = st.id AND c.session = ss.session
    WHERE st.active AND NOT st.is_volunteer)
SELECT %(day)s::date, p.session, t.name, sc.name, u.name, p.grp, p.name, p.present, p.absence_reason,
       p.temperature, p.symptoms, p.note, a.display_name, p.recorded_at
FROM people p
JOIN unit u ON u.id = p.unit_id
LEFT JOIN unit t ON t.id = split_part(u.path, '/', 3)::int
LEFT JOIN unit sc ON sc.id = nullif(split_part(u.path, '/', 4), '')::int
LEFT JOIN user_account a ON a.id = p.user_id
ORDER BY p.grp, u.path COLLATE "C", p.name COLLATE "C", p.id, p.session
""".replace("{CHECK}", "c.present, c.absence_reason, c.temperature, c.symptoms, c.note, c.user_id, c.recorded_at")


def run(backend: Backend, scale: float = 1.0, repeat: int = 1, keep: str | None = None) -> dict | None:
    if backend.name != "postgresql":
        return None
    with _database(backend, keep) as url, bench_app(url):
        generated = _county(scale)
        county_id = db.session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)))
        day = db.session.scalar(select(func.min(HealthCheck.date)))
        checks = db.session.scalar(select(func.count()).select_from(HealthCheck).where(HealthCheck.date == day))
        exports = {fmt: _runs(lambda f=fmt: _job(county_id, day, f), repeat) for fmt in ("csv", "xlsx")}
        ceiling = {"copy": _runs(lambda: _copy(url, day), repeat), "fetch": _runs(lambda: _fetch(url, day), repeat)}
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


def _copy(url: str, day: date) -> dict:
    """COPY (the ledger's rows) TO STDOUT as CSV: PostgreSQL's own pace for the same rows."""
    size = 0
    with _psycopg(url) as conn, conn.cursor() as cursor:
        start = time.perf_counter()
        with cursor.copy(f"COPY ({CEILING_SQL}) TO STDOUT (FORMAT csv)", {"day": day}) as copy:
            for block in copy:
                size += len(block)
        seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "bytes": size}


def _fetch(url: str, day: date) -> dict:
    """The same SELECT through a server-side cursor, FETCH rows at a time, into Python tuples."""
    rows = 0
    with _psycopg(url) as conn, conn.cursor(name="ledger") as cursor:
        start = time.perf_counter()
        cursor.execute(CEILING_SQL, {"day": day})
        while batch := cursor.fetchmany(FETCH):
            rows += len(batch)
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
        rows.append(["ceiling: COPY (the rows) TO STDOUT csv", r["ceiling"]["fetch"]["rows"], copy,
                     round(r["ceiling"]["fetch"]["rows"] / copy), round(r["ceiling"]["copy"]["bytes"] / 1048576, 1), ""])
        rows.append(["ceiling: the same SELECT fetched by psycopg", r["ceiling"]["fetch"]["rows"], fetch,
                     round(r["ceiling"]["fetch"]["rows"] / fetch), None, ""])
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
