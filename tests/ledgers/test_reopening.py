"""The reopening plan: a school's copy from the phone and the office, the latest update wins whatever
order it arrives in, ready only when every item is done, the county's readiness, the files."""
from __future__ import annotations

import re
from datetime import timedelta

from webapp.duty import clock
from webapp.extensions import db
from webapp.ledgers.reopening import operations as ops
from webapp.ledgers.reopening.models import PlanState, Status
from webapp.sync.engine import ACCEPTED, FORBIDDEN

from tests.health.helpers import push

from .helpers import record


def _update(school, item, status, person="刘校长", **data) -> dict:
    return {"school_id": school.id, "item_id": item.id, "person": person, "status": status, "note": None, **data}


def _at(minutes_ago: int) -> str:
    return (clock.local_now() - timedelta(minutes=minutes_ago)).isoformat(timespec="seconds")


def test_latest_update_wins_whatever_the_arrival_order(county, plan):
    user = county.users.school_a1
    later = record("reopening_item", _update(county.school_a1, plan.campus, "done"), _at(5))
    earlier = record("reopening_item", _update(county.school_a1, plan.campus, "doing", person="王主任"), _at(60))
    assert [r["status"] for r in push(user, later)] == [ACCEPTED]
    assert [r["status"] for r in push(user, earlier)] == [ACCEPTED]  # a phone that was offline, with an older one
    state = db.session.get(PlanState, (county.school_a1.id, plan.campus.id))
    assert (state.status, state.person) == (Status.done, "刘校长")


def test_ready_only_when_every_item_is_done(county, plan):
    user = county.users.school_a1
    push(user, *(record("reopening_item", _update(county.school_a1, item, "done")) for item in (plan.campus, plan.supplies)))
    a1 = next(p for p in ops.readiness(county.county) if p.school.id == county.school_a1.id)
    assert (a1.done, a1.ready) == (2, False)
    push(user, record("reopening_item", _update(county.school_a1, plan.drill, "done")))
    plans = ops.readiness(county.county)
    assert plans[-1].school.id == county.school_a1.id and plans[-1].ready  # the ready last, the not ready first
    assert [p.ready for p in plans] == [False, False, True]


def test_who_may_update(county, plan):
    refused = push(county.users.school_b1, record("reopening_item", _update(county.school_a1, plan.campus, "done")))[0]
    assert refused["code"] == FORBIDDEN
    nobody = push(county.users.school_a1, record("reopening_item", _update(county.school_a1, plan.campus, "done",
                                                                            person=" ")))[0]
    assert "person" in nobody["errors"]
    plan.drill.active = False
    db.session.commit()
    retired = push(county.users.school_a1, record("reopening_item", _update(county.school_a1, plan.drill, "done")))[0]
    assert "item_id" in retired["errors"]
    assert db.session.query(PlanState).count() == 0


def test_screens(county, plan, as_user):
    client = as_user("school_a1")
    url = f"/ledgers/reopening/school/{county.school_a1.id}"
    assert client.get("/ledgers/reopening/").headers["Location"].endswith(url)
    form = {"record_id": "0d7e0c1e-2b47-4f57-9b8e-3d0f4a0e9b22", "item_id": str(plan.campus.id), "person": "刘校长",
            "status": "done", "note": "=1+2"}
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code == 302  # twice: one update
    refused = client.post(url, data={**form, "record_id": "", "person": ""})
    assert refused.status_code == 200
    html = client.get(url).get_data(as_text=True)
    assert f'data-item="{plan.campus.id}" data-status="done"' in html and 'id="plan-done">1/3<' in html
    county_html = as_user("county").get("/ledgers/reopening/").get_data(as_text=True)
    assert 'id="not-ready">3<' in county_html
    item = re.search(rf'<li data-item="{plan.campus.id}">.*?</li>', county_html, re.S).group(0)
    assert "3 所学校中 1 所已完成" in item
    assert as_user("township_a").get(f"/ledgers/reopening/school/{county.school_b1.id}").status_code == 404
    assert as_user("homeroom_a1").get("/ledgers/reopening/").status_code == 403


def test_files(county, plan, as_user):
    from tests.sheets import data_rows, formula_cells
    push(county.users.school_a1, record("reopening_item", _update(county.school_a1, plan.campus, "done", note="=1+2")))
    client = as_user("county")
    school = client.get(f"/ledgers/reopening/school/{county.school_a1.id}/plan.xlsx").data
    rows = data_rows(school)
    assert rows[0][:4] == ("校园全面消毒", "刘校长", "完成", "=1+2") and formula_cells(school) == []
    grid = data_rows(client.get("/ledgers/reopening/readiness.xlsx").data)
    assert len(grid) == 3 and all(row[2] == "否" for row in grid)


def test_students_not_back_come_from_tracking(county, plan):
    # With nothing in the tracking area, every student is cleared or not by its own rules: the figure is a
    # number the tracking area gives, never one made up here.
    from webapp.tracking.queries import clearance
    expected = sum(1 for (kind, _), why in clearance(county.school_a1, clock.local_today()).items()
                   if kind == "student" and why)
    assert ops.students_not_back(county.school_a1, clock.local_today()) == expected
