"""The county key: every table of county data says which county each row belongs to (docs/scaling.md).

A province shards by county; a row that does not know its county would be lost in the split.
"""
from __future__ import annotations

from sqlalchemy import text

from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.county import GLOBAL_TABLES, sources
from webapp.org.models import Gender, Role, Staff, Student, UnitKind

from .factories import PASSWORD
from .health.helpers import check, push, record, report, staff_check


def test_every_table_has_the_county_key_except_the_named_global_ones(app):
    tables = {table.name: table for table in db.metadata.sorted_tables}
    assert len(tables) > 40
    without = sorted(name for name, table in tables.items() if "county_id" not in table.c)
    assert without == sorted(GLOBAL_TABLES), "a new table of county data needs county_key(...) (org/county.py)"
    assert all(reason.strip() for reason in GLOBAL_TABLES.values())
    for name, table in tables.items():
        if name in GLOBAL_TABLES:
            continue
        column = table.c.county_id
        # It refers to the county's unit, or says why not (the two tables every pushed record writes).
        assert [fk.column.table.name for fk in column.foreign_keys] == ([] if column.info.get("unreferenced")
                                                                        else ["unit"]), name
        # Filled from a source the row always has (a county's settings name their county themselves).
        for source in sources(table):
            assert source in table.c and table.c[source].foreign_keys, (name, source)


def _neighbour_county():
    """A second county with a class, a student, a teacher and her account: ids unlike the first's."""
    county = org.create_unit(UnitKind.county, "邻县", None)
    township = org.create_unit(UnitKind.township, "南镇", county)
    school = org.create_unit(UnitKind.school, "南镇一小", township)
    grade = org.create_unit(UnitKind.grade, "一年级", school)
    klass = org.create_unit(UnitKind.klass, "一(1)班", grade)
    student = Student(klass=klass, student_no="N001", name="邻县学生", gender=Gender.male)
    teacher = Staff(unit=school, name="邻县老师", phone="13900000099")
    db.session.add_all([student, teacher])
    db.session.flush()
    user = org.create_account("neighbour", "neighbour", Role.homeroom_teacher, klass, PASSWORD, staff=teacher,
                              must_change_password=False)
    school_admin = org.create_account("neighbour_school", "neighbour_school", Role.school_admin, school, PASSWORD,
                                      must_change_password=False)
    db.session.commit()
    return county, klass, school, student, teacher, user, school_admin


def _counties(table: str) -> set:
    return set(db.session.execute(text(f"SELECT DISTINCT county_id FROM {table}")).scalars())


def test_rows_written_by_the_screens_and_by_the_push_carry_their_own_county(county):
    neighbour, klass, school, student, teacher, user, school_admin = _neighbour_county()
    assert neighbour.id != county.county.id
    # Units, people and accounts made through the ORM (the admin screens' operations).
    for table in ("unit", "student", "staff", "user_account"):
        assert _counties(table) == {county.county.id, neighbour.id}, table
    assert neighbour.county_id == neighbour.id and klass.county_id == neighbour.id
    assert db.session.get(Student, student.id).county_id == neighbour.id

    # The push stamps the pushing user's county on envelopes and typed rows, set-wise.
    first = push(county.users.homeroom_a1, record("health_check", check(county.students_a1_1[0])))
    second = push(user, record("health_check", check(student)))
    third = push(school_admin, record("staff_check", staff_check(teacher)), record("daily_report", report(school)))
    assert {r["status"] for r in first + second + third} == {"accepted"}
    rows = db.session.execute(text(
        "SELECT h.county_id, s.county_id, h.unit_id FROM health_check h JOIN sync_record s ON s.id = h.record_id")).all()
    by_unit = {unit_id: (check_county, envelope_county) for check_county, envelope_county, unit_id in rows}
    assert by_unit[county.class_a1_1.id] == (county.county.id, county.county.id)
    assert by_unit[klass.id] == (neighbour.id, neighbour.id) and by_unit[school.id] == (neighbour.id, neighbour.id)
    assert _counties("daily_report") == {neighbour.id}
    assert _counties("check_tally") == {county.county.id, neighbour.id}


def test_every_row_of_the_demo_county_knows_its_county(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    county_id = db.session.execute(text("SELECT id FROM unit WHERE parent_id IS NULL")).scalar_one()
    filled = 0
    for table in db.metadata.sorted_tables:
        if table.name in GLOBAL_TABLES:
            continue
        found = db.session.execute(text(
            f"SELECT count(*), count(county_id), sum(CASE WHEN county_id = :c THEN 1 ELSE 0 END) FROM {table.name}"),
            {"c": county_id}).one()
        rows, keyed, ours = found[0], found[1], found[2] or 0
        allowed_null = table.name == "audit_entry"  # a failed login of an unknown name is no county's
        assert ours == (rows if not allowed_null else keyed), (table.name, rows, keyed, ours)
        filled += rows > 0
    assert filled >= 30  # the demo writes most tables: the check is not empty
