"""Past one machine: two app servers on one database, one phone syncing through both in turn.

Each server is the app in its own process (tests/e2e/serve.py) on the same database; the phone
logs in once (sessions live in the database, the secret key is shared) and pushes its outbox
through one server, then again through the other as a retry with new records, then through
both at the same moment. Every record is stored once, and either server serves what the other
stored.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench.server import Phone, free_port
from tests.health.helpers import at

ROOT = Path(__file__).resolve().parents[2]


class AppServer:
    def __init__(self, database_url: str, log: Path):
        self.port, self.log = free_port(), log
        self.url = f"http://127.0.0.1:{self.port}"
        with open(log, "ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "tests.e2e.serve", "--db", database_url,
                                             "--port", str(self.port)], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server stopped:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/sw.js", timeout=5):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        pytest.fail(f"the server did not start:\n{log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def servers(database_url, tmp_path):
    started = []
    try:
        started.append(AppServer(database_url, tmp_path / "a.log"))  # builds the test county
        started.append(AppServer(database_url, tmp_path / "b.log"))
        yield started
    finally:
        for server in started:
            server.stop()


def _rows(database_url: str, sql: str) -> list[tuple]:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).all()
    finally:
        engine.dispose()


def _records(student_ids: list[int], session: str = "morning") -> list[dict]:
    return [{"id": str(uuid.uuid4()), "kind": "health_check", "recorded_at": at(12, 40),
             "data": {"student_id": sid, "date": "2026-03-02", "session": session, "present": True,
                      "absence_reason": None, "symptoms": [], "temperature": 36.6, "note": None}}
            for sid in student_ids]


def _statuses(phone: Phone, records: list[dict]) -> list[str]:
    status, answer = phone.push(json.dumps({"device_id": "phone-1", "records": records}).encode())
    assert status == 200, answer
    return [result["status"] for result in json.loads(answer)["results"]]


def _through(server: AppServer, phone: Phone) -> Phone:
    """The same phone (its login cookie and token) talking to another server."""
    other = Phone(server.url)
    other.cookies, other.csrf = dict(phone.cookies), phone.csrf
    return other


def test_one_phone_through_two_servers_stores_every_record_once(servers, database_url):
    a, b = servers
    students = [sid for (sid,) in _rows(database_url, """
        SELECT s.id FROM student s JOIN user_account u ON u.scope_unit_id = s.class_id
        WHERE u.username = 'homeroom_a1' ORDER BY s.id""")]
    on_a = Phone(a.url)
    on_a.log_in("homeroom_a1", "pass-1234")
    on_b = _through(b, on_a)
    first, more, both = _records(students[:2]), _records(students[2:4]), _records(students[:2], "noon")

    assert _statuses(on_a, first) == ["accepted"] * 2
    # The answer was lost: the phone sends its outbox again, now through the other server, with more.
    assert _statuses(on_b, first + more) == ["duplicate"] * 2 + ["accepted"] * 2
    # Both servers at the same moment, the same records in another order.
    answers = {}
    threads = [threading.Thread(target=lambda n, p, r: answers.__setitem__(n, _statuses(p, r)), args=args)
               for args in (("a", on_a, both), ("b", _through(b, on_a), list(reversed(both))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answers["a"] + answers["b"]) == ["accepted"] * 2 + ["duplicate"] * 2

    sent = {r["id"] for r in first + more + both}
    stored = _rows(database_url, "SELECT CAST(id AS VARCHAR(40)), kind FROM sync_record")
    assert len(stored) == len(sent) == 6
    assert {str(uuid.UUID(i)) for i, _kind in stored} == sent
    assert _rows(database_url, "SELECT count(*) FROM health_check") == [(6,)]
    # Either server shows what the other stored: the class's day counts the six checks on both.
    (class_id,), = _rows(database_url, "SELECT scope_unit_id FROM user_account WHERE username = 'homeroom_a1'")
    for server in (a, b):
        status, _page = _through(server, on_a).request("GET", f"/reports/{class_id}?date=2026-03-02")
        assert status == 200
    for phone in (on_a, on_b):
        phone.close()
