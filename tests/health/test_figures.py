"""A daily report's figures as the server knows them: the refused zero report, the pull, the office flag."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from webapp.extensions import db
from webapp.health.figures import Figures, day_figures
from webapp.health.models import DailyReport
from webapp.health.reference import day_checks, day_reports
from webapp.org.models import utcnow
from webapp.org.settings import local_today

from .helpers import CHINA, DAY, at, check, push, push_one, record, report, staff_check


def test_the_figures_count_people_over_the_day_sessions(county):
    a11 = county.students_a1_1
    push(county.users.homeroom_a1, *[record("health_check", check(s)) for s in a11],
         record("health_check", check(a11[0], "noon", temperature=38.0)),
         record("health_check", check(a11[1], "noon", present=False, absence_reason="personal")))
    push(county.users.school_a1, record("staff_check", staff_check(county.teacher_a1_1, symptoms=["cough"])))
    figures = day_figures([county.class_a1_1, county.class_a1_2, county.school_a1], DAY)
    assert figures[county.class_a1_1.id] == Figures(expected=5, checked=5, absent=1, abnormal=1)
    assert figures[county.class_a1_2.id] == Figures(expected=4, checked=0, absent=0, abnormal=0)
    # The school: its 9 students and its 2 staff (the volunteer of a village is not the school's).
    assert figures[county.school_a1.id] == Figures(expected=11, checked=6, absent=1, abnormal=2)


def test_a_corrected_fever_no_longer_counts(county):
    student = county.students_a1_1[0]
    push(county.users.homeroom_a1, record("health_check", check(student, temperature=38.2), at(7, 40)),
         record("health_check", check(student, temperature=37.0), at(7, 45)))
    assert day_figures([county.class_a1_1], DAY)[county.class_a1_1.id].abnormal == 0


def test_a_zero_report_is_refused_while_the_server_holds_an_abnormal_check(county):
    teacher, school = county.users.homeroom_a1, county.users.school_a1
    push_one(teacher, "health_check", check(county.students_a1_1[0], temperature=38.2))
    refused = push_one(teacher, "daily_report", report(county.class_a1_1, zero_report=True), at(9, 0))
    assert refused["status"] == "rejected" and refused["code"] == "invalid"
    assert "1" in refused["errors"]["zero_report"]
    # The school's zero report too, though the school admin's phone did no check at all.
    school_zero = push_one(school, "daily_report", report(county.school_a1, zero_report=True, expected=11,
                                                          checked=0), at(9, 0))
    assert school_zero["status"] == "rejected" and "zero_report" in school_zero["errors"]
    # Another school, another day, a report that counts the fever: accepted.
    assert push_one(county.users.school_b1, "daily_report", report(county.school_b1, zero_report=True),
                    at(9, 0))["status"] == "accepted"
    counted = push_one(teacher, "daily_report", report(county.class_a1_1, abnormal=1), at(9, 1))
    assert counted["status"] == "accepted"
    assert set(db.session.scalars(select(DailyReport.unit_id))) == {county.school_b1.id, county.class_a1_1.id}


def test_a_staff_fever_refuses_the_school_zero_report_in_the_same_push(county):
    school = county.users.school_a1
    results = push(school, record("staff_check", staff_check(county.teacher_a1_2, temperature=38.5)),
                   record("daily_report", report(county.school_a1, zero_report=True), at(9, 0)))
    assert [r["status"] for r in results] == ["accepted", "rejected"]


def test_a_zero_report_is_accepted_once_the_fever_is_corrected(county):
    teacher, student = county.users.homeroom_a1, county.students_a1_1[0]
    push_one(teacher, "health_check", check(student, temperature=38.2), at(7, 40))
    push_one(teacher, "health_check", check(student, temperature=36.9), at(7, 50))
    assert push_one(teacher, "daily_report", report(county.class_a1_1, zero_report=True), at(9, 0))["status"] == \
        "accepted"


def _now_in_county() -> str:
    return datetime.now(CHINA).isoformat(timespec="seconds")


def test_the_phone_pulls_today_s_checks_of_its_scope_with_no_health_detail(county):
    today, teacher = local_today(), county.users.homeroom_a1
    push(teacher, record("health_check", check(county.students_a1_1[0], day=today, temperature=38.3,
                                               symptoms=["cough"], note="sent home"), _now_in_county()))
    push(county.users.homeroom_a1_2, record("health_check", check(county.students_a1_2[0], day=today),
                                            _now_in_county()))
    push(county.users.school_a1, record("staff_check", staff_check(county.teacher_a1_1, day=today),
                                        _now_in_county()))
    mine = day_checks(teacher, None)
    assert [(i["person"], i["session"], i["present"], i["abnormal"]) for i in mine] == \
        [(f"s{county.students_a1_1[0].id}", "morning", True, True)]
    assert set(mine[0]) == {"id", "person", "session", "date", "present", "abnormal", "at"}  # no temperature, no note
    assert len(day_checks(county.users.school_a1, None)) == 3
    assert day_checks(county.users.county, None) == []  # no roll above a school
    assert day_checks(teacher, utcnow()) == []  # nothing new since


def test_the_phone_pulls_whether_today_s_first_report_was_on_time(county):
    today, teacher = local_today(), county.users.homeroom_a1
    assert day_reports(teacher, None) == []
    on_time = datetime.combine(today, time(8, 0), tzinfo=CHINA)
    if on_time < datetime.now(CHINA):  # the first report before the cut-off, a correction after it
        push(teacher, record("daily_report", report(county.class_a1_1, day=today), on_time.isoformat()))
        push(teacher, record("daily_report", report(county.class_a1_1, day=today), _now_in_county()))
        assert day_reports(teacher, None) == [{"id": county.class_a1_1.id, "date": today.isoformat(),
                                               "on_time": True}]
    else:
        push(teacher, record("daily_report", report(county.class_a1_1, day=today), _now_in_county()))
        assert day_reports(teacher, None)[0]["on_time"] is True


def test_the_office_report_shows_a_report_that_contradicts_the_checks(county, as_user):
    a11 = county.students_a1_1
    push(county.users.homeroom_a1, *[record("health_check", check(s)) for s in a11[:4]],
         record("health_check", check(a11[4], present=False, absence_reason="illness")),
         record("daily_report", report(county.class_a1_1, checked=5, absent=0, abnormal=0), at(9, 0)))
    push(county.users.school_a1, record("daily_report", report(county.school_a1, expected=11, checked=0),
                                                        at(9, 5)))
    page = as_user("school_a1").get(f"/reports/{county.school_a1.id}?date={DAY}").get_data(as_text=True)
    # The school's own report (0 checked) and class 1-1's (0 absent) each beside the server's figures.
    assert page.count("report-differs") == 2
    assert "上报：已检 0/11" in page and "服务器上的晨午检：已检 5/11" in page
    assert "上报：已检 5/5，缺勤 0" in page and "服务器上的晨午检：已检 5/5，缺勤 1" in page
    matching = as_user("homeroom_a1_2")
    push(county.users.homeroom_a1_2, *[record("health_check", check(s)) for s in county.students_a1_2],
         record("daily_report", report(county.class_a1_2, expected=4, checked=4), at(9, 0)))
    assert "report-differs" not in matching.get(f"/reports/{county.class_a1_2.id}?date={DAY}").get_data(as_text=True)
