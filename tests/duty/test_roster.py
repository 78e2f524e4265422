"""The roster rules: bulk create, copy a week, replace a person, and the two warnings."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.conftest import COUNTY_ZONE
from webapp.duty import clock
from webapp.duty import operations as ops
from webapp.duty.models import Shift, ShiftAssignment
from webapp.errors import RuleError
from webapp.extensions import db

TWO_SLOTS = [(time(7), time(13)), (time(13), time(19))]


def _morning(checkpoint, day, needed: int = 1) -> Shift:
    return ops.create_shift(checkpoint, datetime.combine(day, time(7)), datetime.combine(day, time(13)), needed)


def _shift_count(checkpoint) -> int:
    return db.session.scalar(select(func.count()).select_from(Shift)
                             .where(Shift.checkpoint_id == checkpoint.id, Shift.cancelled.is_(False)))


def test_bulk_create_makes_every_slot_of_every_day_at_local_times(duty):
    created, existing = ops.bulk_create(duty.cp_a, duty.monday, duty.monday + timedelta(days=13), TWO_SLOTS, 3)
    db.session.commit()
    assert (len(created), existing) == (28, 0)
    first, second = created[0], created[1]
    assert clock.to_local(first.starts_at).replace(tzinfo=None) == datetime.combine(duty.monday, time(7))
    assert clock.to_local(second.ends_at).replace(tzinfo=None) == datetime.combine(duty.monday, time(19))
    # Stored in naive UTC: 07:00 in Shanghai is 23:00 the day before.
    local_seven = datetime.combine(duty.monday, time(7), tzinfo=COUNTY_ZONE)
    assert first.starts_at == local_seven.astimezone(timezone.utc).replace(tzinfo=None)
    assert {s.needed for s in created} == {3}
    assert clock.to_local(created[-1].starts_at).date() == duty.monday + timedelta(days=13)


def test_bulk_create_twice_does_not_double_the_roster(duty):
    ops.bulk_create(duty.cp_a, duty.monday, duty.monday + timedelta(days=6), TWO_SLOTS, 2)
    created, existing = ops.bulk_create(duty.cp_a, duty.monday, duty.monday + timedelta(days=6), TWO_SLOTS, 2)
    assert (len(created), existing) == (0, 14)
    assert _shift_count(duty.cp_a) == 14


def test_an_overnight_slot_ends_the_next_morning(duty):
    created, _ = ops.bulk_create(duty.cp_a, duty.monday, duty.monday, ops.parse_slots("19:00-7:00"), 1)
    assert clock.to_local(created[0].ends_at).replace(tzinfo=None) == \
        datetime.combine(duty.monday + timedelta(days=1), time(7))


@pytest.mark.parametrize("text, field", [("7点到13点", "slots"), ("", "slots"), ("07:00-25:00", "slots")])
def test_unreadable_time_ranges_are_refused_with_the_field(duty, text, field):
    with pytest.raises(RuleError) as refused:
        ops.parse_slots(text)
    assert refused.value.field == field


def test_bulk_create_refuses_days_when_the_checkpoint_is_closed(duty):
    duty.cp_a.active_to = duty.monday + timedelta(days=3)
    with pytest.raises(RuleError) as refused:
        ops.bulk_create(duty.cp_a, duty.monday, duty.monday + timedelta(days=6), TWO_SLOTS, 2)
    assert refused.value.field == "start"


def test_copy_week_copies_shifts_people_and_leaders_to_the_following_weeks(duty):
    c = duty.county
    created, _ = ops.bulk_create(duty.cp_a, duty.monday, duty.monday + timedelta(days=6), TWO_SLOTS, 2)
    ops.assign(created[0], c.teacher_a1_2)
    ops.set_leader(created[0], c.teacher_a1_1)
    db.session.commit()
    copied, skipped = ops.copy_week(duty.cp_a, duty.monday, weeks=2)
    db.session.commit()
    assert (copied, skipped) == (28, 0)
    later = ops.shifts_between(duty.cp_a, duty.monday + timedelta(days=14), duty.monday + timedelta(days=14))[0]
    assert clock.to_local(later.starts_at).time() == time(7)
    assert {p.name for p in later.people} == {"李老师", "王老师"} and later.leader_id == c.teacher_a1_1.id
    # Copying again leaves what is there.
    assert ops.copy_week(duty.cp_a, duty.monday, weeks=1) == (0, 14)


def test_replace_person_keeps_the_count_and_hands_over_the_leadership(duty):
    c = duty.county
    shift, = ops.bulk_create(duty.cp_a, duty.monday, duty.monday, [(time(7), time(13))], 2)[0]
    ops.set_leader(shift, c.teacher_a1_1)
    ops.assign(shift, duty.volunteer_a)
    ops.replace_person(shift, c.teacher_a1_1, c.teacher_a1_2)
    db.session.commit()
    assert {p.name for p in shift.people} == {"李老师", "赵志愿"}
    assert shift.leader_id == c.teacher_a1_2.id
    # The replaced person's booking stays, marked removed: their phone learns to drop the shift.
    removed = db.session.scalar(select(ShiftAssignment).filter_by(shift_id=shift.id, staff_id=c.teacher_a1_1.id))
    assert removed.removed_at is not None


def test_replace_refuses_someone_already_on_the_shift(duty):
    c = duty.county
    shift, = ops.bulk_create(duty.cp_a, duty.monday, duty.monday, [(time(7), time(13))], 2)[0]
    ops.assign(shift, c.teacher_a1_1)
    ops.assign(shift, c.teacher_a1_2)
    with pytest.raises(RuleError):
        ops.replace_person(shift, c.teacher_a1_1, c.teacher_a1_2)


def test_understaffed_shifts_are_warned_about(duty):
    shift, = ops.bulk_create(duty.cp_a, duty.monday, duty.monday, [(time(7), time(13))], 2)[0]
    ops.assign(shift, duty.volunteer_a)
    assert shift.understaffed
    ops.assign(shift, duty.county.teacher_a1_1)
    assert not shift.understaffed


def test_a_person_booked_twice_at_overlapping_times_across_checkpoints_is_warned_about(duty):
    teacher = duty.county.teacher_a1_1
    morning = ops.create_shift(duty.cp_a, datetime.combine(duty.monday, time(7)),
                               datetime.combine(duty.monday, time(13)), 2)
    overlapping = ops.create_shift(duty.cp_b, datetime.combine(duty.monday, time(12)),
                                   datetime.combine(duty.monday, time(14)), 2)
    touching = ops.create_shift(duty.cp_b, datetime.combine(duty.monday, time(13)),
                                datetime.combine(duty.monday, time(19)), 2)
    for shift in (morning, overlapping, touching):
        ops.assign(shift, teacher)
    clashes = ops.double_bookings([morning, touching])
    assert [(c.staff.name, c.other.id) for c in clashes[morning.id]] == [("王老师", overlapping.id)]
    assert [c.other.id for c in clashes[touching.id]] == [overlapping.id]
    assert [s.id for s in ops.clashes_for(morning, teacher)] == [overlapping.id]


def test_a_removed_or_cancelled_booking_is_no_clash(duty):
    teacher = duty.county.teacher_a1_1
    a = ops.create_shift(duty.cp_a, datetime.combine(duty.monday, time(7)), datetime.combine(duty.monday, time(13)), 1)
    b = ops.create_shift(duty.cp_b, datetime.combine(duty.monday, time(8)), datetime.combine(duty.monday, time(9)), 1)
    ops.assign(a, teacher)
    ops.assign(b, teacher)
    ops.cancel_shift(b)
    assert ops.double_bookings([a]) == {}


def test_a_new_volunteer_by_name_and_phone_and_the_same_number_reused(duty):
    person, new = ops.add_volunteer(duty.county.village_a, "孙志愿", "13700000001")
    again, new_again = ops.add_volunteer(duty.county.village_a, "孙 志愿", "13700000001")
    assert new and not new_again and again.id == person.id and person.is_volunteer
    with pytest.raises(RuleError) as refused:
        ops.add_volunteer(duty.county.village_a, "周志愿", "12345")
    assert refused.value.field == "phone"


# ---- through the office screens ------------------------------------------------------------

def test_a_township_admin_builds_a_two_week_roster_on_the_screens(duty, as_user):
    client = as_user("township_a")
    c = duty.county
    response = client.post(f"/duty/checkpoints/{duty.cp_a.id}/bulk", data={
        "first_day": duty.monday.isoformat(), "last_day": (duty.monday + timedelta(days=6)).isoformat(),
        "slots": "07:00-13:00，13:00-19:00", "needed": "2"})
    assert response.status_code == 302
    first = ops.shifts_between(duty.cp_a, duty.monday, duty.monday)[0]
    response = client.post(f"/duty/shifts/{first.id}/assign",
                           data={"staff_ids": [c.teacher_a1_1.id, duty.volunteer_a.id], "next": "1"})
    assert response.status_code == 302 and response.location.endswith(f"/duty/shifts/{first.id + 1}")
    response = client.post(f"/duty/checkpoints/{duty.cp_a.id}/copy-week?week={duty.monday.isoformat()}",
                           data={"weeks": "1"})
    assert response.status_code == 302
    assert _shift_count(duty.cp_a) == 28
    page = client.get(f"/duty/checkpoints/{duty.cp_a.id}?week={(duty.monday + timedelta(days=7)).isoformat()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "王老师" in html and 'data-warning="understaffed"' in html


def test_the_shift_screen_adds_a_volunteer_and_replaces_a_person(duty, as_user):
    client = as_user("township_a")
    shift = ops.create_shift(duty.cp_a, datetime.combine(duty.monday, time(7)),
                             datetime.combine(duty.monday, time(13)), 2)
    ops.assign(shift, duty.county.teacher_a1_1)
    db.session.commit()
    assert client.get(f"/duty/shifts/{shift.id}").status_code == 200
    response = client.post(f"/duty/shifts/{shift.id}/volunteer", data={"name": "孙志愿", "phone": "13700000001"})
    assert response.status_code == 302
    bad = client.post(f"/duty/shifts/{shift.id}/volunteer", data={"name": "周志愿", "phone": "123"})
    assert bad.status_code == 400
    newcomer = next(p for p in shift.people if p.name == "孙志愿")
    response = client.post(f"/duty/shifts/{shift.id}/replace",
                           data={"old_staff_id": newcomer.id, "new_staff_id": duty.county.teacher_a1_2.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert sorted(p.name for p in db.session.get(type(shift), shift.id).people) == ["李老师", "王老师"]


def test_the_roster_screen_shows_a_double_booking(duty, as_user):
    teacher = duty.county.teacher_a1_1
    for checkpoint, hours in ((duty.cp_a, (7, 13)), (duty.cp_b, (12, 14))):
        shift = ops.create_shift(checkpoint, datetime.combine(duty.monday, time(hours[0])),
                                 datetime.combine(duty.monday, time(hours[1])), 1)
        ops.assign(shift, teacher)
    db.session.commit()
    html = as_user("township_a").get(f"/duty/checkpoints/{duty.cp_a.id}?week={duty.monday.isoformat()}") \
        .get_data(as_text=True)
    assert 'data-warning="double-booked"' in html and "西村卡点" in html


def test_another_township_cannot_see_or_change_the_roster(duty, as_user):
    client = as_user("school_b1")
    assert client.get(f"/duty/checkpoints/{duty.cp_a.id}").status_code == 403
    client = as_user("township_a")
    assert client.get(f"/duty/checkpoints/{duty.cp_b.id}").status_code == 404
    shift = _morning(duty.cp_b, duty.monday)
    db.session.commit()
    assert client.post(f"/duty/shifts/{shift.id}/assign", data={"staff_ids": [duty.volunteer_a.id]}).status_code == 404
    # A person of another township cannot be put on one's own shift either.
    mine = _morning(duty.cp_a, duty.monday)
    db.session.commit()
    assert client.post(f"/duty/shifts/{mine.id}/assign", data={"staff_ids": [duty.volunteer_b.id]}).status_code == 404


def test_bad_form_input_gets_a_message_not_a_500(duty, as_user):
    client = as_user("township_a")
    response = client.post(f"/duty/checkpoints/{duty.cp_a.id}/bulk", data={
        "first_day": duty.monday.isoformat(), "last_day": duty.monday.isoformat(), "slots": "seven to one",
        "needed": "2"})
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
    assert client.get(f"/duty/checkpoints/{duty.cp_a.id}?week=not-a-date").status_code == 200
    assert client.post(f"/duty/checkpoints/{duty.cp_a.id}/copy-week", data={"weeks": "99"}).status_code == 302


def test_a_checkpoint_is_created_in_a_village_of_ones_own_township(duty, as_user):
    client = as_user("township_a")
    data = {"name": "东村二号卡点", "unit_id": duty.county.village_a.id, "address": "东村北口",
            "active_from": duty.today.isoformat(), "active_to": "", "leader_id": ""}
    assert client.post("/duty/checkpoints/new", data=data).status_code == 302
    other = client.post("/duty/checkpoints/new", data={**data, "unit_id": duty.county.village_b.id})
    assert other.status_code == 200  # not among the choices: refused on the form
    yesterday = (duty.today - timedelta(days=1)).isoformat()
    backwards = client.post("/duty/checkpoints/new", data={**data, "active_to": yesterday})
    assert backwards.status_code == 200 and 'role="alert"' in backwards.get_data(as_text=True)


def test_a_phone_known_only_outside_the_area_is_answered_like_an_unknown_one(duty, as_user):
    """Township A adds a volunteer by a number of township B's volunteer: no hint that it exists there."""
    from webapp.org.models import Staff

    shift = _morning(duty.cp_a, duty.monday, needed=3)
    db.session.commit()
    client = as_user("township_a")
    known_elsewhere = client.post(f"/duty/shifts/{shift.id}/volunteer", data={"name": "孙志愿", "phone": duty.volunteer_b.phone})
    unknown = client.post(f"/duty/shifts/{shift.id}/volunteer", data={"name": "周志愿", "phone": "13700000002"})
    assert known_elsewhere.status_code == unknown.status_code == 302
    added = db.session.scalars(select(Staff).where(Staff.unit_id == duty.county.village_a.id,
                                                   Staff.name.in_(["孙志愿", "周志愿"]))).all()
    assert len(added) == 2 and duty.volunteer_b not in added  # a new volunteer of village A each time
    assert db.session.get(Staff, duty.volunteer_b.id).name == "钱志愿"
