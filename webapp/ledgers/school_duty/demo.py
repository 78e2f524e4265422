"""Demo school duty: every school's duty roster from two days ago to five days ahead, a day and a night
shift, the principal and the vice-principal in turn; past shifts checked in (as the phone's synced
record, device "demo"), except one school whose shift today nobody checked in to."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from ...duty import clock
from ...duty.models import AttendanceAction, Shift, ShiftAssignment, ShiftAttendance
from ...org.models import utcnow
from ...sync.engine import content_hash
from ...sync.models import SyncRecord
from . import operations as ops

SLOTS = ((time(8), time(20)), (time(20), time(8)))
FORGOT = 3  # the school (by index) whose current shift nobody checked in to


def seed_demo(session, county, rng, today: date | None = None) -> None:
    today = today or clock.local_today()
    user = county.users["county"]
    now = utcnow()
    for index, school in enumerate(county.schools):
        post = ops.open_post(user, school.unit)
        people = [school.principal, school.vice]
        for offset in range(-2, 6):
            day = today + timedelta(days=offset)
            for n, (start, end) in enumerate(SLOTS):
                starts = datetime.combine(day, start)
                ends = datetime.combine(day + timedelta(days=1 if end <= start else 0), end)
                shift = Shift(checkpoint_id=post.id, starts_at=clock.to_utc(starts), ends_at=clock.to_utc(ends), needed=1,
                              leader_id=people[0].id)
                session.add(shift)
                session.flush()
                person = people[(offset + n) % 2]
                session.add(ShiftAssignment(shift_id=shift.id, staff_id=person.id))
                if shift.starts_at <= now and not (index == FORGOT and shift.ends_at > now):
                    _check_in(session, user, shift, person, post.unit_id)
    session.flush()


def _check_in(session, user, shift: Shift, person, unit_id: int) -> None:
    at = shift.starts_at + timedelta(minutes=5)
    record_id = str(uuid.uuid4())
    data = {"shift_id": shift.id, "action": "check_in"}
    session.add(SyncRecord(id=record_id, kind="shift_attendance", user_id=user.id, device_id="demo", recorded_at=at,
                           recorded_offset_minutes=480, received_at=at + timedelta(minutes=3),
                           content_hash=content_hash("shift_attendance", clock.to_local(at), data), data=data))
    session.flush()
    session.add(ShiftAttendance(id=record_id, unit_id=unit_id, user_id=user.id, device_id="demo", recorded_at=at,
                                recorded_offset_minutes=480, received_at=at + timedelta(minutes=3), shift_id=shift.id,
                                staff_id=person.id, action=AttendanceAction.check_in))
