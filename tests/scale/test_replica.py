"""Dashboards and exports read a real streaming replica (DATABASE_REPLICA_URL) and say how old it is.

The test starts its own PostgreSQL primary and a replica fed by pg_basebackup and streaming
replication (tests/scale/clusters.py); it is skipped where PostgreSQL's server binaries are absent.
"""
from __future__ import annotations

import contextlib
import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.conftest import make_test_app
from tests.factories import build_county
from tests.health.helpers import DAY, check, push, record
from webapp import replica
from webapp.extensions import db
from webapp.jobs import operations as jobs

from . import clusters

pytestmark = pytest.mark.skipif(clusters.available() is not None, reason=str(clusters.available()))


@pytest.fixture(scope="module")
def pair():
    primary = clusters.primary()
    standby = None
    try:
        app = make_test_app(primary.url())
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        standby = clusters.replica_of(primary)
        yield primary, standby
    finally:
        for cluster in (standby, primary):
            if cluster is not None:
                clusters.remove(cluster)
        # The replica's bind made a MetaData on the shared `db`; another test's app has no such bind, and
        # its create_all would fail on it ("Bind key 'replica' is not in SQLALCHEMY_BINDS").
        db.metadatas.pop(replica.BIND, None)


@contextlib.contextmanager
def _connected(url: str):
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _caught_up(primary, standby, position: str = "replay") -> None:
    """Until the standby has received (or replayed) everything the primary has written so far."""
    with _connected(primary.url()) as p, _connected(standby.url()) as s:
        # The insert position, not the write position: the test cluster commits with synchronous_commit off
        # (clusters.primary), so a commit may still be in the WAL buffers, before pg_current_wal_lsn().
        target = p.scalar(text("SELECT pg_current_wal_insert_lsn()"))
        clusters.wait_for(lambda: s.scalar(text(f"SELECT pg_last_wal_{position}_lsn() >= CAST(:t AS pg_lsn)"),
                                           {"t": target}))


def _morning(page: str) -> str:
    """The card's figure as read: "2 / 5" (its whole is in smaller type, `<span class="of">`)."""
    found = re.search(r'<div class="num">(\d+)(?:<span class="of">)?( / \d+)(?:</span>)?</div>'
                      r'<div class="label">[^<]*(晨检|morning)', page)
    return found.group(1) + found.group(2)


def _replay(standby, what: str) -> None:
    with _connected(standby.url()) as connection:
        connection.execute(text(f"SELECT pg_wal_replay_{what}()"))


def test_the_leaders_screens_read_the_replica_and_say_how_old_it_is_when_behind(pair, monkeypatch):
    primary, standby = pair
    app = make_test_app(primary.url(), DATABASE_REPLICA_URL=standby.url())
    monkeypatch.setattr(replica, "LAG_SHOWN", timedelta(0))  # behind at all: say so (10 s in production)
    with app.app_context():
        county = build_county(db.session)
        db.session.commit()
        a11 = county.students_a1_1
        pushed = push(county.users.homeroom_a1, *[record("health_check", check(s)) for s in a11[:2]])
        assert [r["status"] for r in pushed] == ["accepted"] * 2, pushed
        _caught_up(primary, standby)
        client = app.test_client()
        assert client.post("/login", data={"login": "county", "password": "pass-1234"}).status_code == 302
        page = client.get(f"/reports/completeness?date={DAY}").get_data(as_text=True)
        assert _morning(page).startswith("2 / ") and "data-as-of" not in page

        _replay(standby, "pause")
        try:
            push(county.users.homeroom_a1, *[record("health_check", check(s)) for s in a11[2:4]])
            _caught_up(primary, standby, "receive")  # sent to the standby, not applied
            clusters.wait_for(lambda: replica.as_of() is not None)  # the standby knows it is behind
            # The primary has 4; the screens read the replica, still at 2, and say as of when.
            page = client.get(f"/reports/completeness?date={DAY}").get_data(as_text=True)
            assert _morning(page).startswith("2 / ") and "data-as-of" in page
            assert "data-as-of" in client.get("/").get_data(as_text=True)
            # A county ledger job reads the replica too: the two checks it has, not the four.
            client.post("/reports/ledger/job", data={"unit_id": county.county.id, "date": DAY.isoformat(),
                                                     "format": "csv"})
            jobs.run_pending()
            job = client.get("/jobs").get_data(as_text=True)
            status = client.get(re.search(r'href="(/jobs/\d+)"', job).group(1) + "/status").json
            lines = list(csv.reader(io.StringIO(client.get(status["download"]).data.decode("utf-8-sig"))))
            names = {s.name for s in a11[:4]}
            checked = [line for line in lines if len(line) > 7 and line[6] in names and line[7] == "是"]
            assert len(checked) == 2 and len([line for line in lines if len(line) > 6 and line[6] in names]) == 8
        finally:
            _replay(standby, "resume")
        _caught_up(primary, standby)
        page = client.get(f"/reports/completeness?date={DAY}").get_data(as_text=True)
        assert _morning(page).startswith("4 / ") and "data-as-of" not in page
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
