"""Each screen offered and served only to the roles that use it (issue 7.17), and a subject teacher
sees only the students she answers for, never colleagues' health (issue 12.9)."""
from __future__ import annotations

import pytest

from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import Staff
from tests.health.helpers import check, push, push_one, record, report, staff_check
from tests.sync.test_pull import pull


@pytest.fixture
def subject_teacher(county):
    """teacher_a1 (a school-wide subject teacher) answers for class 一(1)班 only."""
    teacher = Staff(unit=county.school_a1, name="钱老师", phone="13900000077")
    db.session.add(teacher)
    db.session.flush()
    county.users.teacher_a1.staff_id = teacher.id
    org.assign_responsibility(teacher, county.class_a1_1)
    db.session.commit()
    return county


def test_a_subject_teacher_pulls_only_her_students_and_no_colleagues(subject_teacher, as_user):
    c = subject_teacher
    push(c.users.school_a1, record("health_check", check(c.students_a1_2[0], temperature=38.5)),
         record("staff_check", staff_check(c.teacher_a1_1, temperature=38.2)))
    push_one(c.users.homeroom_a1, "health_check", check(c.students_a1_1[0], temperature=36.5))
    data = pull(as_user("teacher_a1"))["data"]
    assert sorted(s["id"] for s in data["students"]) == sorted(s.id for s in c.students_a1_1)
    assert data["staff"] == []
    assert {item["person"] for item in data["day_checks"]} <= {f"s{s.id}" for s in c.students_a1_1}


def test_a_subject_teacher_checks_only_her_students(subject_teacher):
    c = subject_teacher
    mine, other = push(c.users.teacher_a1, record("health_check", check(c.students_a1_1[0], temperature=36.6)),
                       record("health_check", check(c.students_a1_2[0], temperature=36.6)))
    assert mine["status"] == "accepted"
    assert (other["status"], other["code"]) == ("rejected", "forbidden")


def test_only_the_school_checks_its_staff_and_only_reporters_file_reports(county):
    (teacher,) = push(county.users.teacher_a1, record("staff_check", staff_check(county.teacher_a1_1)))
    (school,) = push(county.users.school_a1, record("staff_check", staff_check(county.teacher_a1_1)))
    assert (teacher["status"], teacher["code"], school["status"]) == ("rejected", "forbidden", "accepted")
    (subject,) = push(county.users.teacher_a1, record("daily_report", report(county.class_a1_1)))
    (homeroom,) = push(county.users.homeroom_a1, record("daily_report", report(county.class_a1_1)))
    assert (subject["status"], subject["code"], homeroom["status"]) == ("rejected", "forbidden", "accepted")


def test_the_field_shells_name_the_roles_that_use_them(client):
    """The shells are public (the service worker fetches them before a login), so a shell says whose
    it is and the phone shows a role it is not for a notice instead of the screen."""
    staff_check_page = client.get("/field/staff-check").get_data(as_text=True)
    assert '<main id="main" data-roles="school_admin">' in staff_check_page
    report_page = client.get("/field/report").get_data(as_text=True)
    assert '<main id="main" data-roles="school_admin homeroom_teacher">' in report_page
    home = client.get("/field/").get_data(as_text=True)
    assert 'data-roles="school_admin"><a class="task" href="/field/staff-check"' in home


def test_a_subject_teacher_has_no_report_pages_in_her_menu(county, as_user):
    menu = as_user("teacher_a1").get("/").get_data(as_text=True)
    assert 'href="/reports"' not in menu and 'href="/reports/completeness"' not in menu
