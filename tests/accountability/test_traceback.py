"""The trace-back: missed and late reports with who answered for them on the day, and the monthly table."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from tests.health.helpers import at, push, record, report
from tests.health.helpers import utc
from webapp.accountability.operations import TraceBack, month_bounds
from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import Responsibility, Unit

MARCH = date(2026, 3, 1)
AFTER_MARCH = datetime(2026, 4, 2)


@pytest.fixture
def march(county):
    """Every unit exists since February; 王老师 answers for class 1-1 until the 10th's noon, 李老师 after."""
    db.session.execute(update(Unit).values(created_at=datetime(2026, 2, 1)))
    old = org.assign_responsibility(county.teacher_a1_1, county.class_a1_1)
    old.valid_from, old.valid_to = datetime(2026, 2, 1), utc(12, 0, date(2026, 3, 10))  # 12:00 in the county
    new = org.assign_responsibility(county.teacher_a1_2, county.class_a1_1)
    new.valid_from = utc(12, 0, date(2026, 3, 10))
    leader = org.assign_responsibility(county.teacher_b1, county.school_a1)
    leader.valid_from = datetime(2026, 2, 1)
    db.session.commit()
    return county


def _file(user, unit, day: date, hour: int = 8):
    push(user, record("daily_report", report(unit, day), at(hour, 0, day)))


def _lapse(trace, unit, day):
    return next(lapse for lapse in trace.lapses() if lapse.unit_id == unit.id and lapse.day == day)


def test_a_missed_report_names_who_was_responsible_on_that_day_not_today(march):
    trace = TraceBack(march.class_a1_1, MARCH, date(2026, 3, 31), now=AFTER_MARCH)
    before, after = _lapse(trace, march.class_a1_1, date(2026, 3, 5)), _lapse(trace, march.class_a1_1, date(2026, 3, 20))
    assert [(h.unit_name, h.name, h.phone) for h in before.chain][0] == ("一(1)班", "王老师", "13900000001")
    assert [h.name for h in after.chain] == ["李老师", "张老师"]  # the class's teacher, then the school's leader
    # The cut-off of the 10th (10:00) came before the handover at noon: still 王老师's day.
    assert [h.name for h in _lapse(trace, march.class_a1_1, date(2026, 3, 10)).chain][0] == "王老师"


def test_the_chain_above_the_class_is_read_as_it_stood_too(march):
    trace = TraceBack(march.school_a1, MARCH, date(2026, 3, 31), now=AFTER_MARCH)
    chain = _lapse(trace, march.class_a1_1, date(2026, 3, 20)).chain
    assert [(h.unit_name, h.name) for h in chain] == [("一(1)班", "李老师"), ("东镇一小", "张老师")]


def test_a_report_on_time_is_no_lapse_and_a_late_one_is_late(march, county):
    _file(county.users.homeroom_a1, county.class_a1_1, date(2026, 3, 2))
    _file(county.users.homeroom_a1, county.class_a1_1, date(2026, 3, 3), hour=11)
    trace = TraceBack(county.class_a1_1, date(2026, 3, 2), date(2026, 3, 4), now=AFTER_MARCH)
    assert [(lapse.day.day, lapse.late) for lapse in trace.lapses()] == [(4, False), (3, True)]


def test_a_late_report_corrected_before_the_cutoff_the_same_day_is_on_time(march, county):
    """Of two reports of a day, one before the cut-off makes the day on time."""
    day = date(2026, 3, 2)
    _file(county.users.homeroom_a1, county.class_a1_1, day, hour=8)
    _file(county.users.homeroom_a1, county.class_a1_1, day, hour=15)
    trace = TraceBack(county.class_a1_1, day, day, now=AFTER_MARCH)
    assert trace.lapses() == []


def test_days_before_a_unit_existed_and_days_not_due_yet_are_not_owed(march, county):
    db.session.execute(update(Unit).where(Unit.id == county.class_a1_2.id).values(created_at=utc(9, 0, date(2026, 3, 20))))
    trace = TraceBack(county.class_a1_2, MARCH, date(2026, 3, 31), now=utc(9, 0, date(2026, 3, 25)))  # 09:00 on the 25th
    days = sorted(lapse.day.day for lapse in trace.lapses())
    assert days == [20, 21, 22, 23, 24]  # the 25th's cut-off (10:00) has not come


def test_the_monthly_table_adds_up_across_schools_and_townships(march, county):
    for day in (2, 3, 4):
        _file(county.users.homeroom_a1, county.class_a1_1, date(2026, 3, day))
    _file(county.users.homeroom_a1_2, county.class_a1_2, date(2026, 3, 2), hour=12)
    townships = TraceBack(county.county, *month_bounds(date(2026, 3, 15)), now=AFTER_MARCH).monthly()
    assert [t.name for t in townships] == ["东镇", "西镇"]
    east, west = townships
    a1 = next(s for s in east.schools if s.name == "东镇一小")
    # 东镇一小: two classes and the school itself, 31 days each.
    assert (a1.due, a1.missed, a1.late, a1.on_time) == (93, 93 - 4, 1, 3)
    assert east.due == sum(s.due for s in east.schools) == 93 + 31  # 东镇中学 has no class: the school alone
    assert east.missed == sum(s.missed for s in east.schools)
    assert (west.due, west.missed) == (62, 62)


def test_a_township_sees_only_its_own_schools(march, county, as_user):
    client = as_user("township_a")
    page = client.get("/traceback/monthly?month=2026-03").get_data(as_text=True)
    assert "东镇一小" in page and "西镇一小" not in page
    assert "东镇 合计" in page and 'class="subtotal total"' not in page  # one township: no area total
    assert client.get(f"/traceback?unit_id={county.school_b1.id}").status_code == 404


def test_the_county_sees_its_total_under_the_townships(march, county, as_user):
    page = as_user("county").get("/traceback/monthly?month=2026-03").get_data(as_text=True)
    county_line = page.index(f"{county.county.name} 合计")
    assert page.index("东镇 合计") < page.index("西镇 合计") < county_line
    # 东镇 owes 124 unit-days, 西镇 62: the county 186.
    assert '<td class="num">186</td>' in page[county_line:]


def test_the_lapse_list_shows_the_person_and_their_phone(march, county, as_user):
    page = as_user("school_a1").get(f"/traceback?unit_id={county.class_a1_1.id}&start=2026-03-01&end=2026-03-31")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "王老师" in text and 'href="tel:13900000001"' in text and "李老师" in text


@pytest.mark.parametrize("query", ["start=2026-03-31&end=2026-03-01", "start=2026-01-01&end=2026-12-31",
                                   "start=nonsense", "unit_id=99999999999"])
def test_a_bad_period_is_explained_never_a_500(county, as_user, query):
    response = as_user("county").get(f"/traceback?{query}")
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("query", ["monthly?month=9999-12", "monthly?month=0001-01", "?start=9999-12-31",
                                   "?start=0001-01-01&end=0001-01-02"])
def test_a_month_or_day_at_the_calendars_edge_is_refused_on_the_form(county, as_user, query):
    response = as_user("county").get(f"/traceback{'/' if query.startswith('m') else ''}{query}")
    assert response.status_code == 200 and "2099-12-31" in response.get_data(as_text=True)


def test_teachers_have_no_trace_back(county, as_user):
    assert as_user("homeroom_a1").get("/traceback").status_code == 403


def test_removing_a_responsibility_keeps_it_in_the_history(county):
    org.assign_responsibility(county.teacher_a1_1, county.class_a1_1)
    assert org.unassign_responsibility(county.teacher_a1_1, county.class_a1_1)
    assert org.responsible_for(county.class_a1_1) == []
    link = db.session.scalar(select(Responsibility).where(Responsibility.unit_id == county.class_a1_1.id))
    assert link.valid_to is not None
    again = org.assign_responsibility(county.teacher_a1_1, county.class_a1_1)  # a new, open link
    assert again.id != link.id and org.responsible_for(county.class_a1_1) == [county.teacher_a1_1]


def test_the_counts_per_day_are_the_unit_days_counted(march, county):
    """`per_day` (the trend chart's SQL count) says what `unit_days` says, day by day, with a unit made
    mid-month (its earlier report does not count) and a late report."""
    db.session.execute(update(Unit).where(Unit.id == county.class_a1_2.id).values(created_at=utc(9, 0, date(2026, 3, 20))))
    for day in (2, 3, 21):
        _file(county.users.homeroom_a1, county.class_a1_1, date(2026, 3, day))
    _file(county.users.homeroom_a1_2, county.class_a1_2, date(2026, 3, 2))  # before the class existed
    _file(county.users.homeroom_a1_2, county.class_a1_2, date(2026, 3, 21))
    _file(county.users.homeroom_a1_2, county.class_a1_2, date(2026, 3, 22), hour=12)  # late
    trace = TraceBack(county.county, MARCH, date(2026, 3, 31), now=AFTER_MARCH)
    due, on_time = {}, {}
    for _unit, day, state in trace.unit_days():
        due[day] = due.get(day, 0) + 1
        on_time[day] = on_time.get(day, 0) + (state is None)
    assert trace.per_day() == (due, on_time)
    assert on_time[date(2026, 3, 2)] == 1 and on_time[date(2026, 3, 21)] == 2 and on_time[date(2026, 3, 22)] == 0
