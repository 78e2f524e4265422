"""Days at the edges of the calendar (year 1, year 9999) on the duty screens: a message, never a 500."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.duty.models import Checkpoint, Shift
from webapp.extensions import db

FAR = ("0001-01-01", "0001-01-03", "9999-12-30", "9999-12-31")
MESSAGE = "Choose a day between 2000-01-01 and 2099-12-31."


def shifts() -> int:
    return db.session.scalar(select(func.count()).select_from(Shift))


def test_a_far_off_week_or_day_shows_this_week_or_today(duty, as_user):
    client = as_user("township_a")
    cp = duty.cp_a.id
    for far in FAR:
        for url in (f"/duty/checkpoints/{cp}?week={far}", f"/duty/checkpoints/{cp}/log?day={far}",
                    f"/duty/checkpoints/{cp}/log.xlsx?day={far}"):
            assert client.get(url).status_code == 200, url
        copied = client.post(f"/duty/checkpoints/{cp}/copy-week?week={far}", data={"weeks": "1"})
        assert copied.status_code == 302 and "week=9999" not in copied.location and "week=0001" not in copied.location


def test_bulk_shifts_on_far_off_days_are_refused_on_the_field(duty, as_user):
    client = as_user("township_a")
    client.set_cookie("lang", "en")
    before = shifts()
    for first, last in (("0001-01-01", "0001-01-05"), ("9999-12-28", "9999-12-31"), ("2026-03-02", "9999-12-31")):
        page = client.post(f"/duty/checkpoints/{duty.cp_a.id}/bulk",
                           data={"first_day": first, "last_day": last, "slots": "07:00-13:00", "needed": "2"})
        assert page.status_code == 200 and MESSAGE in page.get_data(as_text=True), (first, last)
    assert shifts() == before


def test_a_checkpoint_open_until_year_9999_is_refused_so_its_bulk_page_still_opens(duty, as_user):
    client = as_user("township_a")
    client.set_cookie("lang", "en")
    for active_from, active_to in (("9999-12-31", ""), ("2026-03-01", "9999-12-31"), ("0001-01-01", "")):
        page = client.post(f"/duty/checkpoints/{duty.cp_a.id}/edit",
                           data={"name": "东村卡点", "unit_id": duty.county.village_a.id, "address": "",
                                 "active_from": active_from, "active_to": active_to, "leader_id": ""})
        assert page.status_code == 200 and MESSAGE in page.get_data(as_text=True), (active_from, active_to)
    db.session.expire_all()
    assert db.session.get(Checkpoint, duty.cp_a.id).active_to is None
    assert client.get(f"/duty/checkpoints/{duty.cp_a.id}/bulk").status_code == 200
