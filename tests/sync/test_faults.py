"""Faults on the way, at a size CI affords: nothing recorded is lost or counted twice.

Three phones push their classes' checks to gunicorn (2 workers) through a proxy that answers 5 %
of the requests with a 500 without passing them on and drops 10 % of the answers after the server
committed them; two workers are SIGKILLed in the middle of the pushes; every batch is sent twice,
all batches in shuffled order, and some checks are corrected by a later one. Each phone does what
static/js/sync.js does: a batch leaves the outbox only once the server acknowledged every record
(accepted or duplicate); a 5xx or a broken connection sends it again. In the end the database
holds every record exactly once, and the tallies the leaders read match the checks.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import signal
import threading
import uuid
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.server import Phone, serve
from tests.conftest import COUNTY_ZONE
from webapp.extensions import db
from webapp.health.models import CheckTally, HealthCheck
from webapp.org.settings import local_today
from webapp.sync.models import SyncRecord

CHINA = COUNTY_ZONE  # the test county's zone (tests/conftest.py), not always +08:00
DAYS, BATCH, ATTEMPTS = 3, 6, 40
FAIL_500, DROP_ANSWER = 0.05, 0.10


class FaultyProxy(ThreadingHTTPServer):
    """Passes requests on to `upstream`, but answers some with a 500 and drops some answers after the fact."""

    daemon_threads = True

    def __init__(self, upstream: str, seed: int):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream.removeprefix("http://")
        self.random, self.lock = random.Random(seed), threading.Lock()
        self.counts = {"500": 0, "dropped": 0, "passed": 0}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def fate(self, path: str) -> str:
        if not path.startswith("/api/v1/sync/push"):
            return "passed"  # the login and the session go through: the faults are the push's
        with self.lock:
            roll = self.random.random()
            fate = "500" if roll < FAIL_500 else "dropped" if roll < FAIL_500 + DROP_ANSWER else "passed"
            self.counts[fate] += 1
            return fate


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fate = self.server.fate(self.path)
        if fate == "500":
            self._answer(500, {"Content-Type": "text/plain"}, b"proxy: upstream error")
            return
        host, port = self.server.upstream.split(":")
        upstream = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "host")}
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
        except OSError:
            self.close_connection = True  # a killed worker: the phone sees a broken connection
            return
        finally:
            upstream.close()
        if fate == "dropped":  # the server committed; the phone never hears of it
            self.close_connection = True
            return
        self._answer(answer.status, {k: v for k, v in answer.getheaders()
                                     if k.lower() not in ("connection", "transfer-encoding", "content-length")}, data)

    def _answer(self, status: int, headers: dict, data: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _relay


def workers_of(master: int) -> list[int]:
    """The pids of gunicorn's workers (children of the master this test started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def outbox(student_ids: list[int], rng: random.Random) -> list[dict]:
    """A class's checks of the last days, and a later correction (a fever) for two of its students."""
    now, today = datetime.now(CHINA), local_today()
    records = []
    for back in range(DAYS):
        day = today - timedelta(days=back)
        at = min(datetime(day.year, day.month, day.day, 8, tzinfo=CHINA), now - timedelta(minutes=30))
        for session in ("morning", "noon"):
            for student in student_ids:
                records.append(_check(student, day, session, at, None))
    for student in student_ids[:2]:
        records.append(_check(student, today, "morning", now - timedelta(minutes=10), 38.6))
    rng.shuffle(records)
    return records


def _check(student: int, day, session: str, at: datetime, temperature) -> dict:
    return {"id": str(uuid.uuid4()), "kind": "health_check", "recorded_at": at.isoformat(timespec="seconds"),
            "data": {"student_id": student, "date": day.isoformat(), "session": session, "present": True,
                     "absence_reason": None, "symptoms": [], "temperature": temperature, "note": None}}


def send_until_acknowledged(phone: Phone, batch: list[dict], stats: dict) -> None:
    """Like sync.js: the same batch again after a 5xx or a broken connection, until every record is acknowledged."""
    body = json.dumps({"device_id": f"fault-{id(phone)}", "records": batch}).encode()
    for _ in range(ATTEMPTS):
        try:
            status, data = phone.push(body)
        except (OSError, http.client.HTTPException):
            phone.connection.close()
            stats["retries"] += 1
            continue
        if status == 200:
            results = json.loads(data)["results"]
            assert {r["status"] for r in results} <= {"accepted", "duplicate"}, results
            return
        assert status >= 500, (status, data[:300])
        stats["retries"] += 1
    pytest.fail(f"a batch was not acknowledged after {ATTEMPTS} attempts")


@pytest.mark.parametrize("seed", [7])
def test_faults_on_the_way_lose_nothing_and_count_nothing_twice(app, county, database_url, seed):
    rng = random.Random(seed)
    classes = {"homeroom_a1": county.students_a1_1, "homeroom_a1_2": county.students_a1_2,
               "homeroom_b1": county.students_b1_1}
    outboxes = {user: outbox([s.id for s in students], rng) for user, students in classes.items()}
    db.session.commit()
    db.engine.dispose()
    stats = {"retries": 0, "killed": 0}
    with serve(database_url, extra_env={"JOBS_WORKER": "off"}) as server:
        proxy = FaultyProxy(server.url, seed)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        sent, kill_at, lock = [0], {4, 11}, threading.Lock()

        def phone_day(username: str) -> None:
            phone = Phone(proxy.url)
            phone.log_in(username, "pass-1234")
            records = outboxes[username]
            batches = [records[i:i + BATCH] for i in range(0, len(records), BATCH)]
            twice = [list(b) for b in batches for _ in (0, 1)]
            rng_phone = random.Random(f"{seed}-{username}")
            rng_phone.shuffle(twice)
            for batch in twice:
                rng_phone.shuffle(batch)
                with lock:
                    sent[0] += 1
                    if sent[0] in kill_at and (workers := workers_of(server.pid)):
                        os.kill(workers[0], signal.SIGKILL)  # gunicorn starts another
                        stats["killed"] += 1
                send_until_acknowledged(phone, batch, stats)
            phone.close()

        errors = []
        threads = [threading.Thread(target=lambda u=u: _collect(errors, phone_day, u)) for u in classes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        proxy.shutdown()
        proxy.server_close()
        assert not errors, errors
    every = [r["id"] for records in outboxes.values() for r in records]
    assert stats["killed"] == 2 and proxy.counts["500"] > 0 and proxy.counts["dropped"] > 0, (stats, proxy.counts)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SyncRecord)) == len(every)  # none lost, none twice
    assert set(db.session.scalars(select(SyncRecord.id))) == set(every)
    assert db.session.scalar(select(func.count()).select_from(HealthCheck)) == len(every)
    assert tallies() == recounted()  # the leaders' figures: each person once, the corrections counted
    people = sum(len(students) for students in classes.values())
    assert sum(checked for checked, _fever in tallies().values()) == people * DAYS * 2


def tallies() -> dict:
    rows = db.session.execute(select(CheckTally.unit_id, CheckTally.date, CheckTally.session, CheckTally.checked,
                                     CheckTally.fever).where(CheckTally.checked > 0))
    return {(unit, day, str(session.value)): (checked, fever) for unit, day, session, checked, fever in rows}


def recounted() -> dict:
    """The same figures from the checks themselves: per person and session, the check in force."""
    current = {}
    for check in db.session.scalars(select(HealthCheck).order_by(HealthCheck.effective_at, HealthCheck.received_at,
                                                                   HealthCheck.record_id)):
        current[(check.student_id, check.date, check.session)] = check
    counts = {}
    for check in current.values():
        checked, fever = counts.get((check.unit_id, check.date, str(check.session.value)), (0, 0))
        counts[(check.unit_id, check.date, str(check.session.value))] = (checked + 1, fever + check.fever)
    return counts


def _collect(errors: list, work, *args) -> None:
    try:
        work(*args)
    except BaseException as error:  # noqa: BLE001  (reported by the test's thread)
        errors.append(repr(error))
