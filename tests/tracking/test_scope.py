"""Scope for every tracking record kind and screen: outside one's area is refused or not found."""
from __future__ import annotations

import pytest

from webapp.extensions import db
from webapp.org import operations as org

from .helpers import D, change, followup, isolation, push_one, recorded, screening
from .test_screens import _today_isolation

SCREENS = ("/tracking/", "/tracking/isolation", "/tracking/clearance", "/tracking/tracked.xlsx",
           "/tracking/isolation.xlsx")


def _records(county, isolation_id):
    student = county.students_a1_1[0]
    person = {"student_id": student.id, "staff_id": None}
    return {
        "screening": screening(student),
        "status_change": {**person, "status": "observation", "note": None},
        "isolation_start": isolation(county.students_a1_1[1]),
        "isolation_change": change(isolation_id, "extend", 30, "复查"),
        "isolation_followup": followup(isolation_id, 1),
        "illness_followup": {**person, "date": D(0), "saw_doctor": None, "diagnosis": None, "recovered_on": None,
                             "back_on": None, "closed": False, "note": None},
        "support_followup": {"student_id": student.id, "date": D(0), "mood": "afraid", "closed": False, "note": None},
    }


@pytest.mark.parametrize("kind", ["screening", "status_change", "isolation_start", "isolation_change",
                                  "isolation_followup", "illness_followup", "support_followup"])
def test_every_kind_refuses_a_person_outside_the_area_and_takes_one_inside(county, kind):
    start = push_one(county.users.homeroom_a1, "isolation_start", isolation(county.students_a1_1[0]), recorded(0))
    data = _records(county, start["id"])[kind]
    outside = push_one(county.users.homeroom_b1, kind, data, recorded(1))
    assert outside["status"] == "rejected" and outside["code"] == "forbidden", outside
    inside = push_one(county.users.homeroom_a1, kind, data, recorded(1))
    assert inside["status"] == "accepted", inside


@pytest.mark.parametrize("path", SCREENS + ("/tracking/risk-areas",))
def test_volunteers_have_no_tracking_screen(county, as_user, path):
    assert as_user("volunteer_a").get(path).status_code == 403


def test_a_person_card_outside_the_area_is_not_found(county, as_user):
    student = county.students_a1_1[0]
    assert as_user("school_b1").get(f"/tracking/person/student/{student.id}").status_code == 404
    assert as_user("school_a1").get(f"/tracking/person/staff/{county.teacher_b1.id}").status_code == 404
    assert as_user("school_a1").get("/tracking/person/teacher/1").status_code == 404
    assert as_user("school_a1").get(f"/tracking/?unit={county.school_b1.id}").status_code == 404


def test_a_subject_teacher_sees_only_the_students_they_answer_for(county, as_user):
    mine, other = county.students_a1_1[0], county.students_a1_1[1]
    staff = org.save_staff(None, county.school_a1, name="赵老师", phone="13900000077")
    county.users.teacher_a1.staff_id = staff.id
    org.assign_responsibility(staff, mine)
    db.session.commit()
    for student in (mine, other):
        _today_isolation(county, student)
    client = as_user("teacher_a1")
    page = client.get("/tracking/isolation").get_data(as_text=True)
    assert mine.name in page and other.name not in page
    assert client.get(f"/tracking/person/student/{other.id}").status_code == 404
    assert client.get(f"/tracking/person/student/{mine.id}").status_code == 200
    tracked = client.get("/tracking/").get_data(as_text=True)
    assert "仅我负责的人" in tracked  # the figure is hers, not the school's
    assert "仅我负责的人" not in as_user("school_a1").get("/tracking/").get_data(as_text=True)
