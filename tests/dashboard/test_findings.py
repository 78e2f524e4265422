"""One definition of the abnormal figures on every screen: a person counts under each finding they
have today (fever, other symptoms, absent for illness); the abnormal people count each person once."""
from __future__ import annotations

import re

from tests.health.helpers import at, check, push, record, staff_check
from webapp.dashboard import trends
from webapp.dashboard.today import today
from webapp.org.models import Role
from webapp.org.settings import local_today


def _cough_then_ill(county):
    """A student coughs at the morning check and is absent for illness at noon."""
    day, student = local_today(), county.students_a1_1[0]
    push(county.users.homeroom_a1, record("health_check", check(student, "morning", day, symptoms=["cough"]),
                                          at(7, 40, day)),
         record("health_check", check(student, "noon", day, present=False, absence_reason="illness"),
                at(12, 10, day)))
    return day, student


def _cards(page: str) -> dict[str, int]:
    """The start page's and the command view's cards of the abnormal: kind → the number shown."""
    return {kind: int(n) for kind, n in re.findall(r'kind=(\w+)"><div class="num">(\d+)<', page)}


def _report_rows(page: str) -> dict[str, int]:
    """The class report's table: row title → the sum over the sessions' columns."""
    rows = {}
    for title, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S):
        rows[title.strip()] = sum(int(n) for n in re.findall(r">(\d+)<", cells))
    return rows


def test_cough_in_the_morning_and_absent_for_illness_at_noon_counts_under_both_everywhere(county, as_user):
    day, student = _cough_then_ill(county)
    for role, unit, user in ((Role.county_admin, county.county, "county"), (Role.school_admin, county.school_a1,
                                                                             "school_a1")):
        found = today(unit, day, role)
        assert (found.count("fever"), found.count("symptoms"), found.count("illness")) == (0, 1, 1)
        assert [p.item.name for p in found.abnormal] == [student.name]  # one abnormal person, listed once
        assert found.abnormal[0].kinds == ("symptoms", "illness")
        client = as_user(user)
        home = client.get("/").get_data(as_text=True)
        assert _cards(home) == {"fever": 0, "symptoms": 1, "illness": 1}
        assert home.count(f"<strong>{student.name}</strong>") == 1
        assert "因病" in home[home.index('id="h-abnormal"'):home.index('id="h-late"')]  # both badges beside the name
        command = client.get("/command").get_data(as_text=True)
        assert _cards(command) == {"fever": 0, "symptoms": 1, "illness": 1}
        for kind in ("symptoms", "illness"):
            listed = client.get(f"/abnormal?unit_id={unit.id}&kind={kind}").get_data(as_text=True)
            assert listed.count(f"<strong>{student.name}</strong>") == 1, kind
        assert student.name not in client.get(f"/abnormal?unit_id={unit.id}&kind=fever").get_data(as_text=True)
        trend = client.get("/trends").get_data(as_text=True)
        assert "因病缺勤，最近 14 天：最新 1" in trend, trend
        assert trends.series(unit, day, 14)[1].latest == 1
    report = as_user("homeroom_a1").get(f"/reports/{county.class_a1_1.id}?date={day}").get_data(as_text=True)
    rows = _report_rows(report)
    assert (rows["其中因病"], rows["其他症状"], rows["发热"]) == (1, 1, 0), rows


def test_the_counted_start_page_lists_and_counts_what_the_whole_list_does(county):
    """`today(listed=N)` counts in SQL and lists the first N: the same figures and names as the whole list."""
    day = local_today()
    a11, a12 = county.students_a1_1, county.students_a1_2
    push(county.users.homeroom_a1, record("health_check", check(a11[0], "morning", day, temperature=38.5), at(7, 40, day)),
         record("health_check", check(a11[0], "noon", day, symptoms=["cough"]), at(12, 0, day)),
         record("health_check", check(a11[1], "morning", day, present=False, absence_reason="illness"), at(7, 41, day)),
         record("health_check", check(a11[2], "noon", day, symptoms=["sore_throat"]), at(12, 1, day)))
    push(county.users.school_a1, record("health_check", check(a12[0], "morning", day, symptoms=["cough"]), at(7, 42, day)),
         record("staff_check", staff_check(county.teacher_a1_2, day=day, temperature=38.1), at(7, 43, day)))
    push(county.users.homeroom_b1, record("health_check", check(county.students_b1_1[0], "morning", day,
                                                                present=False, absence_reason="illness",
                                                                symptoms=["fever"]), at(7, 44, day)))
    for unit, role in ((county.county, Role.county_admin), (county.township_a, Role.township_admin),
                       (county.school_a1, Role.school_admin)):
        whole = today(unit, day, role)
        for listed in (0, 1, 2, 3, 20):
            counted = today(unit, day, role, listed=listed)
            assert [counted.count(k) for k in ("fever", "symptoms", "illness")] == \
                [whole.count(k) for k in ("fever", "symptoms", "illness")], (unit.name, listed)
            assert counted.people == whole.people == len(whole.abnormal)
            assert [(p.item.name, p.item.unit_name, p.kinds, p.staff) for p in counted.abnormal] == \
                [(p.item.name, p.item.unit_name, p.kinds, p.staff) for p in whole.abnormal[:listed]], (unit.name, listed)
