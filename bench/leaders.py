"""A county's whole day through gunicorn, then what its leaders open, at 200,000 people × 60 days.

PostgreSQL only (SQLite is the embedded default of a school, not a county). On a generated
county (bench/county.py, `scale` 1.0 = 199,401 students and 8,112 staff):

- **the history**: `days - 1` earlier days, as the leaders' screens read them: every class's and
  school's tallies (health/tallies.py: per session and per day) and daily report with its sync
  envelope, written by SQL (INSERT … SELECT generate_series).
  The earlier days' individual checks are not generated: no leaders' screen reads them (the
  tallies answer), and writing 24 million rows would take this machine an hour;
- **the county's day**: the morning and noon check of every student and staff member
  (~415,000 records) pushed through gunicorn as `make run` starts it, by `phones` phones at once
  in batches of 100 (static/js/sync.js), logged in as the county admin; the wall time is the
  figure, next to the same rows' executemany time (the phones bench's ceiling rate, same run);
- **the leaders' screens** afterwards, over HTTP as the county admin (the best and the median of
  5): the county's and the first township's start page and completeness page, the command view
  `/command`, the trends `/trends` (14 and 30 days), and `completeness()` in the process; each
  against the 300 ms goal. The day's checks are 1 % fevers, 1 % coughs and 3 % absences, so the
  lists of abnormal people hold a county's few thousand;
- **the county's ledger** of the day as a background job (webapp/jobs), .xlsx and then CSV:
  from the POST that starts it to the job's page saying it is ready, and the download.
"""
from __future__ import annotations

import json
import re
import statistics
import time
import uuid
from datetime import datetime, timedelta

from sqlalchemy import text

from webapp.dashboard.operations import completeness
from webapp.extensions import db
from webapp.org.models import Unit
from webapp.org.settings import county_zone

from .common import Backend, bench_app, fresh_database, ms, table, timed
from .county import generate, school_admin_name
from .phones import PASSWORD, push_at_once, sender
from .server import Phone, serve

DEVICE = "bench-leaders"
GOAL_DAY_S, GOAL_SCREEN_MS, GOAL_XLSX_S, GOAL_CSV_S = 120, 300, 30, 10
SCREEN_GOALS = ("start page", "township start page", "completeness page", "township completeness page",
                "completeness()", "command view", "trends, 14 days", "trends, 30 days")  # each < GOAL_SCREEN_MS


def run(backend: Backend, scale: float = 1.0, days: int = 60, phones: int = 8) -> dict | None:
    if backend.name != "postgresql":
        return None
    with fresh_database(backend, "leaders") as url:
        with bench_app(url) as app:
            generated, county = timed(lambda: generate(db.session, scale, days=0))
            history, _ = timed(lambda: _history(county, days - 1))
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            bodies = _day_bodies(county, phones)
        records = sum(len(json.loads(body)["records"]) for phone in bodies for _, body in map(sender, phone))
        with serve(url) as server:
            day = push_at_once(server, ["county"] * phones, bodies)
            _analyze(url)  # as autovacuum does after a day's 415,000 rows (its threshold: a tenth of a table)
            leader = Phone(server.url, timeout=600)
            leader.log_in("county", PASSWORD)
            screens = {name: _times(lambda p=path: _get(leader, p)) for name, path in _screens(county)}
            exports = {fmt: _export(leader, county, fmt) for fmt in ("xlsx", "csv")}
            leader.close()
        with bench_app(url) as app:
            def operation():  # as the county's screens call it: its classes counted per school in SQL
                db.session.remove()
                return completeness(db.session.get(Unit, county.county_id), county.today, per_school=True)
            screens["completeness()"] = _times(operation)
            tally_rows = db.session.scalar(text("SELECT count(*) FROM check_tally"))
            reports = db.session.scalar(text("SELECT count(*) FROM daily_report"))
    return {"backend": backend.name, "scale": scale, "days": days, "phones": phones,
            "people": sum(len(s) for s in county.students.values()) + sum(len(s) for s in county.staff.values()),
            "generate_s": round(generated, 1), "history_s": round(history, 1), "tally_rows": tally_rows,
            "daily_reports": reports, "day": {**day, "records_sent": records}, "screens": screens,
            "exports": exports}


def _analyze(url: str) -> None:
    """The planner's statistics brought up to the day just pushed (autovacuum's ANALYZE, at once)."""
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as connection:
        connection.execute("ANALYZE")


# ---- the data ------------------------------------------------------------------------------

def _history(county, earlier_days: int) -> None:
    """The tallies and the daily reports (with envelopes) of the earlier days, by SQL (PostgreSQL)."""
    if earlier_days < 1:
        return
    first, last = county.today - timedelta(days=earlier_days), county.today - timedelta(days=1)
    span = {"first": first, "last": last, "county": county.county_id, "user": county.users["county"]}
    db.session.execute(text("""
        INSERT INTO check_tally (unit_id, date, session, staff, county_id, checked, absent, illness, personal,
                                 other_reason, fever, symptoms, abnormal)
        SELECT p.unit_id, d::date, s.session, p.staff, :county, p.n - (p.n / 40), p.n / 40, p.n / 80, p.n / 80, 0,
               p.n / 100, 0, p.n / 80 + p.n / 100
        FROM (SELECT class_id AS unit_id, false AS staff, count(*) AS n FROM student GROUP BY class_id
              UNION ALL SELECT unit_id, true, count(*) FROM staff GROUP BY unit_id) p
        CROSS JOIN generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 day') d
        CROSS JOIN (VALUES ('morning'), ('noon')) s(session)"""), span)
    db.session.execute(text("""
        INSERT INTO day_tally (unit_id, date, staff, county_id, checked, absent, fever, illness, abnormal, symptoms)
        SELECT unit_id, date, staff, county_id, checked, absent, fever, illness, abnormal, symptoms FROM check_tally
        WHERE session = 'morning' AND date BETWEEN CAST(:first AS date) AND CAST(:last AS date)"""), span)
    # The units existed before the history began (the trace-back and the trends owe reports from then).
    db.session.execute(text("UPDATE unit SET created_at = CAST(:first AS date) - interval '1 day'"), span)
    db.session.execute(text("""
        CREATE TEMP TABLE bench_history ON COMMIT DROP AS
        SELECT gen_random_uuid() AS id, u.id AS unit_id, d::date AS day
        FROM unit u CROSS JOIN generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 day') d
        WHERE u.kind IN ('klass', 'school')"""), span)
    db.session.execute(text("""
        INSERT INTO sync_record (id, kind, user_id, device_id, recorded_at, recorded_offset_minutes, received_at,
                                 content_hash, data, county_id)
        SELECT id, 'daily_report', :user, 'bench', day + time '01:30', 480, day + time '01:30',
               md5(id::text) || md5(unit_id::text), json_build_object('unit_id', unit_id, 'date', day), :county
        FROM bench_history"""), span)
    db.session.execute(text("""
        INSERT INTO daily_report (record_id, unit_id, date, zero_report, expected, checked, absent, abnormal, late,
                                  user_id, device_id, recorded_at, received_at, effective_at, county_id)
        SELECT id, unit_id, day, true, 40, 40, 0, 0, false, :user, 'bench', day + time '01:30',
               day + time '01:30', day + time '01:30', :county FROM bench_history"""), span)
    db.session.commit()


def _findings(n: int) -> dict:
    """Mostly normal; as in bench/county.py about 1 % with a fever, 1 % a cough, 3 % absent (a quarter for
    illness): the start page and the command view list a county's few thousand abnormal people."""
    if n % 100 == 7:
        return {"present": True, "absence_reason": None, "symptoms": ["fever"], "temperature": 37.9}
    if n % 100 == 41:
        return {"present": True, "absence_reason": None, "symptoms": ["cough"], "temperature": 36.8}
    if n % 100 in (13, 57, 83):
        reason = "illness" if n % 400 == 13 else "personal"
        return {"present": False, "absence_reason": reason, "symptoms": ["cough"] if reason == "illness" else [],
                "temperature": None}
    return {"present": True, "absence_reason": None, "symptoms": [], "temperature": 36.5}


def _day_bodies(county, phones: int, size: int = 100) -> list[list[bytes | tuple[str, bytes]]]:
    """The day's checks of everyone, a run of batches a phone: the students' in batches of `size` by class
    (sent as the county admin), then each school's staff in one batch sent by its school admin (staff
    checks are the school's to record)."""
    now = datetime.now(county_zone()).replace(microsecond=0)
    day = now.date().isoformat()
    students = [sid for ids in county.students.values() for sid in ids]
    dealt: list[list] = [[] for _ in range(phones)]
    for session in ("morning", "noon"):  # the morning's checks first, then the noon's

        def batch(kind: str, key: str, people: list[int], first: int) -> bytes:
            records = [{"id": str(uuid.uuid4()), "kind": kind, "recorded_at": now.isoformat(),
                        "data": {key: person, "date": day, "session": session, **_findings(first + n), "note": None}}
                       for n, person in enumerate(people)]
            return json.dumps({"device_id": DEVICE, "records": records}).encode()
        by_class = [batch("health_check", "student_id", students[i:i + size], i) for i in range(0, len(students), size)]
        by_school, first = [], len(students)
        for school_id, ids in sorted(county.staff.items()):
            by_school.append((school_admin_name(county, school_id), batch("staff_check", "staff_id", ids, first)))
            first += len(ids)
        # Each phone pushes its own run of classes, as a county's teachers push their own class.
        # Dealt round-robin, the phones pushed neighbouring batches (sharing a class) at the same
        # moment, each waiting on the other's lock of that class's tally row: a chain of eight.
        for bodies in (by_class, by_school):
            share = -(-len(bodies) // phones)
            for n in range(phones):
                dealt[n] += bodies[n * share:(n + 1) * share]
    return dealt


# ---- the leaders ---------------------------------------------------------------------------

def _screens(county) -> list[tuple[str, str]]:
    """What the county admin opens, by name: the start pages, completeness, the command view, the trends."""
    return [("start page", "/"), ("township start page", f"/?unit_id={county.township_id}"),
            ("completeness page", f"/reports/completeness?date={county.today}"),
            ("township completeness page", f"/reports/completeness?unit_id={county.township_id}&date={county.today}"),
            ("command view", "/command"), ("trends, 14 days", "/trends"), ("trends, 30 days", "/trends?days=30")]


def _get(phone: Phone, path: str) -> bytes:
    status, body = phone.request("GET", path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    return body


def _times(work, runs: int = 5) -> dict:
    seconds = [timed(work)[0] for _ in range(runs)]
    return {"best_ms": ms(min(seconds)), "median_ms": ms(statistics.median(seconds)), "runs": runs}


def _export(phone: Phone, county, fmt: str) -> dict:
    """Start the county's ledger as a job from the completeness page, follow it, download it."""
    page = _get(phone, f"/reports/completeness?date={county.today}")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    form = f"csrf_token={token}&unit_id={county.county_id}&date={county.today}&format={fmt}"
    start = time.perf_counter()
    status, _ = phone.request("POST", "/reports/ledger/job", form.encode(),
                              {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise RuntimeError(f"starting the ledger job answered {status}")
    jobs = _get(phone, "/jobs").decode()  # the newest job first
    job_id = re.search(r'href="/jobs/(\d+)"', jobs).group(1)
    while True:
        state = json.loads(_get(phone, f"/jobs/{job_id}/status"))
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.25)
    seconds = time.perf_counter() - start
    size = len(_get(phone, state["download"])) if state["status"] == "done" else 0
    return {"status": state["status"], "seconds": round(seconds, 1), "rows": state["rows_done"], "bytes": size}


# ---- the tables ----------------------------------------------------------------------------

def report(results: list[dict]) -> str:
    rows = []
    for r in (r for r in results if r):
        d = r["day"]
        rows.append(["the county's day, pushed by %d phones" % r["phones"], f"{d['records']:,} records",
                     d["seconds"], f"{d['records_per_s']:,.0f} records/s, p99 {d['p99_ms']} ms",
                     ", ".join(f"{k} {v}" for k, v in sorted(d["statuses"].items()))])
        for name, timing in r["screens"].items():
            rows.append([f"{name}, county admin", f"{r['people']:,} people × {r['days']} days",
                         timing["best_ms"] / 1000, f"median {timing['median_ms']} ms", ""])
        for fmt, e in r["exports"].items():
            rows.append([f"county ledger .{fmt}, background job", f"{e['rows']:,} rows", e["seconds"],
                         f"{e['bytes'] / 1048576:.1f} MiB", e["status"]])
    return table("The county's day and its leaders (PostgreSQL, through gunicorn)",
                 ["what", "size", "seconds", "", "answers"], rows)


def goals(results: list[dict], ceiling_per_s: float | None = None) -> list[dict]:
    rows = []
    for r in (r for r in results if r):
        d = r["day"]
        ceiling = round(d["records"] / ceiling_per_s, 1) if ceiling_per_s else None
        rows.append({"what": f"a county's day, {d['records']:,} records pushed, s", "figure": d["seconds"],
                     "ceiling": ceiling, "goal": f"< {GOAL_DAY_S} s", "met": d["seconds"] < GOAL_DAY_S})
        for name in (n for n in r["screens"] if n in SCREEN_GOALS):
            best, median = r["screens"][name]["best_ms"], r["screens"][name]["median_ms"]
            rows.append({"what": f"{name} (county admin, {r['people']:,} people × {r['days']} days), best of 5, ms "
                                 f"(median {median:,.0f})", "figure": best,
                         "ceiling": None, "goal": f"< {GOAL_SCREEN_MS} ms", "met": best < GOAL_SCREEN_MS})
        for fmt, limit in (("xlsx", GOAL_XLSX_S), ("csv", GOAL_CSV_S)):
            e = r["exports"][fmt]
            rows.append({"what": f"county ledger .{fmt} ({e['rows']:,} rows) as a job, s", "figure": e["seconds"],
                         "ceiling": None, "goal": f"< {limit} s", "met": e["status"] == "done" and e["seconds"] < limit})
    return rows
