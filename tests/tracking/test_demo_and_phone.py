"""The demo county's tracking data fills every list; the phone's `tracked` and `risk_areas` collections."""
from __future__ import annotations

import random
from datetime import date, timedelta

from webapp.extensions import db
from webapp.health import demo as health_demo
from webapp.org import operations as org
from webapp.org.demo import build_demo_county
from webapp.sync import reference
from webapp.tracking import demo as tracking_demo, operations as rules, queries
from webapp.tracking.models import Isolation, RiskLevel

from .helpers import DAY, isolation, push_one, recorded

TODAY = date(2026, 3, 2)


def test_every_tracking_list_of_the_demo_has_rows(app):
    rng = random.Random(2020)
    county = build_demo_county(db.session, rng, today=TODAY)
    health_demo.seed_demo(db.session, county, rng, today=TODAY)
    tracking_demo.seed_demo(db.session, county, rng, today=TODAY)
    db.session.commit()
    tracked = queries.tracked(county.county, TODAY)
    for code in rules.REASONS:
        assert any(code in p.reasons for p in tracked.values()), code
    roll = len(queries.roll(county.county))
    flagged = sum(1 for p in tracked.values() if {"contact", "risk_trip"} & set(p.reasons))
    assert 0.01 * roll < flagged < 0.04 * roll  # about 2 % with contact history or a trip in a risk area
    lists = queries.isolation_lists(county.county, TODAY, past_cutoff=True)
    assert lists["now"] and lists["due"] and lists["no_followup"]
    assert sorted({(TODAY - v.state.started_on).days for v in lists["now"]}) == list(range(14))
    released = [v for v in queries.isolations(Isolation.record_id.is_not(None), open_only=False) if v.state.released_on]
    assert len(released) == 2
    teacher_class = db.session.get(type(county.county), county.users["teacher"].scope_unit_id)
    kept = [r for r in queries.clearance(teacher_class, TODAY).values() if r]
    assert sorted(kept) == [["fever", "followup_open"], ["in_isolation"]]


def test_the_phone_holds_the_people_its_user_answers_for(county):
    student = county.students_a1_1[0]
    org.assign_responsibility(county.teacher_a1_1, county.class_a1_1)
    db.session.commit()
    start = push_one(county.users.homeroom_a1, "isolation_start", isolation(student), recorded(0))
    items = reference.items("tracked", county.users.homeroom_a1)
    assert {i["id"] for i in items} == {f"student:{s.id}" for s in county.students_a1_1}
    mine = next(i for i in items if i["student_id"] == student.id)
    assert mine["isolation"]["id"] == start["id"] and mine["isolation"]["total_days"] == 14
    assert mine["not_cleared"] == ["not_released", "no_screening"] and not mine["screened"]  # DAY is long past
    assert "guardian_phone" not in mine and set(mine) == {"id", "student_id", "staff_id", "name", "unit_id",
                                                          "isolation", "screened", "not_cleared"}
    assert reference.items("tracked", county.users.homeroom_a1_2) == []  # answers for nobody
    assert reference.items("tracked", county.users.township_a) == []  # no rolls above a school


def test_the_phone_gets_the_countys_risk_areas(county):
    rules.save_risk_area(county.county, "藁城", RiskLevel.high, DAY - timedelta(days=3), None, None)
    db.session.commit()
    items = reference.items("risk_areas", county.users.homeroom_b1)
    assert [(i["place"], i["level"], i["ends_on"]) for i in items] == [("藁城", "high", None)]
