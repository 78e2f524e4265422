"""Screenings, risk-area matching (also for a place listed later), tracked people and clearance."""
from __future__ import annotations

from datetime import timedelta

from webapp.extensions import db
from webapp.tracking import operations, queries
from webapp.tracking.models import RiskLevel, Screening, ScreeningTrip

from tests.health.helpers import check

from .helpers import DAY, D, change, followup, isolation, push_one, recorded, screening


def _screen(county, person, **data):
    result = push_one(county.users.homeroom_a1, "screening", screening(person, **data), recorded(0))
    assert result["status"] == "accepted", result
    return result["id"]


def test_a_screening_is_stored_with_its_trips_and_contacts(county):
    student = county.students_a1_1[0]
    record_id = _screen(county, student, trips=[{"place": "湖北省武汉市", "from_on": D(-10), "to_on": D(-6)}],
                        contacts=[{"type": "risk_area", "place": "村口", "date": D(-5)}], health="normal")
    row = db.session.get(Screening, record_id)
    assert row.contact_history and row.contacts[0]["type"] == "risk_area" and row.unit_id == county.class_a1_1.id
    trips = db.session.query(ScreeningTrip).filter_by(screening_id=record_id).all()
    assert [(t.place, t.from_on, t.to_on) for t in trips] == [("湖北省武汉市", DAY - timedelta(days=10),
                                                            DAY - timedelta(days=6))]


def test_bad_trips_are_refused_with_the_entry_named(county):
    student = county.students_a1_1[0]
    result = push_one(county.users.homeroom_a1, "screening",
                      screening(student, trips=[{"place": "武汉", "from_on": D(-1), "to_on": D(-3)}]), recorded(0))
    assert result["status"] == "rejected" and set(result["errors"]) == {"trips"}
    result = push_one(county.users.homeroom_a1, "screening",
                      screening(student, trips=[{"place": "武汉", "from_on": "soon"}]), recorded(0))
    assert result["status"] == "rejected" and result["errors"]["trips"].startswith("第 1 条，from_on")
    household = push_one(county.users.homeroom_a1, "screening", screening(student, subject="household"), recorded(0))
    assert set(household["errors"]) == {"household_name"}


def test_a_screening_outside_the_area_is_refused(county):
    result = push_one(county.users.homeroom_b1, "screening", screening(county.students_a1_1[0]), recorded(0))
    assert result["status"] == "rejected" and result["code"] == "forbidden"


def test_a_place_listed_later_flags_the_people_who_were_there(county):
    student, other = county.students_a1_1[0], county.students_a1_1[1]
    _screen(county, student, trips=[{"place": "河北省石家庄市藁城区", "from_on": D(-8), "to_on": D(-5)}])
    _screen(county, other, trips=[{"place": "河北省石家庄市藁城区", "from_on": D(-30), "to_on": D(-25)}])
    assert queries.risk_trips(county.county, DAY) == {}
    operations.save_risk_area(county.county, "藁城", RiskLevel.high, DAY - timedelta(days=6), None, None)
    # There in the window and back 5 days ago: flagged; the other was there before the area began.
    assert queries.risk_trips(county.county, DAY) == {("student", student.id): DAY - timedelta(days=5)}
    tracked = queries.tracked(county.township_a, DAY)
    assert tracked[("student", student.id)].reasons == ["risk_trip"]
    assert ("student", other.id) not in tracked
    assert queries.risk_trips(county.township_b, DAY) == {}  # the list is the county's; the people are scoped


def test_clearance_says_why_not(county):
    a, b, c = county.students_a1_1[:3]
    for person in (a, b, c):
        _screen(county, person)
    user = county.users.homeroom_a1
    push_one(user, "isolation_start", isolation(b), recorded(0))
    push_one(user, "health_check", check(c, temperature=38.2), recorded(0))
    reasons = queries.clearance(county.class_a1_1, DAY)
    assert reasons[("student", a.id)] == []
    assert reasons[("student", b.id)] == ["in_isolation"]
    assert reasons[("student", c.id)] == ["fever", "followup_open"]
    assert reasons[("student", county.students_a1_1[3].id)] == ["no_screening"]
    assert queries.not_cleared_count(county.class_a1_1, DAY) == 4  # b, c and the two not screened


def test_the_clearance_figures_are_counted_set_wise_and_match_person_by_person(county, as_user):
    """The county's clearance (its screen, the reopening plan) counts in the database: the same figures as
    the per-person rule, in as many queries for a bigger roll (the roll is never read row by row)."""
    from sqlalchemy import event
    from webapp.org.models import Staff, Student
    a, b, c, d = county.students_a1_1[:4]
    for person in (a, b, c):
        _screen(county, person)
    assert push_one(county.users.homeroom_b1, "screening", screening(county.students_b1_1[0]), recorded(0))["status"] \
        == "accepted"
    user = county.users.homeroom_a1
    push_one(user, "isolation_start", isolation(b), recorded(0))
    push_one(user, "health_check", check(c, temperature=38.2), recorded(0))
    push_one(user, "health_check", check(d, temperature=38.5), recorded(0))  # d: not screened and a fever
    db.session.add(Student(class_id=county.class_a1_1.id, name="转走的", student_no="X1", gender="male", active=False))
    db.session.add(Staff(unit_id=county.village_a.id, name="志愿者", is_volunteer=True))
    db.session.commit()
    per_person = queries.clearance(county.county, DAY)
    summary = queries.clearance_summary(county.county, DAY)
    assert summary.total == len(per_person)
    assert summary.not_cleared == sum(1 for r in per_person.values() if r) == queries.not_cleared_count(county.county, DAY)
    assert summary.counts == {code: sum(1 for r in per_person.values() if code in r) for code in operations.NOT_CLEARED}
    assert summary.counts["fever"] == 2 and summary.counts["in_isolation"] == 1
    students = queries.clearance_summary(county.county, DAY, kinds=("student",))
    assert students.not_cleared == sum(1 for (kind, _), r in per_person.items() if kind == "student" and r)

    def statements() -> tuple[list, str]:
        db.session.commit()  # the same state of the session both times
        seen = []
        listener = lambda conn, cursor, statement, *args: seen.append(" ".join(statement.split()))  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            page = as_user("county").get(f"/tracking/clearance?date={DAY.isoformat()}").get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return seen, page
    before, page = statements()
    assert f'<div class="num">{summary.not_cleared}</div>' in page
    assert f'<div class="num">{summary.total - summary.not_cleared}</div>' in page
    db.session.add_all([Student(class_id=county.class_b1_1.id, name=f"新生{i}", student_no=f"N{i}", gender="female")
                        for i in range(40)])
    db.session.commit()
    after, page = statements()
    from collections import Counter
    assert len(after) == len(before), Counter(after) - Counter(before)
    reading_the_roll = [q for q in after if "FROM student" in q and not q.startswith("SELECT (SELECT count(")
                        and "WHERE student.id IN (" not in q]
    assert not reading_the_roll  # the roll is counted in the database; only the few with a sign are read, by id
    assert queries.clearance_summary(county.county, DAY).not_cleared == summary.not_cleared + 40


def test_no_clearance_with_an_open_case_whatever_the_order_of_arrival(county):
    """A closing that arrives before the fever it should close does not close a later fever."""
    student, user = county.students_a1_1[0], county.users.homeroom_a1
    _screen(county, student)
    closing = {"student_id": student.id, "staff_id": None, "date": D(0), "saw_doctor": True, "diagnosis": "cold",
               "recovered_on": D(0), "back_on": None, "closed": True, "note": None}
    assert push_one(user, "illness_followup", closing, recorded(0))["status"] == "accepted"
    later = DAY + timedelta(days=1)
    push_one(user, "health_check", check(student, day=later, present=False, absence_reason="illness"), recorded(1))
    assert queries.clearance(county.class_a1_1, later)[("student", student.id)] == ["followup_open"]
    cleared = push_one(user, "status_change", {"student_id": student.id, "staff_id": None, "status": "cleared",
                                               "note": None}, recorded(1))
    assert cleared["status"] == "rejected" and set(cleared["errors"]) == {"status"}
    closing2 = {**closing, "date": later.isoformat()}
    push_one(user, "illness_followup", closing2, recorded(1))
    assert queries.clearance(county.class_a1_1, later)[("student", student.id)] == []


def test_an_isolation_recorded_late_keeps_a_cleared_person_back(county):
    student, user = county.students_a1_1[0], county.users.homeroom_a1
    _screen(county, student)
    ok = push_one(user, "status_change", {"student_id": student.id, "staff_id": None, "status": "cleared",
                                          "note": None}, recorded(2))
    assert ok["status"] == "accepted"
    start = push_one(user, "isolation_start", isolation(student, started=0, exposure=-1), recorded(0))
    assert start["status"] == "accepted"
    day = DAY + timedelta(days=2)
    assert queries.clearance(county.class_a1_1, day)[("student", student.id)] == ["in_isolation"]
    push_one(user, "isolation_followup", followup(start["id"], 13), recorded(13))
    push_one(user, "isolation_change", change(start["id"], "release", 13), recorded(13))
    assert queries.clearance(county.class_a1_1, DAY + timedelta(days=13))[("student", student.id)] == []


def test_responsible_staff_comes_from_the_chain(county):
    from webapp.org import operations as org
    student = county.students_a1_1[0]
    org.assign_responsibility(county.teacher_a1_1, county.class_a1_1)
    rows = queries.people_rows({("student", student.id)})
    assert queries.responsible(rows)[("student", student.id)].phone == "13900000001"
    org.assign_responsibility(county.teacher_a1_2, student)
    assert queries.responsible(rows)[("student", student.id)].name == "李老师"  # the person's own link first


def test_the_trips_schema_is_an_array_of_objects(app):
    from webapp.sync import registry
    trips = registry.get("screening").schema()["properties"]["trips"]
    assert trips["type"] == "array" and trips["maxItems"] == 10
    assert trips["items"]["required"] == ["place", "from_on", "to_on"]
    assert trips["items"]["properties"]["from_on"] == {"type": "string", "format": "date", "formatMinimum": "2000-01-01",
                                                        "formatMaximum": "2099-12-31"}


def test_an_ended_responsibility_no_longer_answers(county):
    from webapp.org import operations as org
    student = county.students_a1_1[0]
    org.assign_responsibility(county.teacher_a1_1, county.class_a1_1)
    org.assign_responsibility(county.teacher_a1_2, student)
    org.unassign_responsibility(county.teacher_a1_2, student)
    rows = queries.people_rows({("student", student.id)})
    assert queries.responsible(rows)[("student", student.id)].name == "王老师"
    assert queries.responsible_keys(county.teacher_a1_2.id) == set()
