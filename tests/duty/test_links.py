"""Volunteers' personal links: what they show, masking, expiry, revocation, tampering, the .ics."""
from __future__ import annotations

import re

from datetime import datetime, time, timedelta

import icalendar
import pytest

from webapp.duty import operations as ops
from webapp.extensions import db
from tests.conftest import COUNTY_ZONE
from webapp.org.models import utcnow


@pytest.fixture
def roster(duty):
    """Tomorrow at 东村卡点: 07–13 with the volunteer, 王老师 (leader) and 李老师; 13–19 with 李老师 only."""
    c = duty.county
    day = duty.today + timedelta(days=1)
    morning = ops.create_shift(duty.cp_a, datetime.combine(day, time(7)), datetime.combine(day, time(13)), 3)
    afternoon = ops.create_shift(duty.cp_a, datetime.combine(day, time(13)), datetime.combine(day, time(19)), 2)
    ops.assign(morning, duty.volunteer_a)
    ops.set_leader(morning, c.teacher_a1_1)
    ops.assign(morning, c.teacher_a1_2)
    ops.assign(afternoon, c.teacher_a1_2)
    link = ops.issue_link(duty.volunteer_a, c.users.township_a)
    db.session.commit()
    return duty, morning, afternoon, ops.link_token(link), link


def test_the_link_shows_own_shifts_and_the_roster_with_phones_masked_except_the_leaders(roster, client):
    duty, morning, afternoon, token, _link = roster
    response = client.get(f"/v/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "东村卡点" in html and "东村村口" in html and "07:00–13:00" in html
    assert "13900000001" in html                            # the leader's number, in full
    assert "139****0002" in html and "13900000002" not in html  # a colleague's, masked
    assert "13900000009" in html                            # her own
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "private" in response.headers["Cache-Control"]


def test_the_link_opens_without_an_account_and_shows_no_other_persons_shifts(roster, client):
    duty, morning, afternoon, token, _link = roster
    html = client.get(f"/v/{token}").get_data(as_text=True)
    assert f'data-shift="{morning.id}"' in html
    assert "西村" not in html


def test_mask_phone():
    assert ops.mask_phone("13900000001") == "139****0001"
    assert ops.mask_phone("1234") == "****"
    assert ops.mask_phone(None) == ""


def test_an_expired_link_shows_no_data(roster, client):
    duty, morning, afternoon, token, link = roster
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/v/{token}")
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "东村卡点" not in html and "赵志愿" not in html
    assert client.get(f"/v/{token}/shifts.ics").status_code == 410


def test_a_revoked_link_shows_no_data_and_a_new_one_works(roster, client, as_user):
    duty, morning, afternoon, token, link = roster
    office = as_user("township_a")
    assert office.post(f"/duty/people/{duty.volunteer_a.id}/link/revoke",
                       data={"checkpoint_id": duty.cp_a.id}).status_code == 302
    office.post("/logout")
    response = client.get(f"/v/{token}")
    assert response.status_code == 410 and "赵志愿" not in response.get_data(as_text=True)
    new = ops.issue_link(duty.volunteer_a, None)
    db.session.commit()
    assert client.get(f"/v/{ops.link_token(new)}").status_code == 200
    assert client.get(f"/v/{token}").status_code == 410


def test_issuing_a_new_link_retires_the_old_one(roster, client):
    duty, morning, afternoon, token, link = roster
    ops.issue_link(duty.volunteer_a, None)
    db.session.commit()
    assert client.get(f"/v/{token}").status_code == 410


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
                                    lambda t: "x" + t, lambda t: "not-a-token"])
def test_a_tampered_token_shows_no_data(roster, client, mangle):
    token = roster[3]
    response = client.get(f"/v/{mangle(token)}")
    assert response.status_code == 404
    assert "赵志愿" not in response.get_data(as_text=True)
    assert client.get(f"/v/{mangle(token)}/shifts.ics").status_code == 404


def test_a_token_signed_with_another_secret_shows_no_data(roster, client):
    from itsdangerous import URLSafeSerializer
    forged = URLSafeSerializer("another-secret", salt="volunteer-link").dumps(roster[4].id)
    assert client.get(f"/v/{forged}").status_code == 404


def test_the_office_roster_shows_each_persons_link(roster, as_user):
    duty, morning, afternoon, token, link = roster
    html = as_user("township_a").get(f"/duty/checkpoints/{duty.cp_a.id}?week={morning_day(morning)}") \
        .get_data(as_text=True)
    assert f"/v/{token}" in html
    assert f'data-person="{duty.county.teacher_a1_2.id}"' in html


def morning_day(shift) -> str:
    from webapp.duty import clock
    return clock.to_local(shift.starts_at).date().isoformat()


def test_the_calendar_feed_parses_back_with_one_event_per_shift(roster, client):
    duty, morning, afternoon, token, link = roster
    response = client.get(f"/v/{token}/shifts.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1  # only her shift, not the afternoon one
    event = events[0]
    day = morning_day(morning)
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == datetime.fromisoformat(f"{day}T07:00").replace(tzinfo=COUNTY_ZONE)
    assert end == datetime.fromisoformat(f"{day}T13:00").replace(tzinfo=COUNTY_ZONE)
    assert event["dtstart"].params["TZID"] == COUNTY_ZONE.key
    assert "东村卡点" in str(event["summary"])
    assert str(event["location"]) == "东村村口"
    assert "王老师" in str(event["description"]) and "13900000001" in str(event["description"])
    assert str(event["uid"]).startswith(f"shift-{morning.id}-")
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == [COUNTY_ZONE.key]


def test_a_leaders_calendar_has_both_days_events_with_stable_uids(roster, client):
    duty, morning, afternoon, token, link = roster
    teacher_link = ops.issue_link(duty.county.teacher_a1_2, None)
    db.session.commit()
    url = f"/v/{ops.link_token(teacher_link)}/shifts.ics"
    first = icalendar.Calendar.from_ical(client.get(url).data)
    second = icalendar.Calendar.from_ical(client.get(url).data)
    uids = [str(e["uid"]) for e in first.walk("VEVENT")]
    assert len(uids) == 2 and uids == [str(e["uid"]) for e in second.walk("VEVENT")]


def test_the_page_registers_its_own_offline_worker(roster, client):
    token = roster[3]
    html = client.get(f"/v/{token}").get_data(as_text=True)
    assert re.search(r'src="/static/[0-9a-f]{12}/js/volunteer\.js"', html) and 'data-worker="/v/sw.js"' in html and 'data-scope="/v/"' in html
    worker = client.get("/v/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert "caches" in worker.get_data(as_text=True)
