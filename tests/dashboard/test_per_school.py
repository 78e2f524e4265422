"""A county's and a township's start page and command view count their classes per school in SQL
(`completeness(per_school=True)`): every figure must be the one the class-by-class count gives,
and the lines listed the first of the full lists."""
from __future__ import annotations

import pytest

from tests.dashboard.test_today import AFTER_CUTOFF, _morning
from tests.health.helpers import DAY, at, check, push, push_one, record, report, staff_check
from webapp.dashboard.command import command
from webapp.dashboard.operations import completeness, overview, students_below
from webapp.dashboard.today import today
from webapp.org.models import Role


def _day(county):
    """A fever, a cough, an illness; one class filed on time, one late (a zero report), the rest missing."""
    _morning(county)
    push_one(county.users.homeroom_a1, "daily_report", report(county.class_a1_1), at(9, 0))
    push_one(county.users.homeroom_b1, "daily_report", report(county.class_b1_1, expected=3, checked=3), at(10, 20))


@pytest.mark.parametrize("area", ["county", "township_a", "township_b"])
def test_the_per_school_count_is_the_class_by_class_count(county, area):
    _day(county)
    scope = getattr(county, area)
    listed = completeness(scope, DAY, AFTER_CUTOFF)
    counted = completeness(scope, DAY, AFTER_CUTOFF, per_school=True)
    assert listed.listed and not counted.listed
    assert counted.totals == listed.totals
    assert (counted.synced, counted.schools_missing) == (listed.synced, listed.schools_missing)
    assert [s.name for s in counted.schools] == [s.name for s in listed.schools]  # missing first, same order
    for mine, theirs in zip(counted.schools, listed.schools):
        assert [mine.total(n) for n in ("classes", "filed", "late", "zero", "expected", "morning", "noon")] == \
            [theirs.total(n) for n in ("classes", "filed", "late", "zero", "expected", "morning", "noon")]
        assert (mine.missing, mine.reports_missing, mine.reports_late) == \
            (theirs.missing, theirs.reports_missing, theirs.reports_late)
    assert overview(scope, students_below(counted)) == overview(scope)


@pytest.mark.parametrize("listed", [1, 2, 20])
def test_the_start_page_lists_the_first_lines_of_the_full_lists(county, listed):
    _day(county)
    full = today(county.county, DAY, Role.county_admin, now=AFTER_CUTOFF)
    shown = today(county.county, DAY, Role.county_admin, now=AFTER_CUTOFF, listed=listed, called_first=listed)
    assert [(line.id, line.kind) for line in shown.missing] == [(line.id, line.kind) for line in full.missing][:listed]
    assert [line.contact for line in shown.missing] == [line.contact for line in full.missing][:listed]
    assert [line.id for line in shown.late] == [line.id for line in full.late][:listed]
    assert (shown.missing_count, shown.late_count) == (len(full.missing), len(full.late))
    assert (shown.missing_classes, shown.missing_schools) == (full.missing_classes, full.missing_schools)
    assert [shown.count(kind) for kind in ("fever", "symptoms", "illness")] == \
        [full.count(kind) for kind in ("fever", "symptoms", "illness")]
    assert shown.people == full.people == 4


def test_the_command_view_of_the_county_counts_its_townships(county):
    _day(county)
    view = command(county.county, DAY, Role.county_admin)
    lines = {line.unit.name: (line.classes, line.missing, line.abnormal.fever, line.abnormal.illness)
             for line in view.children}
    # 东镇: 2 classes, 一(2)班's and both schools' own reports missing; a student's and a teacher's fever.
    # 西镇: 1 class (filed late), its school's own report missing; an illness absence.
    assert lines == {"东镇": (2, 3, 2, 0), "西镇": (1, 1, 0, 1)}
    assert view.today.missing_count == 4 and view.status.synced == 3


def _corrections(county):
    """Fevers entered first and corrected since (to normal, to a cough): a first abnormal check is
    not always a person's line; a teacher's fever; a cough, an illness absence."""
    s = county.students_a1_1
    teacher = county.users.homeroom_a1
    push(teacher, *(record("health_check", check(s[n], temperature=38.5), at(7, 40)) for n in (0, 1, 4)),
         record("health_check", check(s[2], symptoms=["cough"]), at(7, 40)),
         record("health_check", check(s[3], present=False, absence_reason="illness"), at(7, 40)))
    push(teacher, record("health_check", check(s[0], temperature=36.5), at(7, 50)),
         record("health_check", check(s[1], temperature=36.6, symptoms=["cough"]), at(7, 50)))
    push(county.users.school_a1, record("staff_check", staff_check(county.teacher_a1_2, temperature=38.1), at(7, 45)))


@pytest.mark.parametrize("listed", [1, 2, 3, 4, 5])
def test_the_first_abnormal_people_are_the_first_of_the_whole_list(county, listed):
    _corrections(county)
    full = today(county.county, DAY, Role.county_admin, now=AFTER_CUTOFF)
    shown = today(county.county, DAY, Role.county_admin, now=AFTER_CUTOFF, listed=listed, called_first=listed)
    line = lambda p: (p.item.name, p.kinds, p.staff)  # noqa: E731
    assert [line(p) for p in shown.abnormal] == [line(p) for p in full.abnormal][:listed]
    assert [p.kind for p in full.abnormal] == ["fever", "fever", "symptoms", "symptoms", "illness"]
    assert shown.people == full.people == 5
