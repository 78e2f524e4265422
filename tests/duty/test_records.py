"""The duty record kinds through the real sync engine: validation, scope, flags, attendance, pull."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import COUNTY_ZONE
from webapp.duty import operations as ops
from webapp.duty.models import CheckpointEntry, ShiftAttendance
from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import Role, Staff
from webapp.sync import reference, registry

from .helpers import entry, push, record, shift_now


def test_a_normal_entry_is_stored_once_and_not_flagged(duty):
    volunteer = duty.county.users.volunteer_a
    shift = shift_now(duty.cp_a, duty.volunteer_a)
    rec = record("checkpoint_entry", entry(duty.cp_a, shift, from_place="县城", to_place="东村"))
    assert push(volunteer, rec)[0]["status"] == "accepted"
    assert push(volunteer, rec)[0]["status"] == "duplicate"
    stored = db.session.scalars(select(CheckpointEntry)).all()
    assert len(stored) == 1
    row = stored[0]
    assert (row.flagged, row.fever, row.shown_list, row.from_place) == (False, False, ["health_code"], "县城")
    assert (row.user_id, row.device_id, row.unit_id) == (volunteer.id, "duty-phone", duty.county.village_a.id)


@pytest.mark.parametrize("temperature, verified, fever, flagged", [
    (37.3, True, True, True),    # at the county's default threshold
    (37.2, True, False, False),
    (None, False, False, True),  # not verified
    (38.5, False, True, True),
])
def test_a_fever_or_an_unverified_person_is_flagged(duty, temperature, verified, fever, flagged):
    rec = record("checkpoint_entry", entry(duty.cp_a, temperature=temperature, verified=verified))
    assert push(duty.county.users.township_a, rec)[0]["status"] == "accepted"
    row = db.session.get(CheckpointEntry, rec["id"])
    assert (row.fever, row.flagged) == (fever, flagged)


@pytest.mark.parametrize("data, field", [
    ({"temperature": 43.5}, "temperature"),
    ({"temperature": 33.9}, "temperature"),
    ({"direction": "sideways"}, "direction"),
    ({"shown": ["passport"]}, "shown"),
    ({"shown": ["id_card", "id_card"]}, "shown"),
    ({"name": "长" * 51}, "name"),
    ({"from_place": "x" * 101}, "from_place"),
    ({"plate": "京A123456789012345"}, "plate"),
    ({"note": "n" * 201}, "note"),
    ({"verified": "yes"}, "verified"),
    ({"disinfected": None}, "disinfected"),
    ({"colour": "red"}, "colour"),
])
def test_bad_entries_are_rejected_with_the_field_and_a_reason(duty, data, field):
    result = push(duty.county.users.township_a, record("checkpoint_entry", entry(duty.cp_a, **data)))[0]
    assert (result["status"], result["code"]) == ("rejected", "invalid")
    assert field in result["errors"] and result["errors"][field]


def test_an_unknown_checkpoint_or_a_shift_of_another_checkpoint_is_invalid(duty):
    township = duty.county.users.county
    other_shift = shift_now(duty.cp_b)
    unknown = push(township, record("checkpoint_entry", entry(duty.cp_a, checkpoint_id=9999)))[0]
    mismatched = push(township, record("checkpoint_entry", entry(duty.cp_a, other_shift)))[0]
    assert unknown["errors"].keys() == {"checkpoint_id"} and mismatched["errors"].keys() == {"shift_id"}


def test_a_volunteer_of_another_township_cannot_log_at_this_checkpoint(duty):
    c = duty.county
    user_b = org.create_account("volunteer_b", "钱志愿", Role.volunteer, c.village_b, "pass-1234",
                                staff=duty.volunteer_b, must_change_password=False)
    db.session.commit()
    result = push(user_b, record("checkpoint_entry", entry(duty.cp_a)))[0]
    unknown = push(user_b, record("checkpoint_entry", {**entry(duty.cp_a), "checkpoint_id": 999999}))[0]
    # Outside their area and never booked there: answered exactly like a checkpoint that does not exist.
    assert result["status"] == "rejected" and _answer(result) == _answer(unknown)
    assert db.session.scalar(select(CheckpointEntry.id)) is None


def _answer(result: dict) -> tuple:
    return result["status"], result.get("code"), result.get("errors"), result.get("message")


def test_a_shift_outside_the_area_is_answered_like_one_that_does_not_exist(duty):
    c = duty.county
    shift_b = shift_now(duty.cp_b, duty.volunteer_b)
    user = c.users.volunteer_a  # village A: cp_b lies in township B, and she was never booked there
    outside = push(user, record("shift_attendance", {"shift_id": shift_b.id, "action": "check_in"}),
                   record("checkpoint_entry", entry(duty.cp_a, shift_b)))
    unknown = push(user, record("shift_attendance", {"shift_id": 999999, "action": "check_in"}),
                   record("checkpoint_entry", {**entry(duty.cp_a), "shift_id": 999999}))
    assert [_answer(r) for r in outside] == [_answer(r) for r in unknown]


def test_a_teacher_booked_on_a_shift_may_log_there_and_an_unbooked_one_may_not(duty):
    c = duty.county
    shift = shift_now(duty.cp_a, c.teacher_a1_1)
    booked = push(c.users.homeroom_a1, record("checkpoint_entry", entry(duty.cp_a, shift)))[0]
    unbooked = push(c.users.homeroom_a1_2, record("checkpoint_entry", entry(duty.cp_a, shift)))[0]
    assert booked["status"] == "accepted"
    # Not her area and never booked there: for her the checkpoint does not exist.
    assert (unbooked["status"], unbooked["code"], list(unbooked["errors"])) == ("rejected", "invalid", ["checkpoint_id"])


def test_a_booking_counts_only_around_its_shift(duty):
    c = duty.county
    # A shift five days from now: a record made today is not covered by it. (A record stamped five
    # days ahead is refused for the phone's clock before its booking is looked at.)
    shift_now(duty.cp_a, c.teacher_a1_1, before=-5 * 24, after=5 * 24 + 2)
    assert push(c.users.homeroom_a1, record("checkpoint_entry", entry(duty.cp_a)))[0]["code"] == "forbidden"


def test_check_in_and_out_of_a_shift(duty):
    c = duty.county
    shift = shift_now(duty.cp_a, c.teacher_a1_1)
    results = push(c.users.homeroom_a1, record("shift_attendance", {"shift_id": shift.id, "action": "check_in"}),
                   record("shift_attendance", {"shift_id": shift.id, "action": "check_out"}))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    rows = db.session.scalars(select(ShiftAttendance)).all()
    assert {r.staff_id for r in rows} == {c.teacher_a1_1.id}
    state = ops.attendance_of(shift)[c.teacher_a1_1.id]
    assert state["check_in"] is not None and state["check_out"] is not None


def test_attendance_needs_a_booking_on_that_shift(duty):
    c = duty.county
    shift = shift_now(duty.cp_a, c.teacher_a1_1)
    other = push(c.users.homeroom_a1_2, record("shift_attendance", {"shift_id": shift.id, "action": "check_in"}))[0]
    unknown = push(c.users.homeroom_a1, record("shift_attendance", {"shift_id": 9999, "action": "check_in"}))[0]
    wrong = push(c.users.homeroom_a1, record("shift_attendance", {"shift_id": shift.id, "action": "arrive"}))[0]
    assert _answer(other) == _answer(unknown) and unknown["code"] == "invalid" and wrong["errors"].keys() == {"action"}


def test_the_kinds_are_in_the_registry_with_their_schema():
    schema = registry.get("checkpoint_entry").schema()
    assert schema["properties"]["temperature"]["minimum"] == 34.0
    assert schema["properties"]["shown"]["items"]["enum"] == ["health_code", "itinerary_code", "id_card", "other"]
    assert set(schema["required"]) == {"checkpoint_id", "direction", "verified", "disinfected"}
    assert registry.get("shift_attendance").schema()["properties"]["action"]["enum"] == ["check_in", "check_out"]


# ---- reference data for the phones ---------------------------------------------------------

def test_the_phone_pulls_the_users_shifts_and_their_checkpoints(duty):
    c = duty.county
    mine = shift_now(duty.cp_b, c.teacher_a1_1, leader=c.teacher_a1_1)
    shift_now(duty.cp_a, c.teacher_a1_2)  # someone else's
    far = ops.create_shift(duty.cp_b, ops.clock.local_now().replace(tzinfo=None) + timedelta(days=20),
                           ops.clock.local_now().replace(tzinfo=None) + timedelta(days=20, hours=2), 1)
    ops.assign(far, c.teacher_a1_1)
    db.session.commit()
    shifts = reference.items("shifts", c.users.homeroom_a1)
    assert [s["id"] for s in shifts] == [mine.id]
    item = shifts[0]
    assert item["checkpoint_id"] == duty.cp_b.id and item["leader"] == "王老师" and item["active"]
    assert item["starts_at"].endswith(datetime.now(COUNTY_ZONE).isoformat()[-6:])  # the county's offset
    checkpoints = reference.items("checkpoints", c.users.homeroom_a1)
    assert [(cp["id"], cp["name"], cp["active"]) for cp in checkpoints] == [(duty.cp_b.id, "西村卡点", True)]


def test_a_removed_booking_reaches_the_phone_as_a_tombstone(duty):
    c = duty.county
    shift = shift_now(duty.cp_b, c.teacher_a1_1)
    since = ops.utcnow() - timedelta(seconds=1)
    ops.unassign(shift, c.teacher_a1_1)
    db.session.commit()
    assert reference.items("shifts", c.users.homeroom_a1) == []
    tombstones = reference.items("shifts", c.users.homeroom_a1, since)
    assert [(s["id"], s["active"]) for s in tombstones] == [(shift.id, False)]
    assert [(cp["id"], cp["active"]) for cp in reference.items("checkpoints", c.users.homeroom_a1, since)] == \
        [(duty.cp_b.id, False)]


def test_a_township_admin_pulls_the_checkpoints_of_the_township_only(duty):
    names = [cp["name"] for cp in reference.items("checkpoints", duty.county.users.township_a)]
    assert names == ["东村卡点"]


def test_a_person_without_a_staff_record_has_no_shifts(duty):
    assert reference.items("shifts", duty.county.users.teacher_a1) == []
    assert db.session.get(Staff, duty.volunteer_a.id) is not None
