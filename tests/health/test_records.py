"""The health record kinds: every bound, the rules across fields, scope, fever and lateness."""
from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.health.models import UNREFERENCED, CheckSession, DailyReport, HealthCheck
from webapp.org.settings import update_settings
from webapp.sync import registry

from .helpers import DAY, at, check, push_one, report, staff_check, utc


def _stored(record_id: str):
    return db.session.get(HealthCheck, record_id) or db.session.get(DailyReport, record_id)


@pytest.mark.parametrize("temperature, accepted", [(33.9, False), (34.0, True), (36.6, True), (43.0, True),
                                                   (43.1, False), (34, True)])
def test_temperature_bounds(county, temperature, accepted):
    student = county.students_a1_1[0]
    result = push_one(county.users.homeroom_a1, "health_check", check(student, temperature=temperature))
    assert (result["status"] == "accepted") is accepted
    if not accepted:
        assert result["code"] == "invalid" and set(result["errors"]) == {"temperature"}
        assert _stored(result["id"]) is None


def test_an_accepted_check_is_stored_as_a_typed_row(county):
    student = county.students_a1_1[0]
    result = push_one(county.users.homeroom_a1, "health_check",
                      check(student, temperature=36.8, symptoms=["cough"], note=" sneezes "), at(7, 41))
    row = _stored(result["id"])
    assert (row.student_id, row.staff_id, row.unit_id) == (student.id, None, county.class_a1_1.id)
    assert (row.date, row.session, row.present, row.temperature) == (DAY, CheckSession.morning, True, 36.8)
    assert row.symptoms == ["cough"] and row.other_symptoms and not row.fever and row.note == "sneezes"
    assert row.user_id == county.users.homeroom_a1.id and row.device_id == "test-phone"
    assert row.recorded_at == utc(7, 41)  # naive UTC (07:41 in Shanghai is 23:41 the day before)


@pytest.mark.parametrize("data, field", [
    ({"present": False}, "absence_reason"),
    ({"present": True, "absence_reason": "illness"}, "absence_reason"),
    ({"symptoms": ["fever", "headache"]}, "symptoms"),
    ({"symptoms": ["cough", "cough"]}, "symptoms"),
    ({"present": False, "absence_reason": "personal", "symptoms": ["cough"]}, "symptoms"),
    ({"present": False, "absence_reason": "other", "temperature": 38.0}, "temperature"),
    ({"absence_reason": "holiday", "present": False}, "absence_reason"),
    ({"session": "evening"}, "session"),
    ({"temperature": True}, "temperature"),
    ({"note": "x" * 201}, "note"),
    ({"date": "2026-02-30"}, "date"),
])
def test_bad_checks_are_refused_with_the_field_named(county, data, field):
    result = push_one(county.users.homeroom_a1, "health_check", check(county.students_a1_1[0], **data))
    assert result["status"] == "rejected" and result["code"] == "invalid"
    assert field in result["errors"]


def test_an_absence_for_illness_with_symptoms_is_accepted(county):
    data = check(county.students_a1_1[0], present=False, absence_reason="illness", symptoms=["fever", "cough"])
    result = push_one(county.users.homeroom_a1, "health_check", data)
    row = _stored(result["id"])
    assert result["status"] == "accepted" and row.fever and row.other_symptoms and row.abnormal


def test_a_check_for_another_class_is_forbidden(county):
    other_class = push_one(county.users.homeroom_a1, "health_check", check(county.students_a1_2[0]))
    other_school = push_one(county.users.homeroom_a1, "health_check", check(county.students_b1_1[0]))
    unknown = push_one(county.users.homeroom_a1, "health_check", check(county.students_a1_1[0]) | {"student_id": 99999})
    for result in (other_class, other_school, unknown):
        assert (result["status"], result["code"], list(result["errors"])) == ("rejected", "forbidden", ["student_id"])
    assert db.session.scalar(select(db.func.count()).select_from(HealthCheck)) == 0


def test_without_a_foreign_key_on_the_person_an_unknown_person_is_still_never_stored(county):
    # health_check refers to its unit by key; its envelope, person and account are the push's to find
    # (models.UNREFERENCED: the keys' row locks cost the county's day more than anything else in the insert).
    assert {fk.parent.name for fk in HealthCheck.__table__.foreign_keys} == {"unit_id"}
    assert set(UNREFERENCED) == {"record_id", "student_id", "staff_id", "user_id"}
    staff = push_one(county.users.school_a1, "staff_check", staff_check(county.teacher_a1_1) | {"staff_id": 99999})
    student = push_one(county.users.school_a1, "health_check", check(county.students_a1_1[0]) | {"student_id": 0})
    assert (staff["status"], staff["code"], list(staff["errors"])) == ("rejected", "forbidden", ["staff_id"])
    assert (student["status"], list(student["errors"])) == ("rejected", ["student_id"])
    assert db.session.scalar(select(db.func.count()).select_from(HealthCheck)) == 0


def test_a_student_who_left_cannot_be_checked(county):
    county.students_a1_1[0].active = False
    db.session.commit()
    result = push_one(county.users.homeroom_a1, "health_check", check(county.students_a1_1[0]))
    assert (result["code"], list(result["errors"])) == ("invalid", ["student_id"])


def test_the_day_must_fit_the_time_it_was_recorded(county):
    student = county.students_a1_1[0]
    tomorrow = push_one(county.users.homeroom_a1, "health_check", check(student, day=DAY + timedelta(days=1)))
    long_ago = push_one(county.users.homeroom_a1, "health_check", check(student, day=DAY - timedelta(days=8)))
    last_week = push_one(county.users.homeroom_a1, "health_check", check(student, day=DAY - timedelta(days=7)))
    assert tomorrow["errors"].keys() == {"date"} and long_ago["errors"].keys() == {"date"}
    assert last_week["status"] == "accepted"


def test_staff_checks_are_stored_under_the_school(county):
    teacher = county.teacher_a1_1
    result = push_one(county.users.school_a1, "staff_check", staff_check(teacher, temperature=37.5))
    row = _stored(result["id"])
    assert (row.staff_id, row.student_id, row.unit_id, row.fever) == (teacher.id, None, county.school_a1.id, True)
    # A homeroom teacher's area is her class: her colleagues' checks are not hers to record.
    refused = push_one(county.users.homeroom_a1, "staff_check", staff_check(teacher))
    assert (refused["code"], list(refused["errors"])) == ("forbidden", ["staff_id"])
    other_school = push_one(county.users.school_a1, "staff_check", staff_check(county.teacher_b1))
    assert other_school["code"] == "forbidden"


def test_fever_follows_the_county_threshold_of_the_time(county):
    student = county.students_a1_1[0]
    user = county.users.homeroom_a1
    at_default = push_one(user, "health_check", check(student, temperature=37.3))
    below = push_one(user, "health_check", check(student, temperature=37.2))
    assert _stored(at_default["id"]).fever and not _stored(below["id"]).fever
    update_settings(county.county, 37.5, time(10), 30, county.users.county)
    db.session.commit()
    after_change = push_one(user, "health_check", check(student, temperature=37.3))
    above = push_one(user, "health_check", check(student, temperature=37.5))
    assert not _stored(after_change["id"]).fever and _stored(above["id"]).fever
    assert _stored(at_default["id"]).fever  # an earlier check keeps the threshold of its time


def test_a_reported_fever_counts_without_a_thermometer(county):
    result = push_one(county.users.homeroom_a1, "health_check", check(county.students_a1_1[0], symptoms=["fever"]))
    assert _stored(result["id"]).fever


# ---- daily reports -------------------------------------------------------------------------

def test_a_zero_report_with_abnormal_people_is_refused(county):
    result = push_one(county.users.homeroom_a1, "daily_report",
                      report(county.class_a1_1, zero_report=True, abnormal=1))
    assert (result["status"], result["code"]) == ("rejected", "invalid")
    assert "zero_report" in result["errors"]
    ok = push_one(county.users.homeroom_a1, "daily_report", report(county.class_a1_1, zero_report=True))
    assert ok["status"] == "accepted" and _stored(ok["id"]).zero_report


@pytest.mark.parametrize("counts, field", [({"checked": 6}, "checked"), ({"checked": 2, "absent": 3}, "absent"),
                                           ({"checked": 1, "abnormal": 2}, "abnormal"), ({"expected": -1}, "expected"),
                                           ({"absent": 1.5}, "absent"), ({"note": "x" * 501}, "note")])
def test_report_counts_must_fit_together(county, counts, field):
    result = push_one(county.users.homeroom_a1, "daily_report", report(county.class_a1_1, **counts))
    assert result["code"] == "invalid" and field in result["errors"]


def test_a_report_is_for_a_class_or_a_school_in_the_area(county):
    grade = push_one(county.users.school_a1, "daily_report", report(county.grade_a1))
    other = push_one(county.users.homeroom_a1, "daily_report", report(county.class_a1_2))
    school = push_one(county.users.school_a1, "daily_report", report(county.school_a1))
    assert (grade["code"], list(grade["errors"])) == ("invalid", ["unit_id"])
    assert (other["code"], list(other["errors"])) == ("forbidden", ["unit_id"])
    assert school["status"] == "accepted"


def test_a_report_after_the_cut_off_is_accepted_and_marked_late(county):
    user = county.users.homeroom_a1
    on_time = push_one(user, "daily_report", report(county.class_a1_1), at(9, 59))
    late = push_one(user, "daily_report", report(county.class_a1_1), at(10, 1))
    next_day = push_one(user, "daily_report", report(county.class_a1_1), at(8, 0, DAY + timedelta(days=1)))
    assert [r["status"] for r in (on_time, late, next_day)] == ["accepted"] * 3
    assert [_stored(r["id"]).late for r in (on_time, late, next_day)] == [False, True, True]


def test_the_cut_off_is_a_county_setting(county):
    update_settings(county.county, 37.3, time(11, 30), 30, county.users.county)
    db.session.commit()
    result = push_one(county.users.homeroom_a1, "daily_report", report(county.class_a1_1), at(11, 0))
    assert not _stored(result["id"]).late


# ---- the declaration -----------------------------------------------------------------------

def test_the_kinds_publish_their_bounds_for_the_phones():
    schema = registry.get("health_check").schema()
    temperature = schema["properties"]["temperature"]
    assert (temperature["minimum"], temperature["maximum"]) == (34.0, 43.0)
    assert set(schema["required"]) == {"student_id", "date", "session", "present"}
    assert None in schema["properties"]["absence_reason"]["enum"]
    assert "staff_id" in registry.get("staff_check").schema()["properties"]
    assert registry.get("daily_report").schema()["properties"]["abnormal"]["minimum"] == 0


# ---- through the API, as the phone sends them ---------------------------------------------

def test_a_class_check_pushed_by_a_phone_is_stored_once(county, as_user):
    from .helpers import record
    client = as_user("homeroom_a1")
    batch = {"device_id": "phone-1", "records": [record("health_check", check(s)) for s in county.students_a1_1]
             + [record("daily_report", report(county.class_a1_1, zero_report=True), at(9, 0))]}
    first = client.post("/api/v1/sync/push", json=batch)
    again = client.post("/api/v1/sync/push", json=batch)
    assert first.status_code == 200 and {r["status"] for r in first.get_json()["results"]} == {"accepted"}
    assert {r["status"] for r in again.get_json()["results"]} == {"duplicate"}
    assert db.session.scalar(select(db.func.count()).select_from(HealthCheck)) == 5
    assert db.session.scalar(select(db.func.count()).select_from(DailyReport)) == 1


def test_the_openapi_document_has_the_health_kinds(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert {"health_check", "staff_check", "daily_report"} <= set(schemas)
    assert schemas["health_check"]["properties"]["temperature"]["maximum"] == 43.0
