"""The schema is made only by migrations: they apply to an empty database and match the models."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import TEST_DATABASE_URL, _admin_connection, _pg_url, make_test_app
from webapp.extensions import db

BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    name = f"shaodian_migr_{os.getpid()}"
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _pg_url(name)
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _differences(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_build_the_models_schema_on_an_empty_database(empty_database):
    app = make_test_app(empty_database)
    with app.app_context():
        upgrade()
        assert _differences(app) == []
        db.engine.dispose()


def test_migrations_go_down_and_up_again(empty_database):
    app = make_test_app(empty_database)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        assert _differences(app) == []
        db.engine.dispose()


# ---- data written before a migration is intact after it -------------------------------------

from datetime import datetime  # noqa: E402

from sqlalchemy import text  # noqa: E402

CHECK_ID, REPORT_ID = "0b6e3f4a-5c1d-4e2f-9a8b-7c6d5e4f3a2b", "5d1e9b0c-0000-4000-8000-00000000beef"
ENTRY_ID = "77aa01f2-1111-4222-8333-444455556666"
RECORDED, RECEIVED = datetime(2026, 3, 1, 23, 41, 9), datetime(2026, 3, 1, 23, 50)
CHECK_DATA = '{"student_id": 1, "date": "2026-03-02", "session": "morning", "present": true, "symptoms": []}'


def _rows_of_revision_0001(dialect: str) -> list[tuple[str, dict]]:
    """A class, a student, a teacher, a checkpoint; a check, a report and a checkpoint entry with a follow-up."""
    when = {"t": RECORDED, "r": RECEIVED}
    json = "CAST({} AS json)" if dialect == "postgresql" else "{}"  # SQLite would make a number of it
    envelope = ("INSERT INTO sync_record (id, kind, user_id, device_id, recorded_at, recorded_offset_minutes, "
                "received_at, content_hash, data) VALUES (:id, :kind, 1, 'phone', :t, 480, :r, :hash, " + json.format(":data") + ")")
    return [
        ("INSERT INTO unit (id, kind, name, parent_id, path, created_at) VALUES (1, 'klass', '一(1)班', NULL, '/1/', :t)",
         when),
        ("INSERT INTO student (id, class_id, student_no, name, gender, active, updated_at) "
         "VALUES (1, 1, 'S1', '学生', 'male', true, :t)", when),
        ("INSERT INTO user_account (id, username, display_name, password_hash, role, scope_unit_id, active, "
         "must_change_password, created_at) VALUES (1, 't', '王老师', 'x', 'homeroom_teacher', 1, true, false, :t)", when),
        ("INSERT INTO checkpoint (id, name, unit_id, address, active_from, created_at, updated_at) "
         "VALUES (1, '东村卡点', 1, '', '2026-01-01', :t, :t)", when),
        (envelope, {**when, "id": CHECK_ID, "kind": "health_check", "hash": "a" * 64, "data": CHECK_DATA}),
        ("INSERT INTO health_check (record_id, student_id, unit_id, date, session, present, symptoms, fever, "
         "other_symptoms, user_id, device_id, recorded_at, received_at) VALUES (:id, 1, 1, '2026-03-02', 'morning', "
         "true, " + json.format("'[]'") + ", false, false, 1, 'phone', :t, :r)", {**when, "id": CHECK_ID}),
        (envelope, {**when, "id": REPORT_ID, "kind": "daily_report", "hash": "b" * 64, "data": "{}"}),
        ("INSERT INTO daily_report (record_id, unit_id, date, zero_report, expected, checked, absent, abnormal, late, "
         "user_id, device_id, recorded_at, received_at) VALUES (:id, 1, '2026-03-02', true, 1, 1, 0, 0, false, 1, "
         "'phone', :t, :r)", {**when, "id": REPORT_ID}),
        (envelope, {**when, "id": ENTRY_ID, "kind": "checkpoint_entry", "hash": "c" * 64, "data": "{}"}),
        ("INSERT INTO checkpoint_entry (id, unit_id, user_id, device_id, recorded_at, recorded_offset_minutes, "
         "received_at, checkpoint_id, direction, verified, shown, disinfected, fever, flagged) VALUES (:id, 1, 1, "
         "'phone', :t, 480, :r, 1, 'in', false, '', true, false, true)", {**when, "id": ENTRY_ID}),
        ("INSERT INTO checkpoint_entry_follow_up (id, entry_id, user_id, created_at) VALUES (1, :id, 1, :t)",
         {**when, "id": ENTRY_ID}),
    ]


def test_records_stored_before_the_uuid_and_effective_time_migrations_are_intact(empty_database):
    from webapp.duty.models import CheckpointEntry, EntryFollowUp
    from webapp.health.models import DailyReport, HealthCheck
    from webapp.sync.models import SyncRecord

    app = make_test_app(empty_database)
    with app.app_context():
        upgrade(revision="0001")
        for statement, params in _rows_of_revision_0001(db.engine.dialect.name):
            db.session.execute(text(statement), params)
        db.session.commit()
        upgrade()
        check, report = db.session.get(HealthCheck, CHECK_ID), db.session.get(DailyReport, REPORT_ID)
        assert check.record_id == CHECK_ID and check.student.name == "学生"
        assert check.effective_at == RECORDED and report.effective_at == RECORDED  # min(recorded, received)
        assert report.record_id == REPORT_ID and not report.late
        envelope = db.session.get(SyncRecord, CHECK_ID)
        assert (envelope.kind, envelope.content_hash, envelope.data["session"]) == ("health_check", "a" * 64, "morning")
        follow_up = db.session.get(EntryFollowUp, 1)
        assert follow_up.entry_id == ENTRY_ID and follow_up.entry.flagged
        assert db.session.get(CheckpointEntry, ENTRY_ID).checkpoint.name == "东村卡点"
        # The county key (0022): every row knows its county, back-filled from its unit's path.
        for table in ("unit", "student", "user_account", "checkpoint", "sync_record", "health_check", "daily_report",
                      "checkpoint_entry", "checkpoint_entry_follow_up"):
            assert db.session.execute(text(f"SELECT DISTINCT county_id FROM {table}")).scalars().all() == [1], table
        db.session.remove()
        downgrade(revision="0001")
        assert db.session.scalar(text("SELECT id FROM sync_record WHERE kind = 'health_check'")) == CHECK_ID
        assert db.session.scalar(text("SELECT entry_id FROM checkpoint_entry_follow_up")) == ENTRY_ID
        db.session.remove()
        db.engine.dispose()
