"""One definition of the abnormal figures on every screen: a person counts under each finding they
have today (fever, other symptoms, absent for illness); the abnormal people count each person once."""
from __future__ import annotations

import re

from tests.health.helpers import at, check, push, record
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
