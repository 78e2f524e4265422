"""Phones pushing at once through gunicorn, next to the database's own rate for the same rows.

The app runs as `make run` runs it (bench/server.py: gunicorn, 2 workers × 4 threads, CSRF on).
`phones` phones, each the homeroom teacher of its own class, log in over HTTP, wait for each
other, then each sends `batches` batches of `size` health checks, one after the other, as
static/js/sync.js does. Then:

- **the ceiling**: the rows those pushes stored (`sync_record` envelopes and `health_check`
  rows) are read back and written again with executemany into a fresh copy of the same schema
  (the same county, so the same foreign keys hold), `size` records per transaction, on one
  connection, the best of three runs. No HTTP, no Python validation: what the database itself
  does with the same rows;
- **16 copies**: 16 connections send the same new batch at the same moment, each with its records
  in another order (a phone's push and the same outbox uploaded as a file): every copy must be
  answered, one `accepted` per record and the rest `duplicate`, none 503.
"""
from __future__ import annotations

import json
import random
import statistics
import threading
import time
from collections import Counter

from sqlalchemy import create_engine, delete, insert, select

from webapp.extensions import db
from webapp.health.models import HealthCheck
from webapp.sync.models import SyncRecord

from .common import Backend, bench_app, fresh_database, ms, percentile, table
from .county import generate, teacher_name
from .push import make_batches
from .server import Phone, Server, serve

PASSWORD = "bench-1234"
COPIES = 16
GOAL_RATIO, GOAL_P99_S = 0.3, 1.0


def run(backend: Backend, phones: int = 8, batches: int = 15, size: int = 100) -> dict:
    """The three measures on fresh databases of this backend."""
    with fresh_database(backend, "phones") as url:
        with bench_app(url) as app:
            county = generate(db.session, scale=0, days=0)
            classes = [county.students[class_id] for class_id, _ in county.classes[:phones + 1]]
            bodies = [make_batches(classes[n], batches, size) for n in range(phones)]
            copy = json.loads(make_batches(classes[phones], 1, size)[0])
        with serve(url) as server:
            pushed = push_at_once(server, [teacher_name(n) for n in range(phones)], bodies)
            copies = copies_at_once(server.url, teacher_name(phones), copy)
        envelopes, checks = stored_rows(url)
    with fresh_database(backend, "ceiling") as url, bench_app(url):
        generate(db.session, scale=0, days=0)  # the same county: the same ids for the foreign keys
        db.session.remove()
        ceiling = executemany(url, envelopes, checks, size)
    return {"backend": backend.name, "phones": phones, "batch_size": size, "push": pushed, "ceiling": ceiling,
            "copies": copies, "ratio": round(pushed["records_per_s"] / ceiling["records_per_s"], 3)}


# ---- the phones ----------------------------------------------------------------------------

def push_at_once(server: Server, usernames: list[str], bodies: list[list[bytes | tuple[str, bytes]]]) -> dict:
    """Each phone logs in, all start together, each sends its batches in turn; throughput and latency.

    A batch given as (username, body) is sent by that account from the same thread (a school admin's
    own phone, logged in before the start like the others): one thread, several phones in turn.
    """
    phones = [{None: Phone(server.url)} for _ in usernames]
    for own, username, batches in zip(phones, usernames, bodies):
        own[None].log_in(username, PASSWORD)
        for other in {batch[0] for batch in batches if isinstance(batch, tuple)}:
            own[other] = Phone(server.url)
            own[other].log_in(other, PASSWORD)
    barrier = threading.Barrier(len(phones))
    timings: list[list[float]] = [[] for _ in phones]
    statuses: list[Counter] = [Counter() for _ in phones]
    cpu_before = server.cpu_seconds()

    def send(number: int) -> None:
        barrier.wait()
        for batch in bodies[number]:
            username, body = sender(batch)
            start = time.perf_counter()
            status, answer = phones[number][username].push(body)
            timings[number].append(time.perf_counter() - start)
            _count(statuses[number], status, answer, body)

    start = time.perf_counter()
    _run_threads(send, len(phones))
    wall = time.perf_counter() - start
    for phone in (phone for own in phones for phone in own.values()):
        phone.close()
    seconds = [s for phone in timings for s in phone]
    counts = sum(statuses, Counter())
    stored = counts["accepted"] + counts["duplicate"]
    return {"records": sum(counts.values()), "seconds": round(wall, 3), "records_per_s": round(stored / wall, 1),
            "p50_ms": ms(statistics.median(seconds)), "p99_ms": ms(percentile(seconds, 0.99)),
            "max_ms": ms(max(seconds)), "statuses": dict(counts),
            "server_cpu_ms_per_record": round(1000 * (server.cpu_seconds() - cpu_before) / max(stored, 1), 3)}


def sender(batch: bytes | tuple[str, bytes]) -> tuple[str | None, bytes]:
    """(the account that sends it, None for the phone's own; the body) of a batch given to push_at_once."""
    return batch if isinstance(batch, tuple) else (None, batch)


def _count(counter: Counter, status: int, answer: bytes, body: bytes) -> None:
    if status == 200:
        counter.update(result["status"] for result in json.loads(answer)["results"])
    else:
        counter[f"HTTP {status}"] += len(json.loads(body)["records"])  # nothing stored: the phone resends


def _run_threads(work, count: int) -> None:
    threads = [threading.Thread(target=work, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)


def copies_at_once(base: str, username: str, body: dict, copies: int = COPIES) -> dict:
    """`copies` connections send the same new batch at once, each shuffled: what each was answered."""
    phones = [Phone(base) for _ in range(copies)]
    for phone in phones:
        phone.log_in(username, PASSWORD)
    shuffled = []
    for number in range(copies):
        records = list(body["records"])
        random.Random(number).shuffle(records)
        shuffled.append(json.dumps({**body, "records": records}).encode())
    barrier, statuses, per_record = threading.Barrier(copies), Counter(), Counter()
    lock = threading.Lock()

    def send(number: int) -> None:
        barrier.wait()
        status, answer = phones[number].push(shuffled[number])
        with lock:
            _count(statuses, status, answer, shuffled[number])
            if status == 200:
                per_record.update(r["id"] for r in json.loads(answer)["results"] if r["status"] == "accepted")

    _run_threads(send, copies)
    for phone in phones:
        phone.close()
    return {"copies": copies, "records": len(body["records"]), "statuses": dict(statuses),
            "accepted_once": sorted(set(per_record.values())) == [1] and len(per_record) == len(body["records"])}


# ---- the ceiling ---------------------------------------------------------------------------

def stored_rows(url: str) -> tuple[list[dict], list[dict]]:
    """The envelopes and check rows the pushes stored, in the same order (a record's two rows at one index)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            envelopes = [dict(r) for r in conn.execute(select(SyncRecord.__table__).order_by("id")).mappings()]
            checks = [dict(r) for r in conn.execute(select(HealthCheck.__table__).order_by("record_id")).mappings()]
    finally:
        engine.dispose()
    return envelopes, checks


def executemany(url: str, envelopes: list[dict], checks: list[dict], size: int, runs: int = 3) -> dict:
    """The same rows written again with executemany, `size` records (envelope + check) per transaction.

    The best of `runs` (emptied in between): a ceiling is what the database can do, and a shared
    machine only ever makes a run slower.
    """
    engine = create_engine(url)
    envelope_insert, check_insert = insert(SyncRecord.__table__), insert(HealthCheck.__table__)
    seconds = []
    try:
        for _ in range(runs):
            with engine.begin() as conn:
                conn.execute(delete(HealthCheck.__table__))
                conn.execute(delete(SyncRecord.__table__))
            start = time.perf_counter()
            for first in range(0, len(envelopes), size):
                with engine.begin() as conn:
                    conn.execute(envelope_insert, envelopes[first:first + size])
                    conn.execute(check_insert, checks[first:first + size])
            seconds.append(time.perf_counter() - start)
    finally:
        engine.dispose()
    return {"records": len(envelopes), "seconds": round(min(seconds), 3), "runs_s": [round(s, 3) for s in seconds],
            "records_per_s": round(len(envelopes) / min(seconds), 1)}


# ---- the report ----------------------------------------------------------------------------

def report(results: list[dict]) -> str:
    rows = []
    for r in results:
        push, ceiling, copies = r["push"], r["ceiling"], r["copies"]
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(push["statuses"].items()))
        rows.append([r["backend"], f"{r['phones']} phones through gunicorn", push["records"], push["records_per_s"],
                     push["p50_ms"], push["p99_ms"], push["server_cpu_ms_per_record"], statuses])
        rows.append([r["backend"], "ceiling: executemany, same rows", ceiling["records"], ceiling["records_per_s"],
                     None, None, None, f"push = {r['ratio']:.2f} × ceiling"])
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(copies["statuses"].items()))
        rows.append([r["backend"], f"{copies['copies']} shuffled copies at once", copies["records"] * copies["copies"],
                     None, None, None, None, statuses + ("; each record accepted once" if copies["accepted_once"]
                                                         else "; NOT each record accepted once")])
    size = results[0]["batch_size"] if results else 0
    return table(f"Phones pushing through gunicorn (batches of {size} health checks)",
                 ["database", "what", "records", "records/s", "p50 ms", "p99 ms", "app CPU ms/record", "answers"],
                 rows)


def goals(results: list[dict]) -> list[dict]:
    """The rows of the goals table (bench/goals.py) this bench answers."""
    rows = []
    for r in results:
        push = r["push"]
        if r["backend"] != "postgresql":  # the goals are PostgreSQL's; SQLite has the copies row only
            rows.append(_copies_goal(r))
            continue
        rows.append({"what": f"push, {r['phones']} phones, records/s ({r['backend']})",
                     "figure": push["records_per_s"], "ceiling": r["ceiling"]["records_per_s"],
                     "goal": f"≥ {GOAL_RATIO} × ceiling", "met": r["ratio"] >= GOAL_RATIO})
        rows.append({"what": f"push, batch of {r['batch_size']} p50 ms ({r['backend']})", "figure": push["p50_ms"],
                     "ceiling": None, "goal": "-", "met": None})
        rows.append({"what": f"push, batch of {r['batch_size']} p99 ms ({r['backend']})", "figure": push["p99_ms"],
                     "ceiling": None, "goal": f"< {GOAL_P99_S * 1000:.0f} ms", "met": push["p99_ms"] < GOAL_P99_S * 1000})
        rows.append(_copies_goal(r))
    return rows


def _copies_goal(r: dict) -> dict:
    copies = r["copies"]
    answered = sum(v for k, v in copies["statuses"].items() if not k.startswith("HTTP"))
    return {"what": f"{copies['copies']} copies at once answered ({r['backend']})", "figure": answered,
            "ceiling": copies["records"] * copies["copies"], "goal": "all, none 503",
            "met": answered == copies["records"] * copies["copies"] and copies["accepted_once"]}
