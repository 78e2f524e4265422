"""`flask backup` / `flask restore`: a backup restores to an identical database, on SQLite and PostgreSQL."""
from __future__ import annotations

import stat

from sqlalchemy import MetaData, Table, delete, inspect, select, update

from tests.health.helpers import check, push, record
from webapp.extensions import db
from webapp.org.models import Responsibility, Staff, Unit


def snapshot() -> dict[str, list[tuple]]:
    """Every table of the database with all its rows, in a fixed order."""
    tables = {}
    with db.engine.connect() as connection:
        for name in sorted(inspect(connection).get_table_names()):
            table = Table(name, MetaData(), autoload_with=connection)
            tables[name] = sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
    return tables


def change_everything(county) -> None:
    db.session.execute(delete(Responsibility))
    db.session.execute(update(Unit).where(Unit.id == county.school_a1.id).values(name="改名小学"))
    db.session.add(Staff(unit=county.school_a1, name="新来的", phone="13900009999"))
    db.session.commit()


def test_a_backup_restores_to_an_identical_database(app, county, runner, tmp_path):
    push(county.users.homeroom_a1, *[record("health_check", check(s)) for s in county.students_a1_1[:3]])
    school_id = county.school_a1.id
    before = snapshot()
    assert sum(map(len, before.values())) > 40 and len(before) >= 10
    path = tmp_path / "nightly" / "shaodian.backup"
    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    change_everything(county)
    assert snapshot() != before
    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert snapshot() == before
    db.session.add(Staff(unit_id=school_id, name="恢复后新来的"))  # the id sequences came back too
    db.session.commit()


def test_restore_asks_first_and_refuses_a_file_that_is_no_backup(app, county, runner, tmp_path):
    path = tmp_path / "shaodian.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    assert runner.invoke(args=["backup", str(path)]).exit_code != 0  # never over an older backup
    before = snapshot()
    assert runner.invoke(args=["restore", str(path)], input="n\n").exit_code != 0
    other = tmp_path / "notes.txt"
    other.write_text("not a backup")
    refused = runner.invoke(args=["restore", str(other), "--yes"])
    assert refused.exit_code != 0 and "notes.txt" in refused.output
    assert snapshot() == before
