"""SQLite as the embedded default: WAL and a busy timeout on every connection, so that two gunicorn
workers pushing at once queue for the write lock and never answer 503."""
from __future__ import annotations

import multiprocessing
import uuid

import pytest
from sqlalchemy import func, select, text

from tests.conftest import make_test_app
from tests.factories import PASSWORD
from webapp.database import SQLITE_BUSY_TIMEOUT_MS
from webapp.extensions import db
from webapp.sync.models import SyncRecord

THREADS, BATCHES, SIZE = 4, 5, 100  # per process: like a gunicorn worker with 4 threads


@pytest.fixture
def sqlite_app(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    return app


def test_every_connection_runs_in_wal_mode_with_a_busy_timeout(sqlite_app):
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS


def _worker(url: str, username: str, student_ids: list[int], answers) -> None:
    """One process: THREADS threads, each pushing BATCHES batches of SIZE checks; the status codes."""
    import threading

    from tests.health.helpers import at

    app = make_test_app(url)
    codes = []

    def pushes() -> None:
        client = app.test_client()
        assert client.post("/login", data={"login": username, "password": PASSWORD}).status_code == 302
        for _ in range(BATCHES):
            records = [{"id": str(uuid.uuid4()), "kind": "health_check", "recorded_at": at(7, 40),
                        "data": {"student_id": student_ids[i % len(student_ids)], "date": "2026-03-02",
                                 "session": "morning", "present": True}} for i in range(SIZE)]
            codes.append(client.post("/api/v1/sync/push", json={"device_id": username, "records": records})
                         .status_code)

    threads = [threading.Thread(target=pushes) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    answers.put(codes)


def test_two_processes_pushing_at_once_are_all_answered(sqlite_app, county, database_url):
    context = multiprocessing.get_context("spawn")  # fresh interpreters, like gunicorn's workers
    answers = context.Queue()
    classes = [("homeroom_a1", [s.id for s in county.students_a1_1]),
               ("homeroom_a1_2", [s.id for s in county.students_a1_2])]
    processes = [context.Process(target=_worker, args=(database_url, username, ids, answers))
                 for username, ids in classes]
    for process in processes:
        process.start()
    codes = [code for _ in processes for code in answers.get(timeout=300)]
    for process in processes:
        process.join(timeout=60)
    assert codes == [200] * (2 * THREADS * BATCHES)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SyncRecord)) == 2 * THREADS * BATCHES * SIZE
