"""A county's day at scale: the questions leaders ask after the morning check, and what phones pull.

On a generated county (bench/county.py) with this morning's checks in, it times the operations
behind the office screens (`completeness()` for the county and for one township, `unit_day()` for
one school), the same through their pages, the day's ledger export (one school, the whole county)
and the full pull of a homeroom teacher, a school admin and a county admin, with the size of what
each sends. On PostgreSQL it also measures the database size per 100,000 check records.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from webapp.dashboard.operations import completeness
from webapp.extensions import db
from webapp.health.operations import unit_day
from webapp.org.models import Unit

from .common import (Backend, bench_app, fresh_database, gzipped_size, kib, logged_in, ms, repeat, request, table,
                     timed)
from .county import County, generate


@dataclass
class Measure:
    """One thing timed: what it is, who asks, and the work (which returns bytes sent, or None)."""

    name: str
    who: str
    work: Callable[[], bytes | None]


def run(backend: Backend, scale: float, days: int, times: int) -> dict:
    """Generate the county on a fresh database of this backend and time each measure `times` times."""
    with fresh_database(backend, "day") as url, bench_app(url) as app:
        seconds, county = timed(lambda: generate(db.session, scale, days))
        if backend.name == "postgresql":
            db.session.execute(text("ANALYZE"))  # autovacuum would have, on a server running for a day
            db.session.commit()
        results = [_measure(measure, times) for measure in measures(app, county, days)]
        return {"backend": backend.name, "scale": scale, "days": days, "generate_s": round(seconds, 1),
                "rows": county.counts, "people": _people(county), "measures": results,
                "storage": storage(backend)}


def _people(county: County) -> dict:
    return {"classes": len(county.classes), "students": sum(len(s) for s in county.students.values()),
            "staff": sum(len(s) for s in county.staff.values()), "schools": len(county.staff)}


def _measure(measure: Measure, times: int) -> dict:
    def once():
        db.session.remove()  # every run starts like a new request: nothing loaded yet
        return measure.work()
    timing, body = repeat(once, times)
    sent = {} if body is None else {"bytes": len(body), "gzip_bytes": gzipped_size(body)}
    return {"name": measure.name, "who": measure.who, **timing.as_dict(), **sent}


# ---- what is measured ----------------------------------------------------------------------

class Visitors:
    """The county's accounts, logged in through test clients, ready to ask for pages."""

    def __init__(self, app, names: tuple[str, ...] = ("county", "township", "school", "teacher")):
        self.app = app
        self.clients = {name: logged_in(app, name) for name in names}

    def get(self, who: str, url: str) -> Callable[[], bytes]:
        return lambda: _get(self.app, self.clients[who], url)

    def pull_again(self, who: str) -> Callable[[], bytes]:
        """The pull a phone makes at every sync: with the cursor of its last pull (nothing changed since)."""
        cursor = json.loads(_get(self.app, self.clients[who], "/api/v1/sync/pull"))["cursor"]
        return self.get(who, f"/api/v1/sync/pull?cursor={cursor}")


def measures(app, county: County, days: int) -> list[Measure]:
    """The operations (called directly) and the requests (through the test client, logged in)."""
    visitors = Visitors(app)
    return (operation_measures(county) + page_measures(visitors, county) + ledger_measures(visitors, county, days)
            + pull_measures(visitors))


def operation_measures(county: County) -> list[Measure]:
    """The office screens' operations, without the page around them."""
    def unit(unit_id: int) -> Unit:
        return db.session.get(Unit, unit_id)
    day = county.today
    return [Measure("completeness() county", "county admin", lambda: _done(completeness(unit(county.county_id), day))),
            Measure("completeness() township", "township admin",
                    lambda: _done(completeness(unit(county.township_id), day))),
            Measure("unit_day() school", "school admin", lambda: _done(unit_day(unit(county.school_id), day)))]


def page_measures(visitors: Visitors, county: County) -> list[Measure]:
    day = county.today
    return [Measure("start page /", "county admin", visitors.get("county", "/")),
            Measure("completeness page, county", "county admin",
                    visitors.get("county", f"/reports/completeness?date={day}")),
            Measure("completeness page, missing only", "county admin",
                    visitors.get("county", f"/reports/completeness?date={day}&missing=1")),
            Measure("daily report page, school", "school admin",
                    visitors.get("school", f"/reports/{county.school_id}?date={day}"))]


def ledger_measures(visitors: Visitors, county: County, days: int) -> list[Measure]:
    """The day's check ledger of one school, made in the request. A township's or the county's is a
    background job: the leaders bench (bench/leaders.py) measures it."""
    def ledger(who: str, unit_id: int, day) -> Callable[[], bytes]:
        return visitors.get(who, f"/reports/ledger.xlsx?unit_id={unit_id}&date={day}")
    return [Measure("ledger .xlsx, school", "school admin", ledger("school", county.school_id, county.today))]


def pull_measures(visitors: Visitors) -> list[Measure]:
    """Full pulls (a new phone, a cursor older than a week) by scope, and the every-sync pull with a cursor."""
    full = [Measure("full pull", title, visitors.get(who, "/api/v1/sync/pull"))
            for who, title in (("teacher", "homeroom teacher"), ("school", "school admin"),
                               ("township", "township admin"), ("county", "county admin"))]
    return full + [Measure("pull with cursor, nothing new", "homeroom teacher", visitors.pull_again("teacher"))]


def _done(_result) -> None:
    return None  # an operation's answer is objects in memory: nothing is sent


def _get(app, client, url: str) -> bytes:
    response = request(app, client, "GET", url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response.get_data()


# ---- storage -------------------------------------------------------------------------------

TABLES = ("health_check", "sync_record", "daily_report", "student", "staff", "unit")


def storage(backend: Backend) -> dict:
    """Table and index sizes, and the bytes a check record costs (typed row + envelope + indexes)."""
    if backend.name == "postgresql":
        sizes = {name: _pg_sizes(name) for name in TABLES}
    else:
        sizes = _sqlite_sizes()
    checks = db.session.scalar(text("SELECT count(*) FROM health_check"))
    per_record = sum(sizes[name]["total"] for name in ("health_check", "sync_record") if name in sizes) / max(checks, 1)
    return {"tables": sizes, "check_records": checks, "bytes_per_check": round(per_record),
            "mib_per_100k_checks": round(per_record * 100_000 / 2**20, 1)}


def _pg_sizes(name: str) -> dict:
    """Sizes of a table with its partitions if it has some (health_check by month on PostgreSQL)."""
    tree = "(SELECT relid FROM pg_partition_tree({0}) UNION SELECT {0}) AS tree"  # empty for a plain table
    row = db.session.execute(text(
        "SELECT sum(pg_total_relation_size(relid)), sum(pg_relation_size(relid)), sum(pg_indexes_size(relid)), "
        f"(SELECT count(*) FROM {name}) FROM " + tree.format("CAST(:t AS regclass)")), {"t": name}).one()
    indexes = db.session.execute(text(
        "SELECT i.indexrelid::regclass::text, (SELECT sum(pg_relation_size(relid)) FROM "
        + tree.format("i.indexrelid::regclass") + ") FROM pg_index i WHERE i.indrelid = CAST(:t AS regclass) "
        "ORDER BY 2 DESC"), {"t": name}).all()
    return {"total": int(row[0]), "heap": int(row[1]), "indexes": int(row[2]), "rows": row[3],
            "index_sizes": {index: int(size) for index, size in indexes}}


def _sqlite_sizes() -> dict:
    """Per table (with its indexes) from SQLite's dbstat table, else the file's size only."""
    try:
        owner = dict(db.session.execute(text(
            "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")).all())
        pages = db.session.execute(text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all()
    except OperationalError:  # an SQLite built without the dbstat table: report what can be known
        db.session.rollback()
        return {"file": {"total": os.path.getsize(db.engine.url.database), "heap": 0, "indexes": 0}}
    sizes = {name: {"total": 0, "heap": 0, "indexes": 0,
                    "rows": db.session.scalar(text(f"SELECT count(*) FROM {name}"))} for name in TABLES}
    for name, size in pages:
        table_name = owner.get(name, name)
        if table_name in sizes:
            sizes[table_name]["total"] += size
            sizes[table_name]["heap" if table_name == name else "indexes"] += size
    return sizes


# ---- the tables ----------------------------------------------------------------------------

def report(results: list[dict]) -> str:
    """The timings, then the storage."""
    if not results:
        return ""
    first = results[0]["people"]
    title = (f"A county's day (scale {results[0]['scale']}: {first['students']:,} students, {first['staff']:,} staff, "
             f"{first['classes']:,} classes, {first['schools']:,} schools; {results[0]['rows']['health_check']:,} "
             f"check rows); times in ms over {len(results[0]['measures'][0]['runs_s'])} runs")
    rows = [[r["backend"], m["name"], m["who"], ms(m["first_s"]), ms(m["median_s"]), ms(m["min_s"]),
             kib(m["bytes"]) if "bytes" in m else None, kib(m["gzip_bytes"]) if "gzip_bytes" in m else None]
            for r in results for m in r["measures"]]
    out = table(title, ["database", "what", "who", "first", "median", "best", "KiB", "KiB gzip"], rows)
    return out + "\n" + storage_report(results)


def storage_report(results: list[dict]) -> str:
    rows = []
    for result in results:
        tables, s = result["storage"]["tables"], result["storage"]
        for name, size in tables.items():
            rows.append([result["backend"], name, size.get("rows"), kib(size["heap"]), kib(size["indexes"]),
                         kib(size["total"])])
        rows.append([result["backend"], f"= per check record: {s['bytes_per_check']} B; "
                     f"{s['mib_per_100k_checks']} MiB per 100,000 checks", None, None, None, None])
    return table("Storage (health_check + sync_record make a check record)",
                 ["database", "table", "rows", "heap KiB", "indexes KiB", "total KiB"], rows)
