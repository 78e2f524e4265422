"""Trends: the daily series add up from the checks, reports and isolations, and draw as SVG with a table."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import update

from tests.health.helpers import at, check, push, record, report
from webapp.dashboard import svg, trends
from webapp.extensions import db
from webapp.org.models import Unit
from webapp.org.settings import local_today

DAY = date(2026, 3, 10)


def _checks(county, day, fever=(), ill=()):
    records = []
    for s in county.students_a1_1:
        data = {"temperature": 38.2} if s in fever else {}
        if s in ill:
            data = {"present": False, "absence_reason": "illness"}
        records.append(record("health_check", check(s, "morning", day, **data), at(7, 40, day)))
    push(county.users.homeroom_a1, *records)


def test_fever_and_illness_count_people_per_day_from_the_current_checks(county):
    a, b, c = county.students_a1_1[:3]
    _checks(county, DAY - timedelta(days=1), fever=(a, b))
    _checks(county, DAY, fever=(a,), ill=(c,))
    # a's noon check the same day has a fever too: still one person
    push(county.users.homeroom_a1, record("health_check", check(a, "noon", DAY, temperature=38.0), at(12, 30, DAY)))
    # b's fever of the day before is corrected: the current check counts
    push(county.users.homeroom_a1, record("health_check", check(b, "morning", DAY - timedelta(days=1), temperature=36.5),
                                          at(8, 0, DAY - timedelta(days=1))))
    fever, illness, _isolation, _on_time, online = trends.series(county.school_a1, DAY, 14)
    assert len(fever.days) == 14 and fever.days[-1] == DAY
    assert fever.values[-2:] == [1, 1] and illness.values[-2:] == [0, 1]
    assert online.share and online.values == [None] * 14  # no online lessons recorded: no bar, never a 0 %
    county_fever = trends.series(county.county, DAY, 30)[0]
    assert county_fever.values[-1] == 1 and len(county_fever.values) == 30


def test_reports_on_time_are_the_share_of_reports_due(county):
    db.session.execute(update(Unit).values(created_at=datetime(2026, 2, 1)))
    db.session.commit()
    push(county.users.homeroom_a1, record("daily_report", report(county.class_a1_1, DAY), at(8, 0, DAY)))
    on_time = trends.series(county.grade_a1, DAY, 14)[3]
    # two classes owe a report on the 10th; one came on time
    assert on_time.share and on_time.values[-1] == 50.0 and on_time.values[0] == 0.0


def test_the_chart_is_svg_with_its_text_and_a_bar_per_day(county):
    s = trends.Series("fever", "发热", False, trends.window(DAY, 14), [0] * 13 + [7])
    drawing = str(svg.chart(s, "发热，最近 14 天"))
    assert drawing.startswith("<svg") and 'role="img"' in drawing and 'aria-label="发热，最近 14 天"' in drawing
    assert drawing.count("<rect") == 14 and ">10<" in drawing  # the scale's top: 10 over a largest of 7
    assert "<script" not in drawing and "style=" not in drawing


def test_the_trends_page_has_a_table_for_screen_readers_and_drills_down(county, as_user):
    _checks(county, local_today(), fever=county.students_a1_1[:2])
    client = as_user("school_a1")
    page = client.get("/trends?days=30").get_data(as_text=True)
    assert page.count("<svg") == 5 and page.count("<table") == 5
    assert f"/trends?unit_id={county.grade_a1.id}" in page
    assert "<td>2</td>" in page  # today's fevers in the table
    # A past day with no online lessons (or no report due) has no figure: said so, not "not due yet".
    assert "<td>无数据</td>" in page and "未到期" not in page


def test_trends_stay_in_scope(county, as_user):
    assert as_user("school_b1").get(f"/trends?unit_id={county.school_a1.id}").status_code == 404
    assert as_user("homeroom_a1").get(f"/trends?unit_id={county.class_a1_1.id}").status_code == 200
    assert as_user("homeroom_a1").get(f"/trends?unit_id={county.class_a1_2.id}").status_code == 404
    assert as_user("volunteer_a").get("/trends").status_code == 403


def test_isolation_counts_people_from_their_start_until_their_release(county):
    from tests.health.helpers import DAY as START, push_one
    from tests.tracking.helpers import change, isolation, recorded

    a, b = county.students_a1_1[:2]
    first = push_one(county.users.homeroom_a1, "isolation_start", isolation(a, started=0), recorded(0))
    push_one(county.users.homeroom_a1, "isolation_start", isolation(b, started=2, exposure=1), recorded(2))
    push_one(county.users.homeroom_a1, "isolation_change", change(first["id"], "release", 4, "期满"), recorded(4))
    values = trends.series(county.school_a1, START + timedelta(days=5), 14)[2].values
    # START-1: nobody; START, +1: a; +2, +3: a and b; +4 (a released), +5: b
    assert values[-7:] == [0, 1, 1, 2, 2, 1, 1]
