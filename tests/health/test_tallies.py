"""Tallies: each unit's counts of current checks, kept by the push; a correction moves a count, never doubles it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.health import tallies
from webapp.health.models import CheckSession, CheckTally, DayTally

from .helpers import DAY, at, check, push, record, staff_check

MORNING = CheckSession.morning


def _stored() -> dict:
    return {(t.unit_id, t.date, t.session, t.staff): {n: getattr(t, n) for n in tallies.COUNTS}
            for t in db.session.scalars(select(CheckTally)) if any(getattr(t, n) for n in tallies.COUNTS)}


def _as_if_rebuilt() -> dict:
    """What the tallies would be if computed from the checks now (the rule of operations._ranked)."""
    kept = _stored()
    tallies.rebuild()
    rebuilt = _stored()
    db.session.rollback()
    assert _stored() == kept
    return rebuilt


def test_the_push_keeps_each_class_count(county):
    a11 = county.students_a1_1
    push(county.users.homeroom_a1, record("health_check", check(a11[0], temperature=38.4)),
         record("health_check", check(a11[1], present=False, absence_reason="illness", symptoms=["cough"])),
         *[record("health_check", check(s)) for s in a11[2:]])
    found = tallies.counts([county.class_a1_1.id], DAY)[(county.class_a1_1.id, MORNING)]
    assert found == {"checked": len(a11), "absent": 1, "illness": 1, "personal": 0, "other_reason": 0,
                     "fever": 1, "symptoms": 1, "abnormal": 2}
    assert tallies.checked([county.class_a1_1.id], DAY) == {(county.class_a1_1.id, MORNING): len(a11)}
    assert _stored() == _as_if_rebuilt()


def test_a_correction_moves_a_persons_count_never_doubles_it(county):
    student, klass = county.students_a1_1[0], county.class_a1_1.id
    push(county.users.homeroom_a1, record("health_check", check(student, temperature=38.4), at(7, 40)))
    push(county.users.homeroom_a1, record("health_check", check(student, temperature=36.5), at(7, 50)))
    found = tallies.counts([klass], DAY)[(klass, MORNING)]
    assert (found["checked"], found["fever"], found["abnormal"]) == (1, 0, 0)
    # An entry made earlier on another phone, arriving late, does not outrank the correction.
    push(county.users.school_a1, record("health_check", check(student, present=False, absence_reason="personal"),
                                        at(7, 45)))
    found = tallies.counts([klass], DAY)[(klass, MORNING)]
    assert (found["checked"], found["absent"], found["personal"]) == (1, 0, 0)
    assert _stored() == _as_if_rebuilt()


def test_checks_of_one_person_in_one_batch_count_once(county):
    student = county.students_a1_1[0]
    push(county.users.homeroom_a1, record("health_check", check(student, temperature=38.4), at(7, 40)),
         record("health_check", check(student), at(7, 41)),
         record("health_check", check(student, session="noon", temperature=38.0), at(7, 42)))
    found = tallies.counts([county.class_a1_1.id], DAY)
    assert found[(county.class_a1_1.id, MORNING)]["checked"] == 1
    assert found[(county.class_a1_1.id, MORNING)]["fever"] == 0
    assert found[(county.class_a1_1.id, CheckSession.noon)]["fever"] == 1
    assert _stored() == _as_if_rebuilt()


def test_a_resent_batch_changes_no_count(county):
    batch = [record("health_check", check(s)) for s in county.students_a1_1]
    push(county.users.homeroom_a1, *batch)
    before = _stored()
    assert {r["status"] for r in push(county.users.homeroom_a1, *batch)} == {"duplicate"}
    assert _stored() == before


def test_staff_checks_are_counted_apart_under_their_school(county):
    push(county.users.school_a1, record("staff_check", staff_check(county.teacher_a1_1, temperature=38.0)))
    assert tallies.counts([county.school_a1.id], DAY) == {}
    found = tallies.counts([county.school_a1.id], DAY, staff=True)[(county.school_a1.id, MORNING)]
    assert (found["checked"], found["fever"]) == (1, 1)
    assert _stored() == _as_if_rebuilt()


def test_a_refused_check_counts_nothing(county):
    outside = county.students_b1_1[0] if hasattr(county, "students_b1_1") else None
    results = push(county.users.homeroom_a1, record("health_check", check(county.students_a1_1[0],
                                                                          day=DAY + timedelta(days=1))))
    assert results[0]["status"] == "rejected" and _stored() == {}
    assert outside is None or push(county.users.homeroom_a1, record("health_check", check(outside)))[0]["status"] \
        == "rejected"
    assert _stored() == {}


# ---- the people of the day (day_tally): a person once a day, whatever the sessions ------------

def _days_stored() -> dict:
    return {(t.unit_id, t.date, t.staff): {n: getattr(t, n) for n in tallies.DAY_COUNTS}
            for t in db.session.scalars(select(DayTally)) if any(getattr(t, n) for n in tallies.DAY_COUNTS)}


def _days_rebuilt() -> dict:
    kept = _days_stored()
    tallies.rebuild()
    rebuilt = _days_stored()
    db.session.rollback()
    assert _days_stored() == kept
    return rebuilt


def _day(klass, day=DAY, staff=False) -> dict:
    return tallies.people([klass], day, day, staff).get(day, {})


def test_a_fever_at_both_checks_is_one_person_of_the_day(county):
    a, b, c = county.students_a1_1[:3]
    klass = county.class_a1_1.id
    push(county.users.homeroom_a1, record("health_check", check(a, temperature=38.4), at(7, 40)),
         record("health_check", check(b, present=False, absence_reason="illness", symptoms=["cough"]), at(7, 40)),
         record("health_check", check(c), at(7, 40)))
    push(county.users.homeroom_a1, record("health_check", check(a, "noon", temperature=38.1), at(12, 30)),
         record("health_check", check(c, "noon", symptoms=["cough"]), at(12, 30)))
    assert _day(klass) == {"checked": 3, "absent": 1, "fever": 1, "illness": 1, "abnormal": 3,
                           "symptoms": 2}  # b (a cough, absent for illness) and c (a cough at noon)
    assert sum(tallies.counts([klass], DAY)[(klass, s)]["fever"] for s in CheckSession) == 2  # two checks
    assert _days_stored() == _days_rebuilt()


def test_a_correction_moves_the_day_only_when_no_session_keeps_the_finding(county):
    a, klass = county.students_a1_1[0], county.class_a1_1.id
    push(county.users.homeroom_a1, record("health_check", check(a, temperature=38.4), at(7, 40)),
         record("health_check", check(a, "noon", temperature=38.0), at(12, 30)))
    push(county.users.homeroom_a1, record("health_check", check(a, temperature=36.5), at(7, 50)))
    assert _day(klass)["fever"] == 1  # the noon check still has it
    push(county.users.homeroom_a1, record("health_check", check(a, "noon", temperature=36.6), at(12, 40)))
    assert _day(klass) == {"checked": 1, "absent": 0, "fever": 0, "illness": 0, "abnormal": 0, "symptoms": 0}
    # an entry made earlier on another phone, arriving late, does not outrank the correction
    push(county.users.school_a1, record("health_check", check(a, "noon", temperature=38.9), at(12, 35)))
    assert _day(klass)["fever"] == 0
    assert _days_stored() == _days_rebuilt()


def test_a_resent_batch_and_a_refused_check_move_no_person_of_the_day(county):
    batch = [record("health_check", check(s, temperature=38.0)) for s in county.students_a1_1]
    push(county.users.homeroom_a1, *batch)
    before = _days_stored()
    assert {r["status"] for r in push(county.users.homeroom_a1, *batch)} == {"duplicate"}
    push(county.users.homeroom_a1, record("health_check", check(county.students_a1_1[0], day=DAY + timedelta(days=1))))
    assert _days_stored() == before == _days_rebuilt()
    assert _day(county.class_a1_1.id)["fever"] == len(county.students_a1_1)


def test_staff_are_people_of_their_schools_day(county):
    push(county.users.school_a1, record("staff_check", staff_check(county.teacher_a1_1, temperature=38.0)),
         record("staff_check", staff_check(county.teacher_a1_1, "noon", temperature=38.2), at(12, 30)))
    assert _day(county.school_a1.id) == {}
    assert _day(county.school_a1.id, staff=True)["fever"] == 1
    assert _days_stored() == _days_rebuilt()
