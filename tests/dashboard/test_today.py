"""The leaders' start page: first what is missing (and whom to call), then who is abnormal, then the late."""
from __future__ import annotations

import re

from tests.health.helpers import utc
from webapp.dashboard.today import today
from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import Role
from webapp.org.settings import local_today
from tests.dashboard.test_home import _now_in_county
from tests.health.helpers import DAY, at, check, push, push_one, record, report, staff_check

AFTER_CUTOFF = utc(11)  # 11:00 in the county, as naive UTC


def _morning(county, day=DAY, when=None):
    """A fever in 一(1)班, a cough in 一(2)班, an illness absence in 西镇, a teacher with fever."""
    when = when or at(7, 40, day)
    a11, a12 = county.students_a1_1, county.students_a1_2
    push(county.users.homeroom_a1, record("health_check", check(a11[0], day=day, temperature=38.5), when),
         record("health_check", check(a11[0], day=day, session="noon", symptoms=["cough"]), when),
         record("health_check", check(a11[1], day=day, temperature=36.5), when))
    push(county.users.school_a1, record("health_check", check(a12[0], day=day, symptoms=["cough"]), when),
         record("staff_check", staff_check(county.teacher_a1_2, day=day, temperature=38.1), when))
    push_one(county.users.homeroom_b1, "health_check",
             check(county.students_b1_1[0], day=day, present=False, absence_reason="illness"), when)


def test_missing_classes_and_schools_come_with_whom_to_call(county):
    push_one(county.users.homeroom_a1, "daily_report", report(county.class_a1_1), at(9, 0))
    push_one(county.users.homeroom_b1, "daily_report", report(county.class_b1_1, expected=3, checked=3), at(10, 20))
    day = today(county.county, DAY, Role.county_admin, now=AFTER_CUTOFF)
    assert [(line.name, line.kind.value) for line in day.missing] == [
        ("东镇一小", "school"), ("一(2)班", "class"), ("东镇中学", "school"), ("西镇一小", "school")]
    contacts = {line.name: line.contact for line in day.missing}
    assert contacts["一(2)班"].name == "homeroom_a1_2"  # the account answering for the class
    assert contacts["东镇一小"].name == "school_a1"
    assert contacts["东镇中学"] is None  # nobody: said so on the page
    assert [(line.name, line.school.name) for line in day.late] == [("一(1)班", "西镇一小")]


def test_the_person_named_responsible_is_called_first(county):
    org.assign_responsibility(county.teacher_a1_1, county.class_a1_2)
    db.session.commit()
    day = today(county.school_a1, DAY, Role.school_admin, now=AFTER_CUTOFF)
    contact = next(line.contact for line in day.missing if line.name == "一(2)班")
    assert (contact.name, contact.phone) == ("王老师", "13900000001")


def test_abnormal_people_one_line_each_fever_first_staff_for_leaders(county):
    _morning(county)
    day = today(county.county, DAY, Role.county_admin, now=AFTER_CUTOFF)
    lines = [(p.item.name, p.kind, p.staff) for p in day.abnormal]
    assert lines == [(county.students_a1_1[0].name, "fever", False), ("李老师", "fever", True),
                     (county.students_a1_2[0].name, "symptoms", False),
                     (county.students_b1_1[0].name, "illness", False)]
    # a11[0]: a fever in the morning, a cough at noon: listed once, under fever, counted under both
    assert day.abnormal[0].kinds == ("fever", "symptoms")
    assert (day.count("fever"), day.count("symptoms"), day.count("illness")) == (2, 2, 1)
    assert day.abnormal[0].item.unit_name == "东镇一小 一(1)班"  # above a school, the class says which school
    township = today(county.township_a, DAY, Role.township_admin, now=AFTER_CUTOFF)
    assert county.students_b1_1[0].name not in {p.item.name for p in township.abnormal}


def test_the_start_page_shows_missing_then_abnormal_each_number_a_link(county, as_user):
    _morning(county, local_today(), _now_in_county())
    client = as_user("township_a")
    page = client.get("/").get_data(as_text=True)
    assert page.index('id="h-missing"') < page.index('id="h-abnormal"') < page.index('id="h-late"')
    assert 'href="tel:' in page or "未指定负责人" in page
    fever = re.search(r'<a class="card [a-z]*" href="(/abnormal\?unit_id=\d+&amp;kind=fever)"><div class="num">(\d+)<',
                      page)
    assert fever and fever.group(2) == "2"
    listed = client.get(fever.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert county.students_a1_1[0].name in listed and "李老师" in listed
    assert county.students_a1_2[0].name not in listed  # a cough, not a fever


def test_every_unit_name_links_to_its_level(county, as_user):
    client = as_user("county")
    home = client.get("/").get_data(as_text=True)
    assert f'href="/?unit_id={county.township_a.id}"' in home and f'href="/?unit_id={county.township_b.id}"' in home
    township = client.get(f"/?unit_id={county.township_a.id}").get_data(as_text=True)
    assert f'href="/?unit_id={county.school_a1.id}"' in township and "↑" in township
    completeness = client.get("/reports/completeness").get_data(as_text=True)
    assert f'href="/?unit_id={county.township_a.id}"' in completeness


def test_a_unit_outside_the_area_is_not_found_and_teachers_have_no_abnormal_list(county, as_user):
    client = as_user("township_a")
    assert client.get(f"/?unit_id={county.township_b.id}").status_code == 404
    assert client.get(f"/abnormal?unit_id={county.school_b1.id}").status_code == 404
    client.post("/logout")
    assert as_user("teacher_a1").get("/abnormal").status_code == 403


def test_the_start_page_reads_a_fixed_number_of_queries(county):
    from sqlalchemy import event
    _morning(county)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        today(county.county, DAY, Role.county_admin, now=AFTER_CUTOFF)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    # completeness (units, expected, checked, reports, settings), abnormal students and staff, whom to
    # call (named, accounts), the schools of the abnormal (paths, names): never one per unit or person
    assert len(statements) <= 12
