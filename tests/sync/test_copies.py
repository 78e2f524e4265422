"""Many copies of one new batch at the same moment, each in another order: every copy is answered.

A phone's push and the same outbox uploaded as a file, a retry after a lost answer: the copies
hold the same records in different orders and mix kinds (checks and a report), the order in
which two transactions could wait for each other in a circle. Each copy is its own request on
its own connection; only the database can keep the second copy out.
"""
from __future__ import annotations

import json
import random
import threading
from collections import Counter
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from tests.conftest import make_test_app
from tests.factories import PASSWORD
from tests.health.helpers import at, check, record, report
from tests.sync.helpers import push, statuses
from tests.sync.test_upload import counts, outbox_file, upload
from webapp import database
from webapp.extensions import db
from webapp.health.models import DailyReport, HealthCheck
from webapp.sync import registry
from webapp.sync.models import SyncRecord
from webapp.sync.registry import Field, RecordKind

COPIES = 16


@pytest.fixture
def clients(database_url, county):
    """COPIES clients of one app with a pool big enough for all of them, logged in as homeroom_a1."""
    app = make_test_app(database_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": COPIES + 2, "max_overflow": 0})
    clients = [app.test_client() for _ in range(COPIES)]
    for client in clients:
        assert client.post("/login", data={"login": "homeroom_a1", "password": PASSWORD}).status_code == 302
    yield clients
    with app.app_context():
        db.engine.dispose()


def test_sixteen_shuffled_copies_pushed_and_uploaded_at_once_are_all_answered(clients, county):
    records = [record("health_check", check(s, session)) for s in county.students_a1_1 for session in ("morning", "noon")]
    records.append(record("daily_report", report(county.class_a1_1, zero_report=True), at(9, 0)))
    copies = []
    for number in range(COPIES):
        shuffled = list(records)
        random.Random(number).shuffle(shuffled)
        copies.append(shuffled)
    barrier, answers = threading.Barrier(COPIES), [None] * COPIES

    def send(number: int) -> None:
        barrier.wait()
        client, batch = clients[number], copies[number]
        answers[number] = push(client, batch) if number % 2 else upload(client, outbox_file(batch))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [answer.status_code for answer in answers] == [200] * COPIES
    tally = Counter()
    for number, answer in enumerate(answers):
        if number % 2:
            tally.update(status for status, _code in statuses(answer))
        else:
            tally.update({status: n for status, n in counts(answer).items() if n})
    assert tally == {"accepted": len(records), "duplicate": len(records) * (COPIES - 1)}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SyncRecord)) == len(records)
    assert db.session.scalar(select(func.count()).select_from(HealthCheck)) == len(records) - 1
    assert db.session.scalar(select(func.count()).select_from(DailyReport)) == 1


class Deadlocked(Exception):
    sqlstate = "40P01"  # what psycopg's DeadlockDetected carries


@pytest.fixture
def flaky_kind():
    """`test_flaky`: the database reports a deadlock the first `fail` times it is stored."""
    state = SimpleNamespace(fail=1, calls=0)

    def prepare(batch, items):
        state.calls += 1
        if state.calls <= state.fail:
            raise OperationalError("INSERT …", {}, Deadlocked("deadlock detected"))
        return [{} for _ in items]  # nothing to write besides the envelope

    registry.register(RecordKind(name="test_flaky", prepare=prepare, fields=(Field("n", "integer"),)))
    yield state
    registry.unregister("test_flaky")


def _flaky() -> dict:
    return {**record("test_flaky", {"n": 1}), "kind": "test_flaky"}


def test_a_push_the_database_aborted_for_a_deadlock_is_run_again(county, as_user, flaky_kind):
    client = as_user("homeroom_a1")
    batch = [_flaky(), _flaky()]
    response = push(client, batch)
    assert response.status_code == 200 and statuses(response) == [("accepted", None)] * 2
    assert flaky_kind.calls == 2  # aborted once, then stored
    assert db.session.scalar(select(func.count()).select_from(SyncRecord)) == 2


def test_a_deadlock_every_time_is_a_503_with_nothing_stored(county, as_user, flaky_kind):
    flaky_kind.fail = database.ATTEMPTS
    response = as_user("homeroom_a1").post("/api/v1/sync/push", json={"device_id": "d", "records": [_flaky()]})
    assert response.status_code == 503 and json.loads(response.data)["error"]
    assert flaky_kind.calls == database.ATTEMPTS
    assert db.session.scalar(select(func.count()).select_from(SyncRecord)) == 0
