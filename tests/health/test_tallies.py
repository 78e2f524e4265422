"""Tallies: each unit's counts of current checks, kept by the push; a correction moves a count, never doubles it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.health import tallies
from webapp.health.models import CheckSession, CheckTally

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
