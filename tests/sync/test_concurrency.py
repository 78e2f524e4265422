"""Two copies of a batch arriving at once, on two connections, store one row per record.

Each thread has its own app (its own engine and connection pool) and its own logged-in client,
so each request runs in its own session and transaction: only the database's unique key can
keep the second copy out.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import make_test_app
from tests.factories import PASSWORD
from tests.sync.helpers import note, push
from webapp.extensions import db
from webapp.sync.models import SyncRecord


@pytest.fixture
def two_clients(database_url, county, note_kind):
    """Two clients of two apps on the same database, both logged in as homeroom_a1."""
    apps = [make_test_app(database_url) for _ in range(2)]
    clients = [a.test_client() for a in apps]
    for client in clients:
        assert client.post("/login", data={"login": "homeroom_a1", "password": PASSWORD}).status_code == 302
    yield clients
    for a in apps:
        with a.app_context():
            db.engine.dispose()


def push_at_once(clients, batches) -> list:
    """Send batches[i] from clients[i], all released together; the responses in the same order."""
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def send(i):
        barrier.wait()
        responses[i] = push(clients[i], batches[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def stored_ids() -> list[str]:
    db.session.rollback()  # a fresh snapshot, after the other connections committed
    return list(db.session.scalars(select(SyncRecord.id)))


def test_the_same_batch_sent_at_once_on_two_connections_is_stored_once(two_clients, county, note_kind):
    note_kind.delay = 0.05  # each apply takes a moment, so the two transactions overlap
    batch = [note(s.id) for s in county.students_a1_1]
    responses = push_at_once(two_clients, [batch, batch])
    assert [r.status_code for r in responses] == [200, 200]
    for index in range(len(batch)):
        outcomes = sorted(r.get_json()["results"][index]["status"] for r in responses)
        assert outcomes == ["accepted", "duplicate"]
    assert sorted(stored_ids()) == sorted(r["id"] for r in batch)
    assert len(note_kind.applied) == len(batch)  # the area's row was written once per record too


def test_overlapping_batches_in_opposite_orders_store_each_record_once(two_clients, county, note_kind):
    """On PostgreSQL the two may deadlock: the loser gets 503, stores nothing, and its retry is duplicate."""
    note_kind.delay = 0.1
    first, second = note(county.students_a1_1[0].id), note(county.students_a1_1[1].id)
    responses = push_at_once(two_clients, [[first, second], [second, first]])
    assert all(r.status_code in (200, 503) for r in responses) and any(r.status_code == 200 for r in responses)
    for client, response, batch in zip(two_clients, responses, [[first, second], [second, first]]):
        if response.status_code == 503:
            assert response.is_json
            assert {r["status"] for r in push(client, batch).get_json()["results"]} == {"duplicate"}
    assert sorted(stored_ids()) == sorted([first["id"], second["id"]])
    assert db.session.scalar(select(func.count()).select_from(SyncRecord)) == 2
