"""Training: sessions from the phone and the office, who may be ticked, the share of staff on duty trained."""
from __future__ import annotations

from datetime import datetime, timedelta

from webapp.duty import clock
from webapp.duty import operations as duty
from webapp.extensions import db
from webapp.ledgers.training import operations as ops
from webapp.ledgers.training.models import Topic, TrainingAttendee
from webapp.sync.engine import ACCEPTED, FORBIDDEN

from tests.health.helpers import push

from .helpers import record, training


def _on_duty(county, *staff):
    """A checkpoint shift tomorrow with these people booked."""
    checkpoint = duty.save_checkpoint(None, county.users.county, name="东村卡点", unit=county.village_a, address="",
                                      active_from=clock.local_today(), active_to=None, leader=None)
    tomorrow = datetime.combine(clock.local_today() + timedelta(days=1), datetime.min.time())
    shift = duty.create_shift(checkpoint, tomorrow.replace(hour=7), tomorrow.replace(hour=13), 2)
    for person in staff:
        duty.assign(shift, person)
    db.session.commit()


def test_share_of_staff_on_duty_trained(county):
    _on_duty(county, county.teacher_a1_1, county.teacher_a1_2)
    assert push(county.users.school_a1, record("training", training(county.school_a1, [county.teacher_a1_1])))[0][
        "status"] == ACCEPTED
    a1 = next(s for s in ops.schools(county.county, clock.local_today()) if s.school.id == county.school_a1.id)
    assert (len(a1.staff), len(a1.on_duty)) == (2, 2)
    assert a1.share(Topic.disinfection) == 0.5 and a1.share(Topic.thermometer) == 0.0
    b1 = next(s for s in ops.schools(county.county, clock.local_today()) if s.school.id == county.school_b1.id)
    assert b1.share(Topic.disinfection) is None  # nobody of B1 on duty: no share, not 0 %


def test_who_may_be_ticked(county):
    other = push(county.users.school_a1, record("training", training(county.school_a1, [county.teacher_b1])))[0]
    assert "attendees" in other["errors"]
    outside = push(county.users.school_b1, record("training", training(county.school_a1, [county.teacher_a1_1])))[0]
    assert outside["code"] == FORBIDDEN
    nobody = push(county.users.school_a1, record("training", training(county.school_a1, [])))[0]
    assert "attendees" in nobody["errors"]
    assert db.session.query(TrainingAttendee).count() == 0


def test_screens_and_file(county, as_user):
    from tests.sheets import data_rows
    _on_duty(county, county.teacher_a1_1)
    client = as_user("school_a1")
    url = f"/ledgers/training/school/{county.school_a1.id}"
    form = {"record_id": "8a7e0c1e-2b47-4f57-9b8e-3d0f4a0e9b33", "date": clock.local_today().isoformat(),
            "topic": "thermometer", "trainer": "校医", "staff_ids": [county.teacher_a1_1.id], "note": ""}
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert 'data-topic="thermometer">红外测温仪 100 %<' in html
    rows = data_rows(client.get(f"{url}/training.xlsx").data)
    assert len(rows) == 1 and rows[0][2:5] == ("校医", 1, "王老师")
    county_html = as_user("county").get("/ledgers/training/").get_data(as_text=True)
    assert county_html.index(f'data-school="{county.school_a1.id}"') < county_html.index(
        f'data-school="{county.school_b1.id}"')  # A1's disinfection share is 0 %: lowest first
    assert as_user("homeroom_a1").get("/ledgers/training/").status_code == 403
