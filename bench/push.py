"""Push throughput: the real `POST /api/v1/sync/push`, batches of health checks, then the same batches again.

A homeroom teacher of a generated class pushes `batches` batches of `size` health_check records
through Flask's test client (the whole request: routing, login, JSON, validation, scope check,
the conflict-ignoring insert in a savepoint, the typed row, one commit). Each batch covers the
class's students, morning and noon, over the last days (a phone that was offline for a week
sends its outbox); later batches are corrections of the same checks, which is allowed (a
correction is a new record). The second pass sends every batch again: all duplicates, the path a
phone takes when its connection broke before the answer arrived. With `workers` > 1, a third pass
sends new batches from that many processes at once (like gunicorn workers), each as the homeroom
teacher of another class: a 503 there means the database was busy and the phone sends it again.
"""
from __future__ import annotations

import json
import multiprocessing
import queue
import statistics
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import event

from webapp.extensions import db
from webapp.health.records import MAX_BACKFILL_DAYS
from webapp.org.settings import county_zone

from webapp import create_app

from .common import (BENCH_CONFIG, Backend, bench_app, fresh_database, logged_in, ms, percentile, request, table,
                     timed)
from .county import CLASSES_PER_SCHOOL, generate, teacher_name

DEVICE = "bench-phone-0001"


def run(backend: Backend, batches: int, size: int, workers: int = 1) -> dict:
    """The passes on a fresh database of this backend."""
    with fresh_database(backend, "push") as url, bench_app(url) as app:
        county = generate(db.session, scale=0, days=0)  # one school: the teachers' classes and their students
        client = logged_in(app, "teacher")
        bodies = make_batches(county.students[county.class_id], batches, size)
        with StatementCounter(db.engine) as counter:
            first = send(app, client, bodies, counter)
        with StatementCounter(db.engine) as counter:
            retry = send(app, client, bodies, counter)
        result = {"backend": backend.name, "batches": batches, "batch_size": size, "first": first, "retry": retry}
        if workers > 1:
            classes = [county.students[class_id] for class_id, _school in county.classes[:CLASSES_PER_SCHOOL]]
            result["parallel"] = parallel(url, classes, batches, size, workers)
    return result


def make_batches(students: list[int], count: int, size: int) -> list[bytes]:
    """`count` push bodies of `size` health checks of these students, as the phone would send them."""
    now = datetime.now(county_zone()).replace(microsecond=0)
    grid = [(offset, session, student_id) for offset in range(MAX_BACKFILL_DAYS + 1)
            for session in ("morning", "noon") for student_id in students]
    bodies = []
    for number in range(count):
        records = [_record(now, *grid[(number * size + i) % len(grid)], temperature=36.0 + (i % 10) / 10)
                   for i in range(size)]
        bodies.append(json.dumps({"device_id": DEVICE, "records": records}).encode())
    return bodies


def _record(now: datetime, offset: int, session: str, student_id: int, temperature: float) -> dict:
    day = (now - timedelta(days=offset)).date()
    return {"id": str(uuid.uuid4()), "kind": "health_check", "recorded_at": now.isoformat(),
            "data": {"student_id": student_id, "date": day.isoformat(), "session": session, "present": True,
                     "absence_reason": None, "symptoms": [], "temperature": round(temperature, 1), "note": None}}


def send(app, client, bodies: list[bytes], counter: StatementCounter) -> dict:
    """Push every body; records/s, per-batch p50/p95, the statuses and the SQL statements per record."""
    seconds, statuses = [], Counter()
    for body in bodies:
        elapsed, response = timed(lambda: request(app, client, "POST", "/api/v1/sync/push", data=body,
                                                  content_type="application/json"))
        if response.status_code != 200:
            raise RuntimeError(f"push answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
        seconds.append(elapsed)
        statuses.update(result["status"] for result in response.get_json()["results"])
    records = sum(statuses.values())
    return {"records": records, "seconds": round(sum(seconds), 3),
            "records_per_s": round(records / sum(seconds), 1),
            "p50_ms": ms(statistics.median(seconds)), "p95_ms": ms(percentile(seconds, 0.95)),
            "max_ms": ms(max(seconds)), "statuses": dict(statuses),
            "statements_per_record": round(counter.count / records, 2)}


def parallel(url: str, classes: list[list[int]], batches: int, size: int, workers: int) -> dict:
    """`batches` new batches sent by `workers` processes at once, each a teacher of its own class."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each: no connection shared with us
    barrier, answers = context.Barrier(workers), context.Queue()
    shares = [batches // workers + (1 if number < batches % workers else 0) for number in range(workers)]
    processes = [context.Process(target=_worker, args=(url, number, classes[number], shares[number], size,
                                                       barrier, answers)) for number in range(workers)]
    for process in processes:
        process.start()
    done = _answers(processes, answers)
    seconds = [s for answer in done for s in answer["seconds"]]
    statuses = sum((Counter(answer["statuses"]) for answer in done), Counter())
    wall = max(a["end"] for a in done) - min(a["start"] for a in done)
    stored = statuses["accepted"] + statuses["duplicate"]
    return {"workers": workers, "records": sum(statuses.values()), "seconds": round(wall, 3),
            "records_per_s": round(stored / wall, 1), "p50_ms": ms(statistics.median(seconds)),
            "p95_ms": ms(percentile(seconds, 0.95)), "max_ms": ms(max(seconds)), "statuses": dict(statuses)}


def _answers(processes: list, answers) -> list[dict]:
    """Each worker's answer; RuntimeError as soon as one died without answering (never wait forever)."""
    done = []
    while len(done) < len(processes):
        try:
            done.append(answers.get(timeout=2))
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                for process in processes:
                    process.terminate()
                raise RuntimeError("a push worker failed (its traceback is above)") from None
    for process in processes:
        process.join()
    return done


def _worker(url: str, number: int, students: list[int], count: int, size: int, barrier, answers) -> None:
    """One process of the parallel pass: log in, wait for the others, push, report the timings."""
    app = create_app({**BENCH_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    app.logger.setLevel("CRITICAL")  # a busy database is counted below, not printed with its traceback
    client = logged_in(app, teacher_name(number))
    with app.app_context():  # the county's time zone is a setting of the app
        bodies = make_batches(students, count, size)
    seconds, statuses = [], Counter()
    barrier.wait()
    start = time.time()
    for body in bodies:
        elapsed, response = timed(lambda: request(app, client, "POST", "/api/v1/sync/push", data=body,
                                                  content_type="application/json"))
        seconds.append(elapsed)
        if response.status_code == 200:
            statuses.update(result["status"] for result in response.get_json()["results"])
        else:
            statuses[f"HTTP {response.status_code}"] += size  # nothing stored: the phone sends them again
    answers.put({"start": start, "end": time.time(), "seconds": seconds, "statuses": dict(statuses)})


class StatementCounter:
    """Counts the SQL statements sent to the database while it is open."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _seen(self, *_args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


PASSES = {"first": "new, 1 process", "retry": "resent (duplicates)", "parallel": "new, {workers} processes"}


def report(results: list[dict]) -> str:
    """The push table: one line per backend and pass."""
    rows = []
    for result in results:
        for name in ("first", "retry", "parallel"):
            r = result.get(name)
            if r is None:
                continue
            statuses = ", ".join(f"{k} {v}" for k, v in sorted(r["statuses"].items()))
            rows.append([result["backend"], PASSES[name].format(**r), r["records"], r["records_per_s"], r["p50_ms"],
                         r["p95_ms"], r["max_ms"], r.get("statements_per_record"), statuses])
    size = results[0]["batch_size"] if results else 0
    return table(f"Push throughput (POST /api/v1/sync/push, batches of {size} health checks)",
                 ["database", "pass", "records", "records/s", "p50 ms", "p95 ms", "max ms", "SQL/record",
                  "statuses"], rows)
