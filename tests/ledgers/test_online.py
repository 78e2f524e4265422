"""Online learning: a class's day with its exceptions, the latest entry current, the rates up the
hierarchy, the students to phone, absent two days running goes on the at-risk list, the screens."""
from __future__ import annotations

import re
from datetime import timedelta

from webapp.duty import clock
from webapp.extensions import db
from webapp.ledgers.online import operations as ops
from webapp.ledgers.online.models import OnlineClassDay
from webapp.sync.engine import ACCEPTED, FORBIDDEN

from tests.health.helpers import push

from .helpers import days_ago, record


def _day(klass, day, *exceptions) -> dict:
    return {"class_id": klass.id, "date": day.isoformat(), "note": None,
            "exceptions": [{"student_id": s.id, "absent": absent, "no_homework": no_homework, "not_marked": not_marked}
                           for s, absent, no_homework, not_marked in exceptions]}


def _at(minutes_ago: int) -> str:
    return (clock.local_now() - timedelta(minutes=minutes_ago)).isoformat(timespec="seconds")


def test_rates_and_corrections(county):
    c, students = county.class_a1_1, county.students_a1_1  # five students
    user = county.users.homeroom_a1
    first = record("online_day", _day(c, days_ago(0), (students[0], True, True, False)), _at(30))
    correction = record("online_day", _day(c, days_ago(0), (students[0], True, True, False),
                                           (students[1], False, False, True)), _at(10))
    assert [r["status"] for r in push(user, correction, first)] == [ACCEPTED, ACCEPTED]  # arrive in any order
    current = db.session.get(OnlineClassDay, (c.id, days_ago(0)))
    assert (current.expected, current.attended, current.handed_in, current.marked) == (5, 4, 4, 3)
    node = ops.rates(county.county, days_ago(0))
    assert (node.expected, node.attended, node.entered, node.classes) == (5, 4, 1, 3)
    assert node.rate("attended") == 0.8 and node.low
    township = next(t for t in node.children if t.unit.id == county.township_a.id)
    assert township.rate("marked") == 0.6
    assert [m.student.id for m in ops.to_phone(county.county, days_ago(0))] == [students[0].id, students[1].id]


def test_absent_two_days_running_is_at_risk(county):
    c, s = county.class_a1_1, county.students_a1_1
    user = county.users.homeroom_a1
    push(user, record("online_day", _day(c, days_ago(2), (s[0], True, True, False), (s[1], True, True, False))),
         record("online_day", _day(c, days_ago(1), (s[0], True, True, False))),
         record("online_day", _day(c, days_ago(0), (s[0], True, True, False), (s[2], True, True, False))))
    assert [m.student.id for m in ops.at_risk(county.county, days_ago(0))] == [s[0].id]
    assert [m.student.id for m in ops.at_risk(county.county, days_ago(1))] == [s[0].id]  # s[1] missed one day only


def test_who_enters_what(county):
    mine = county.users.homeroom_a1
    other_class = push(mine, record("online_day", _day(county.class_a1_2, days_ago(0))))[0]
    assert other_class["code"] == FORBIDDEN
    wrong_student = push(mine, record("online_day", _day(county.class_a1_1, days_ago(0),
                                                         (county.students_a1_2[0], True, True, False))))[0]
    assert "exceptions" in wrong_student["errors"]
    nothing = push(mine, record("online_day", _day(county.class_a1_1, days_ago(0),
                                                   (county.students_a1_1[0], False, False, False))))[0]
    assert "exceptions" in nothing["errors"]
    school = push(mine, record("online_day", {**_day(county.class_a1_1, days_ago(0)), "class_id": county.school_a1.id}))
    assert school[0]["code"] == FORBIDDEN  # a teacher's area is the class
    assert db.session.query(OnlineClassDay).count() == 0


def test_screens(county, as_user):
    push(county.users.homeroom_a1, record("online_day", _day(county.class_a1_1, days_ago(0),
                                                             (county.students_a1_1[0], True, True, False))))
    html = as_user("county").get("/ledgers/online/").get_data(as_text=True)
    assert 'id="rate-attended">80.0 %<' in html and 'id="entered">1/3<' in html
    assert re.search(rf'data-class="{county.class_a1_1.id}" data-low="yes"', html)
    assert county.students_a1_1[0].name in html
    teacher = as_user("homeroom_a1").get("/ledgers/online/").get_data(as_text=True)
    assert 'id="entered">1/1<' in teacher and county.students_b1_1[0].name not in teacher
    assert as_user("township_a").get(f"/ledgers/online/?unit={county.township_b.id}").status_code == 404
    assert as_user("volunteer_a").get("/ledgers/online/").status_code == 403


def test_day_file(county, as_user):
    from tests.sheets import data_rows
    push(county.users.homeroom_a1, record("online_day", _day(county.class_a1_1, days_ago(0),
                                                             (county.students_a1_1[0], True, True, False))))
    response = as_user("school_a1").get("/ledgers/online/day.xlsx")
    rows = data_rows(response.data)
    assert rows[-1][0] == "合计" and rows[-1][2] == 4
    # Named as its title reads, in Chinese (it was "online-<day>.xlsx"); ":" cannot stand in a Windows file name.
    from urllib.parse import unquote
    assert unquote(response.headers["Content-Disposition"]).endswith(f"停课不停学 东镇一小 {days_ago(0).isoformat()}.xlsx")
    entered = [r for r in rows if r[1] is not None]
    assert (entered[0][1], entered[0][2], entered[0][3]) == (5, 4, 80.0)


def test_the_phones_pull_the_classes_days_as_the_server_knows_them(county):
    """A colleague's or the office's entry reaches the class's other phones: the current record per class
    and day with its tapped students, only within the user's scope, an incremental pull only the new."""
    from webapp.ledgers.online.reference import online_days
    from webapp.org.models import utcnow
    c, s = county.class_a1_1, county.students_a1_1
    push(county.users.school_a1, record("online_day", _day(c, days_ago(0), (s[0], True, True, False)), _at(30)),
         record("online_day", _day(c, days_ago(0), (s[1], False, True, False)), _at(10)),  # the current one
         record("online_day", _day(c, days_ago(1), (s[2], True, False, False))))
    mine = {i["id"]: i for i in online_days(county.users.homeroom_a1, None)}
    today = mine[f"{c.id}-{days_ago(0).isoformat()}"]
    assert today["exceptions"] == [{"student_id": s[1].id, "absent": False, "no_homework": True, "not_marked": False}]
    assert today["class_id"] == c.id and today["at"].endswith("Z")
    assert [e["student_id"] for e in mine[f"{c.id}-{days_ago(1).isoformat()}"]["exceptions"]] == [s[2].id]
    assert online_days(county.users.homeroom_b1, None) == []  # another school's class
    assert online_days(county.users.township_a, None) == []  # no roll, no days
    later = utcnow()
    assert online_days(county.users.homeroom_a1, later) == []
    push(county.users.homeroom_a1, record("online_day", _day(c, days_ago(1))))
    assert [i["id"] for i in online_days(county.users.homeroom_a1, later)] == [f"{c.id}-{days_ago(1).isoformat()}"]


def test_the_command_views_one_rate_is_the_trees(county):
    """`attended_rate` (one sum, for the command view) is `rates(...).rate("attended")` at every level."""
    c, students = county.class_a1_1, county.students_a1_1
    push(county.users.homeroom_a1, record("online_day", _day(c, days_ago(0), (students[0], True, False, False)),
                                          _at(5)))
    for unit in (county.county, county.township_a, county.school_a1, c, county.class_a1_2):
        assert ops.attended_rate(unit, days_ago(0)) == ops.rates(unit, days_ago(0)).rate("attended")
    assert ops.attended_rate(county.county, days_ago(0)) == 0.8
    assert ops.attended_rate(county.county, days_ago(1)) is None  # nothing entered: no figure, never 0 %
