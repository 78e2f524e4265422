"""health_check by month on PostgreSQL (health/partitions.py, migration 0024); one plain table on SQLite.

What a county's office would check: every check lands in its month (or, for a day no month holds,
in DEFAULT) and is read back the same; a resent check is still a duplicate; the upgrade moves the
stored checks without losing or doubling one; a backup comes back with its partitions.
"""
from __future__ import annotations

import os
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from tests.conftest import TEST_DATABASE_URL, _admin_connection, _pg_url, make_test_app
from tests.factories import build_county
from webapp.extensions import db
from webapp.health import partitions
from webapp.health.models import HealthCheck
from webapp.org.models import User
from webapp.org.settings import local_today

from .helpers import DAY, check, push, record, staff_check

FEBRUARY = date(2026, 2, 26)  # within the backfill days of DAY (2 March), a month with no partition made


def postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("month partitions are PostgreSQL's; SQLite keeps one table")


def stored_in(record_id: str) -> str:
    """The partition that holds a check (its tableoid), without the schema."""
    return db.session.scalar(text("SELECT tableoid::regclass::text FROM health_check WHERE record_id = CAST(:id AS uuid)"),
                             {"id": record_id}).removeprefix(f"{partitions.SCHEMA}.")


def month_partitions() -> dict[str, str]:
    with db.engine.connect() as connection:
        return partitions.partitions(connection, "health_check")


def checks() -> list[tuple]:
    """Every stored check, every column, in a fixed order."""
    return [tuple(row) for row in db.session.execute(select(HealthCheck.__table__).order_by("record_id"))]


def test_the_check_table_is_partitioned_by_month_on_postgresql_and_plain_on_sqlite(app):
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("SELECT type FROM sqlite_master WHERE name LIKE 'health_check%' "
                                       "AND type = 'table'")).scalars().all() == ["table"]
        keys = [row.name for row in db.session.execute(text("PRAGMA table_info(health_check)")) if row.pk]
        assert keys == ["record_id"]
        return
    assert db.session.scalar(text("SELECT pg_get_partkeydef(partrelid) FROM pg_partitioned_table "
                                  "WHERE partrelid = 'health_check'::regclass")) == "RANGE (date)"
    made = month_partitions()
    assert made["health_check_default"] == "DEFAULT"
    for month in partitions.months_around(local_today()):  # create_all made this month and two ahead
        end = partitions.first_of(month, 1)
        assert made[partitions.month_name("health_check", month)] == f"FOR VALUES FROM ('{month}') TO ('{end}')"
    assert db.session.scalar(text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'p' "
                                  "AND conrelid = 'health_check'::regclass")) == "PRIMARY KEY (record_id, date)"
    # The app's schema shows one table: the months are in their own.
    assert db.session.scalar(text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
                                  "AND tablename LIKE 'health_check%'")) == 1


def test_a_check_lands_in_its_months_partition_and_a_day_of_no_month_in_default(county, as_user):
    postgres_only()
    assert partitions.ensure_months(today=DAY) == ["health_check_y2026m03", "health_check_y2026m04",
                                                   "health_check_y2026m05"]
    student = county.students_a1_1[0]
    march = record("health_check", check(student, temperature=36.6))
    february = record("health_check", check(student, day=FEBRUARY, temperature=38.1))
    assert [r["status"] for r in push(county.users.homeroom_a1, march, february)] == ["accepted", "accepted"]
    assert stored_in(march["id"]) == "health_check_y2026m03"
    assert stored_in(february["id"]) == "health_check_default"
    # Both read back, by id and on the person's history page.
    assert db.session.get(HealthCheck, february["id"]).date == FEBRUARY
    assert db.session.get(HealthCheck, march["id"]).temperature == 36.6
    page = as_user("homeroom_a1").get(f"/reports/person/{student.id}").get_data(as_text=True)
    assert "38.1" in page and "36.6" in page


def test_a_month_made_after_its_checks_arrived_takes_them_out_of_default_and_a_resend_is_a_duplicate(county, as_user):
    postgres_only()
    batch = {"device_id": "phone-1", "records": [record("health_check", check(s)) for s in county.students_a1_1]}
    api = as_user("homeroom_a1")
    first = api.post("/api/v1/sync/push", json=batch).get_json()["results"]
    assert {r["status"] for r in first} == {"accepted"}
    before = checks()
    assert {stored_in(r["id"]) for r in batch["records"]} == {"health_check_default"}
    db.session.commit()  # a transaction that read the checks holds DEFAULT until it ends: the month waits for it

    assert "health_check_y2026m03" in partitions.ensure_months(today=DAY)
    assert partitions.ensure_months(today=DAY) == []  # made once
    assert {stored_in(r["id"]) for r in batch["records"]} == {"health_check_y2026m03"}
    assert checks() == before  # moved, not lost, not doubled
    assert db.session.scalar(text(f"SELECT count(*) FROM {partitions.SCHEMA}.health_check_default")) == 0

    again = api.post("/api/v1/sync/push", json=batch).get_json()["results"]
    assert [(r["id"], r["status"]) for r in again] == [(r["id"], "duplicate") for r in first]
    changed = {**batch, "records": [{**batch["records"][0], "data": check(county.students_a1_1[0], present=False,
                                                                         absence_reason="personal")}]}
    refused = api.post("/api/v1/sync/push", json=changed).get_json()["results"][0]
    assert (refused["status"], refused["code"]) == ("rejected", "conflict")  # other content under a stored id
    assert checks() == before


def test_the_job_worker_makes_the_months_once_a_day_and_flask_partitions_on_demand(app, runner):
    if db.engine.dialect.name == "sqlite":
        assert partitions.ensure_months() == []
        assert "SQLite" in runner.invoke(args=["partitions"]).output
        return
    last = partitions.month_name("health_check", partitions.first_of(local_today(), partitions.AHEAD))
    db.session.execute(text(f"DROP TABLE {partitions.SCHEMA}.{last}"))
    db.session.commit()
    partitions.keep_ahead()
    assert last in month_partitions()
    db.session.execute(text(f"DROP TABLE {partitions.SCHEMA}.{last}"))
    db.session.commit()
    partitions.keep_ahead()  # the same day: no second look
    assert last not in month_partitions()
    listed = runner.invoke(args=["partitions"])
    assert listed.exit_code == 0, listed.output
    assert last in month_partitions()
    lines = {line.split("\t")[0]: line for line in listed.output.splitlines()}
    assert set(lines) == {f"{partitions.SCHEMA}.{name}" for name in month_partitions()}
    assert "本次新建" in lines[f"{partitions.SCHEMA}.{last}"] and "0 行" in lines[f"{partitions.SCHEMA}.{last}"]


def test_a_backup_restores_the_checks_into_the_same_partitions(county, runner, tmp_path):
    postgres_only()
    partitions.ensure_months(today=DAY)
    students = county.students_a1_1
    pushed = [record("health_check", check(s)) for s in students[:3]] + \
        [record("health_check", check(s, day=FEBRUARY)) for s in students[3:]]
    push(county.users.homeroom_a1, *pushed)
    where = {r["id"]: stored_in(r["id"]) for r in pushed}
    before, months = checks(), month_partitions()
    path = tmp_path / "shaodian.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0

    db.session.commit()
    partitions.ensure_months(today=date(2027, 6, 1))  # months made after the backup …
    push(county.users.homeroom_a1, record("health_check", check(students[0], "noon")))  # … and a check
    assert checks() != before and month_partitions() != months
    teacher_id = county.users.homeroom_a1.id  # read now: the restore ends every session
    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert checks() == before and month_partitions() == months
    assert {r["id"]: stored_in(r["id"]) for r in pushed} == where
    assert set(where.values()) == {"health_check_y2026m03", "health_check_default"}
    assert [r["status"] for r in push(db.session.get(User, teacher_id), *pushed)] == ["duplicate"] * len(pushed)


# ---- migration 0024 moves the stored checks ---------------------------------------------------------

@pytest.fixture
def empty_postgres():
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    name = f"shaodian_parts_{os.getpid()}"
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _pg_url(name)
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_migration_moves_every_check_into_its_month_and_back_without_losing_or_doubling_one(empty_postgres):
    app = make_test_app(empty_postgres)
    with app.app_context():
        upgrade(revision="0023")
        county = build_county(db.session)
        db.session.commit()
        students, staff = county.students_a1_1, county.teacher_a1_1
        pushed = [record("health_check", check(s, temperature=36.5 + i / 10)) for i, s in enumerate(students)] + \
            [record("health_check", check(students[0], day=FEBRUARY, present=False, absence_reason="illness",
                                          symptoms=["cough"])),
             record("staff_check", staff_check(staff))]
        assert {r["status"] for r in push(county.users.school_a1, *pushed)} == {"accepted"}
        db.session.execute(text("UPDATE health_check SET date = '2019-05-06' WHERE record_id = CAST(:id AS uuid)"),
                           {"id": pushed[1]["id"]})  # a check of long ago
        db.session.commit()
        before, school_id = checks(), county.users.school_a1.id
        assert len(before) == len(pushed)
        db.session.remove()  # the migration waits for every transaction that read the table

        upgrade()
        assert checks() == before
        assert {stored_in(r["id"]) for r in pushed} == {"health_check_y2026m03", "health_check_y2026m02",
                                                        "health_check_y2019m05"}
        assert stored_in(pushed[1]["id"]) == "health_check_y2019m05"
        made = month_partitions()
        assert {partitions.month_name("health_check", m) for m in partitions.months_around(local_today())} <= set(made)
        assert made["health_check_default"] == "DEFAULT"
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                    db.metadata) == []
            indexes = set(connection.execute(text("SELECT indexrelid::regclass::text FROM pg_index "
                                                  "WHERE indrelid = 'health_check'::regclass")).scalars())
        assert {"ix_health_check_date_unit", "ix_health_check_student_day", "ix_health_check_staff_day",
                "ix_health_check_abnormal",
                "pk_health_check"} == indexes
        assert [r["status"] for r in push(db.session.get(User, school_id), *pushed)] == ["duplicate"] * len(pushed)
        db.session.remove()

        downgrade(revision="0023")
        assert checks() == before
        assert month_partitions() == {}
        assert db.session.scalar(text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'p' "
                                      "AND conrelid = 'health_check'::regclass")) == "PRIMARY KEY (record_id)"
        db.session.remove()
        db.engine.dispose()
