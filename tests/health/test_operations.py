"""The current value of the checks, the counts of a class / school, and each person's history."""
from __future__ import annotations

from sqlalchemy import event

from webapp.extensions import db
from webapp.health import operations
from webapp.health.models import CheckSession, HealthCheck
from webapp.org.models import UnitKind

from .helpers import DAY, at, check, push, push_one, record, report, staff_check, utc

MORNING, NOON = CheckSession.morning, CheckSession.noon


def test_a_second_entry_supersedes_the_first_and_history_keeps_both(county):
    student, user = county.students_a1_1[0], county.users.homeroom_a1
    push_one(user, "health_check", check(student, temperature=38.5), at(7, 30))
    push_one(user, "health_check", check(student, temperature=36.5), at(7, 45))  # a correction
    counts = operations.check_counts(operations.units_of_kind(county.class_a1_1, UnitKind.klass), DAY)
    assert counts[(county.class_a1_1.id, MORNING)].checked == 1
    assert counts[(county.class_a1_1.id, MORNING)].fever == 0
    lines = operations.history(HealthCheck.unit_id.is_not(None), HealthCheck.student_id, student.id)
    assert [(line.check.temperature, line.current) for line in lines] == [(36.5, True), (38.5, False)]


def test_of_two_teachers_the_latest_recorded_counts_whatever_arrives_last(county):
    student = county.students_a1_1[0]
    # The school admin checked at 07:50 and synced at once; the homeroom teacher checked at 07:40
    # but her phone was offline and synced later: the 07:50 check still counts.
    push_one(county.users.school_a1, "health_check", check(student, temperature=38.0), at(7, 50))
    push_one(county.users.homeroom_a1, "health_check", check(student, temperature=36.6), at(7, 40))
    abnormal = operations.unit_day(county.class_a1_1, DAY).students.abnormal
    assert [(a.name, a.check.temperature, a.check.user_id) for a in abnormal] == \
        [(student.name, 38.0, county.users.school_a1.id)]
    assert len(operations.history(HealthCheck.unit_id.is_not(None), HealthCheck.student_id, student.id)) == 2


def test_the_same_recorded_time_is_settled_by_the_time_received(county):
    student = county.students_a1_1[0]
    push_one(county.users.homeroom_a1, "health_check", check(student, temperature=36.6), at(7, 40))
    push_one(county.users.school_a1, "health_check", check(student, temperature=38.1), at(7, 40))
    abnormal = operations.unit_day(county.class_a1_1, DAY).students.abnormal
    assert [a.check.temperature for a in abnormal] == [38.1]


def _morning_of_school_a1(county):
    s1, s2 = county.students_a1_1, county.students_a1_2
    user = county.users.school_a1
    records = [record("health_check", check(s, temperature=36.5)) for s in s1[:3]]
    records += [record("health_check", check(s1[3], present=False, absence_reason="illness", symptoms=["cough"])),
                record("health_check", check(s2[0], temperature=38.2)),
                record("health_check", check(s2[1], present=False, absence_reason="personal")),
                record("health_check", check(s2[2], symptoms=["rash"])),
                record("health_check", check(s1[0], "noon", temperature=36.4), at(12, 30)),
                record("staff_check", staff_check(county.teacher_a1_1, temperature=37.8))]
    assert {r["status"] for r in push(user, *records)} == {"accepted"}


def test_the_counts_of_a_school_per_session_and_per_class(county):
    _morning_of_school_a1(county)
    day = operations.unit_day(county.school_a1, DAY)
    morning, noon = day.students.totals[MORNING], day.students.totals[NOON]
    assert (morning.expected, morning.checked, morning.not_checked) == (9, 7, 2)
    assert (morning.absent, morning.illness, morning.personal, morning.fever, morning.symptoms,
            morning.abnormal) == (2, 1, 1, 1, 2, 3)
    assert (noon.expected, noon.checked, noon.not_checked) == (9, 1, 8)
    per_class = {line.unit.name: line.counts[MORNING] for line in day.classes}
    assert (per_class["一(1)班"].checked, per_class["一(1)班"].not_checked, per_class["一(1)班"].illness) == (4, 1, 1)
    assert (per_class["一(2)班"].checked, per_class["一(2)班"].not_checked, per_class["一(2)班"].fever) == (3, 1, 1)
    assert {p.name for p in day.students.unchecked[MORNING]} == {county.students_a1_1[4].name,
                                                                  county.students_a1_2[3].name}
    assert {a.name for a in day.students.abnormal} == {county.students_a1_1[3].name, county.students_a1_2[0].name,
                                                       county.students_a1_2[2].name}
    assert (day.staff.totals[MORNING].expected, day.staff.totals[MORNING].fever) == (2, 1)
    assert [p.name for p in day.staff.unchecked[MORNING]] == [county.teacher_a1_2.name]


def test_a_class_report_shows_only_its_own_students(county):
    _morning_of_school_a1(county)
    day = operations.unit_day(county.class_a1_2, DAY)
    assert day.students.totals[MORNING].expected == 4 and day.staff is None
    assert {a.name for a in day.students.abnormal} == {county.students_a1_2[0].name, county.students_a1_2[2].name}


def test_report_status_knows_first_filing_lateness_and_the_current_version(county):
    user = county.users.homeroom_a1
    push_one(user, "daily_report", report(county.class_a1_1, zero_report=True), at(9, 30))
    push_one(user, "daily_report", report(county.class_a1_1, abnormal=1), at(10, 30))  # a late correction
    status = operations.report_status(operations.units_of_kind(county.school_a1, UnitKind.klass), DAY)
    line = status[county.class_a1_1.id]
    assert (line.late, line.versions, line.report.zero_report, line.report.abnormal) == (False, 2, False, 1)
    assert line.first_filed_at == utc(9, 30) and line.by == "homeroom_a1"
    assert county.class_a1_2.id not in status


def test_a_school_report_needs_a_few_queries_whatever_its_size(county, app):
    _morning_of_school_a1(county)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        operations.unit_day(county.school_a1, DAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 9
