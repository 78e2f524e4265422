"""School duty on the roster core of checkpoint duty: a school's post, its shifts, who stands them,
check-in on the phone through the same kind, the county's view, the week's file."""
from __future__ import annotations

from datetime import timedelta

from webapp.duty import clock
from webapp.duty.models import Checkpoint, Shift, ShiftAttendance
from webapp.extensions import db
from webapp.org.models import utcnow
from webapp.sync.engine import ACCEPTED

from tests.health.helpers import push

from .helpers import record


def _roster(client, county, today):
    url = f"/ledgers/school-duty/school/{county.school_a1.id}"
    assert client.post(f"{url}/open").status_code == 302
    assert client.post(f"{url}/open").status_code == 302  # a second click makes no second post
    assert db.session.query(Checkpoint).filter_by(unit_id=county.school_a1.id).count() == 1
    form = {"first_day": today.isoformat(), "last_day": (today + timedelta(days=1)).isoformat(),
            "slots": "00:00-12:00, 12:00-00:00", "needed": "1"}
    assert client.post(f"{url}/shifts", data=form).status_code == 302
    shifts = db.session.query(Shift).order_by(Shift.starts_at).all()
    assert len(shifts) == 4
    return url, shifts


def test_a_school_keeps_its_duty_roster(county, as_user):
    today = clock.local_today()
    client = as_user("school_a1")
    url, shifts = _roster(client, county, today)
    now_shift = next(s for s in shifts if s.starts_at <= utcnow() < s.ends_at)
    assert client.post(f"{url}/shifts/{now_shift.id}/people",
                       data={"staff_ids": [county.teacher_a1_1.id]}).status_code == 302
    refused = client.post(f"{url}/shifts/{now_shift.id}/people", data={"staff_ids": [county.teacher_b1.id]})
    assert refused.status_code == 302
    db.session.expire_all()
    assert [p.id for p in db.session.get(Shift, now_shift.id).people] == [county.teacher_a1_1.id]
    # The teacher checks in on the phone, with the kind checkpoint duty declared.
    result = push(county.users.homeroom_a1, record("shift_attendance", {"shift_id": now_shift.id, "action": "check_in"}))
    assert result[0]["status"] == ACCEPTED and db.session.query(ShiftAttendance).count() == 1
    html = client.get(url).get_data(as_text=True)
    assert f'data-person="{county.teacher_a1_1.id}">王老师 ✓' in html
    county_html = as_user("county").get("/ledgers/school-duty/").get_data(as_text=True)
    assert f'data-school="{county.school_a1.id}"' in county_html


def test_scope_and_file(county, as_user):
    from tests.sheets import data_rows
    today = clock.local_today()
    client = as_user("school_a1")
    url, shifts = _roster(client, county, today)
    rows = data_rows(client.get(f"{url}/week.xlsx?week={today.isoformat()}").data)
    assert len(rows) == len([s for s in shifts if clock.week_start(clock.to_local(s.starts_at).date())
                             == clock.week_start(today)])
    assert as_user("school_b1").get(url).status_code == 404
    assert as_user("school_b1").post(f"{url}/shifts/{shifts[0].id}/people", data={}).status_code == 404
    assert as_user("homeroom_a1").get("/ledgers/school-duty/").status_code == 403


def test_a_schools_post_can_be_edited_and_a_checkpoint_placed_at_a_school_within_scope(county, as_user):
    """The checkpoint form offers the area's villages and schools: a school's gate checkpoint or duty
    post keeps its school when edited; a school outside the area is no choice and is refused."""
    import re
    from webapp.duty import operations as duty
    post = duty.save_checkpoint(None, county.users.county, name="东镇一小校门", unit=county.school_a1, address="校门",
                                active_from=clock.local_today(), active_to=None, leader=None)
    db.session.commit()
    client = as_user("township_a")
    form = client.get(f"/duty/checkpoints/{post.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{county.school_a1.id}">东镇一小</option>', form)
    assert f'value="{county.village_a.id}"' in form and f'value="{county.school_b1.id}"' not in form
    data = {"name": "东镇一小校门卡点", "unit_id": county.school_a1.id, "address": "校门", "leader_id": "",
            "active_from": clock.local_today().isoformat(), "active_to": ""}
    assert client.post(f"/duty/checkpoints/{post.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert (db.session.get(Checkpoint, post.id).unit_id, db.session.get(Checkpoint, post.id).name) == (
        county.school_a1.id, "东镇一小校门卡点")
    assert client.post("/duty/checkpoints/new", data={**data, "unit_id": county.school_a2.id}).status_code == 302
    assert db.session.query(Checkpoint).filter_by(unit_id=county.school_a2.id).count() == 1
    refused = client.post("/duty/checkpoints/new", data={**data, "unit_id": county.school_b1.id})
    assert refused.status_code == 200 and db.session.query(Checkpoint).filter_by(unit_id=county.school_b1.id).count() == 0
