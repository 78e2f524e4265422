"""Completeness: every class of an area with its checks and daily report, missing ones first."""
from __future__ import annotations


from sqlalchemy import event

from tests.health.helpers import utc
from webapp.dashboard.operations import completeness
from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import UnitKind
from tests.health.helpers import DAY, at, check, push, push_one, record, report

BEFORE_CUTOFF = utc(9)  # 09:00 in the county, as naive UTC
AFTER_CUTOFF = utc(11)  # 11:00


def _file_reports(county):
    push_one(county.users.homeroom_a1, "daily_report", report(county.class_a1_1, zero_report=True), at(9, 0))
    push_one(county.users.homeroom_b1, "daily_report", report(county.class_b1_1, expected=3, checked=3), at(10, 20))
    push(county.users.homeroom_a1, *[record("health_check", check(s)) for s in county.students_a1_1[:4]])


def _lines(status):
    return [(school.name, line.name, line.missing) for school in status.schools for line in school.classes]


def test_a_school_sees_its_classes_missing_first(county):
    _file_reports(county)
    status = completeness(county.school_a1, DAY, now=AFTER_CUTOFF)
    assert _lines(status) == [("东镇一小", "一(2)班", True), ("东镇一小", "一(1)班", False)]
    filed = status.schools[0].classes[1]
    assert (filed.expected, filed.morning, filed.noon) == (5, 4, 0)
    assert filed.report.report.zero_report and not filed.report.late
    assert status.past_cutoff and status.totals["missing"] == 1 and status.totals["zero"] == 1
    assert [line.name for _school, line in status.missing] == ["一(2)班"]


def test_a_township_sees_its_schools_and_nothing_of_the_other_township(county):
    _file_reports(county)
    status = completeness(county.township_a, DAY, now=BEFORE_CUTOFF)
    assert [school.name for school in status.schools] == ["东镇一小", "东镇中学"]
    assert all(school.township == "东镇" for school in status.schools)
    assert status.totals == {"classes": 2, "filed": 1, "missing": 1, "late": 0, "zero": 1, "expected": 9,
                             "morning": 4, "noon": 0}
    assert not status.past_cutoff


def test_the_county_sees_late_reports(county):
    _file_reports(county)
    status = completeness(county.county, DAY, now=AFTER_CUTOFF)
    lines = {(school.name, line.name): line for school in status.schools for line in school.classes}
    assert lines[("西镇一小", "一(1)班")].report.late
    assert status.totals["late"] == 1 and status.totals["classes"] == 3
    # Schools with the most missing classes come first.
    assert status.schools[0].name == "东镇一小"


def test_a_teacher_sees_her_class_only(county):
    status = completeness(county.class_a1_1, DAY, now=BEFORE_CUTOFF)
    assert _lines(status) == [("东镇一小", "一(1)班", True)]
    assert not status.schools[0].whole


def test_a_school_report_counts_for_the_school(county):
    push_one(county.users.school_a1, "daily_report", report(county.school_a1, expected=9, checked=9), at(9, 0))
    status = completeness(county.township_a, DAY, now=AFTER_CUTOFF)
    schools = {school.name: school for school in status.schools}
    assert schools["东镇一小"].report is not None and schools["东镇中学"].report is None


def _count_queries(scope) -> int:
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        completeness(scope, DAY, now=AFTER_CUTOFF)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_county(county):
    _file_reports(county)
    assert county.county.path
    small = _count_queries(county.county)
    grade = org.create_unit(UnitKind.grade, "二年级", county.school_b1)
    for n in range(30):
        org.create_unit(UnitKind.klass, f"二({n})班", grade)
    db.session.commit()
    assert county.county.path  # loaded again after the commit, before counting
    assert _count_queries(county.county) == small <= 5
