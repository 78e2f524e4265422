"""Disinfection: due times and coverage (red after the due time), entries ticking several areas,
the month at a glance, who records where, the screens and the export."""
from __future__ import annotations

import re
from datetime import time

import pytest

from webapp.errors import RuleError
from webapp.extensions import db
from webapp.ledgers.disinfection import operations as dis
from webapp.ledgers.disinfection.models import AreaKind, Entry, EntryArea
from webapp.ledgers.disinfection.schedule import day_of, parse_due
from webapp.sync.engine import ACCEPTED, FORBIDDEN, REJECTED

from .helpers import days_ago, disinfection, push_disinfections


def test_due_times_and_the_day():
    due = parse_due("12:30, 7:30")
    assert due == [time(7, 30), time(12, 30)]
    assert day_of(due, 0, time(7, 0)).overdue is False  # not yet due
    assert day_of(due, 0, time(7, 31)).overdue is True  # red after its due time
    assert day_of(due, 1, time(12, 0)).overdue is False and day_of(due, 1, time(12, 0)).next_due == time(12, 30)
    assert day_of(due, 1, time(13, 0)).overdue is True
    assert day_of(due, 2, time(13, 0)).complete
    assert day_of(due, 1, None).overdue  # a day that is over: every due time passed
    for bad in ("", "25:00", "7.30", "1,2,3,4,5,6,7"):
        with pytest.raises(RuleError):
            parse_due(bad)


def test_one_entry_ticks_several_areas(county, areas):
    results = push_disinfections(county.users.school_a1, disinfection(county.school_a1, [areas.room1, areas.room2,
                                                                                        areas.gate]))
    assert results[0]["status"] == ACCEPTED
    entry = db.session.scalars(db.select(Entry)).one()
    assert sorted(a.area_id for a in entry.areas) == sorted([areas.room1.id, areas.room2.id, areas.gate.id])


def test_coverage_overdue_first(county, areas):
    today = days_ago(0)
    push_disinfections(county.users.school_a1, disinfection(county.school_a1, [areas.room1, areas.room2, areas.gate]))
    places = dis.coverage(county.county, today, time(11, 0))
    a1 = next(p for p in places if p.unit.id == county.school_a1.id)
    states = {item.area.id: item.day for item in a1.areas}
    assert not states[areas.room1.id].overdue and not states[areas.room1.id].complete  # 12:30 still to come
    assert states[areas.canteen.id].overdue  # 10:30 passed, not done
    assert states[areas.gate.id].complete
    # B1's gate was due at 07:00 and is not done either; A1 has as many overdue, and more still to do.
    assert [p.unit.id for p in places] == [county.school_a1.id, county.school_b1.id]
    assert [p.unit.id for p in dis.coverage(county.township_b, today, time(11, 0))] == [county.school_b1.id]


def test_who_records_where(county, areas):
    school_b = push_disinfections(county.users.school_b1, disinfection(county.school_a1, [areas.room1]))[0]
    assert (school_b["status"], school_b["code"]) == (REJECTED, FORBIDDEN)
    other_place = push_disinfections(county.users.county, disinfection(county.school_a1, [areas.gate_b]))[0]
    assert "areas" in other_place["errors"]
    for bad, field in (({"areas": []}, "areas"), ({"time": "7:3"}, "time"), ({"done_by": " "}, "done_by"),
                       ({"date": days_ago(8).isoformat()}, "date")):
        result = push_disinfections(county.users.school_a1, {**disinfection(county.school_a1, [areas.room1]), **bad})[0]
        assert field in result["errors"], (bad, result)
    twice = push_disinfections(county.users.school_a1, {**disinfection(county.school_a1, [areas.room1]),
                                                        "areas": [{"area_id": areas.room1.id}] * 2})[0]
    assert "areas" in twice["errors"]
    dis.save_area(areas.room2, county.users.county, county.school_a1, name="一(2)班教室", kind=AreaKind.classroom,
                  due_times=None, active=False)
    db.session.commit()
    retired = push_disinfections(county.users.school_a1, disinfection(county.school_a1, [areas.room2]))[0]
    assert "areas" in retired["errors"]
    assert db.session.query(EntryArea).count() == 0


def test_month_at_a_glance(county, areas, as_user):
    push_disinfections(county.users.school_a1, disinfection(county.school_a1, [areas.gate], day=days_ago(0)))
    client = as_user("school_a1")
    html = client.get(f"/ledgers/disinfection/unit/{county.school_a1.id}/month").get_data(as_text=True)
    row = re.search(rf'<tr data-area="{areas.gate.id}">.*?</tr>', html, re.S).group(0)
    assert re.search(rf'data-day="{days_ago(0).isoformat()}" class="done">1/1<', row)
    if days_ago(1).month == days_ago(0).month:
        assert re.search(rf'data-day="{days_ago(1).isoformat()}" class="missed">0/1<', row)


def test_office_screens_and_export(county, areas, as_user):
    from tests.sheets import data_rows, formula_cells
    client = as_user("school_a1")
    url = f"/ledgers/disinfection/unit/{county.school_a1.id}"
    form = {"record_id": "6f1f0c1e-2b47-4f57-9b8e-3d0f4a0e9b11", "area_ids": [areas.room1.id, areas.canteen.id],
            "date": days_ago(0).isoformat(), "time": "06:50", "method": "wipe", "agent": "84消毒液",
            "concentration": "500 mg/L", "done_by": "@李老师", "note": ""}
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code == 302  # sent twice: stored once
    assert db.session.query(Entry).count() == 1
    html = client.get(url).get_data(as_text=True)
    assert f'data-area="{areas.canteen.id}" data-state=' in html and "一(1)班教室、食堂" in html
    data = client.get(f"{url}/month.xlsx").data
    rows = data_rows(data)
    assert rows[0][2] == "一(1)班教室、食堂" and rows[0][6] == "@李老师" and formula_cells(data) == []
    assert as_user("township_a").get(f"/ledgers/disinfection/unit/{county.school_b1.id}").status_code == 404
    assert as_user("homeroom_a1").get("/ledgers/disinfection/").status_code == 403


def test_township_sees_overdue_places_and_county_sets_defaults(county, areas, as_user):
    html = as_user("township_a").get("/ledgers/disinfection/").get_data(as_text=True)
    assert re.findall(r'data-place="(\d+)"', html) == [str(county.school_a1.id)]
    client = as_user("county")
    assert client.post("/ledgers/disinfection/defaults", data={k.value: "08:00" for k in AreaKind}).status_code == 302
    assert dis.due_defaults()[AreaKind.classroom] == [time(8, 0)]
    refused = client.post("/ledgers/disinfection/defaults", data={**{k.value: "08:00" for k in AreaKind}, "gate": "x"})
    assert refused.status_code == 200 and dis.due_defaults()[AreaKind.gate] == [time(8, 0)]
    assert as_user("school_a1").get("/ledgers/disinfection/defaults").status_code == 403


def test_areas_screen(county, areas, as_user):
    client = as_user("school_a1")
    url = f"/ledgers/disinfection/unit/{county.school_a1.id}/areas"
    assert client.post(url, data={"name": "学生宿舍", "kind": "dormitory", "due_times": "", "active": "y"}).status_code == 302
    bad = client.post(url, data={"name": "厕所", "kind": "toilet", "due_times": "8点", "active": "y"})
    assert bad.status_code == 200
    names = [a.name for a in dis.areas_of(county.school_a1)]
    assert "学生宿舍" in names and "厕所" not in names
    assert client.get(f"/ledgers/disinfection/unit/{county.school_a1.id}/areas/{areas.gate_b.id}").status_code == 404


def test_the_phone_pulls_todays_counts(county, areas):
    from webapp.org.models import utcnow
    from webapp.sync.reference import items
    before = utcnow()
    push_disinfections(county.users.school_a1, disinfection(county.school_a1, [areas.room1, areas.gate]))
    pulled = {a["id"]: a for a in items("disinfection_areas", county.users.school_a1, None)}
    assert (pulled[areas.gate.id]["done_today"], pulled[areas.room2.id]["done_today"]) == (1, 0)
    assert pulled[areas.gate.id]["day"] == days_ago(0).isoformat()
    # An incremental pull brings the areas ticked since (their count changed), not the others.
    since = {a["id"] for a in items("disinfection_areas", county.users.school_a1, before)}
    assert since == {areas.room1.id, areas.gate.id}
