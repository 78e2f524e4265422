"""Demo checkpoint duty: a checkpoint in every demo village, a two-week roster, and a few entries.

Each roster runs from two days ago to eleven days ahead, two shifts a day (07:00–13:00 and
13:00–19:00), two people each, from the village's volunteers and the township's teachers. Some
shifts are left short of a person so the warnings have something to show; the demo volunteer and
the demo homeroom teacher stand duty today. Yesterday's and today's mornings have a few entries,
each with its sync envelope (device "demo"), one with a fever and one unverified.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

from ..org.models import Staff, User
from ..org.settings import Settings
from ..sync.engine import content_hash
from ..sync.models import SyncRecord
from . import clock
from . import operations as ops
from .models import Checkpoint, CheckpointEntry, Shift, ShiftAssignment

SLOTS = ((time(7), time(13)), (time(13), time(19)))
DAYS_BEFORE, DAYS_AFTER = 2, 11
PLACES = ("村口", "路口", "桥头", "社区大门")
FROM_TO = (("县城", "本村"), ("本村", "镇上"), ("南阳", "本村"), ("镇上", "本村"), (None, None))


def seed_demo(session, county: SimpleNamespace, rng, today: date | None = None) -> None:
    """Add the demo county's checkpoints, rosters, links and entries (flush, no commit)."""
    today = today or clock.local_today()
    for index, village in enumerate(county.villages):
        checkpoint = _checkpoint(session, county, village, index, today)
        shifts = _roster(session, checkpoint, _pool(county, village, index), rng, today, demo_village=index == 0)
        if index == 0:
            _entries(session, county, checkpoint, shifts, rng, today)
    ops.issue_link(_demo_volunteer(county), county.users.get("township"))
    session.flush()


def _roster(session, checkpoint: Checkpoint, pool: list[Staff], rng, today: date, demo_village: bool) -> list[Shift]:
    """Two shifts a day, two people each in turn from the pool (the first leads); about one in eight
    is a person short, except today's in the demo village. Rows written directly, flushed twice: the
    roster rules themselves are exercised by the office screens and their tests."""
    days = [today + timedelta(days=n) for n in range(-DAYS_BEFORE, DAYS_AFTER + 1)]
    shifts = [Shift(checkpoint_id=checkpoint.id, starts_at=clock.to_utc(datetime.combine(day, start)),
                    ends_at=clock.to_utc(datetime.combine(day, end)), needed=2) for day in days for start, end in SLOTS]
    for number, shift in enumerate(shifts):
        shift.leader_id = pool[number % len(pool)].id
    session.add_all(shifts)
    session.flush()
    bookings = []
    for number, shift in enumerate(shifts):
        short = rng.random() < 0.125 and not (demo_village and clock.to_local(shift.starts_at).date() == today)
        people = pool[number % len(pool)], *(() if short else (pool[(number + 1) % len(pool)],))
        bookings += [ShiftAssignment(shift_id=shift.id, staff_id=person.id) for person in people]
    session.add_all(bookings)
    session.flush()
    return shifts


def _checkpoint(session, county, village, index: int, today: date) -> Checkpoint:
    township = next(t for t in county.townships if t.id == village.parent_id)
    leader = county.township_heads[county.townships.index(township)]
    checkpoint = Checkpoint(name=f"{village.name}卡点", unit_id=village.id, address=f"{village.name}{PLACES[index % 4]}",
                            active_from=today - timedelta(days=14), leader_id=leader.id)
    session.add(checkpoint)
    session.flush()
    return checkpoint


def _pool(county, village, index: int) -> list[Staff]:
    """The village's volunteers and two teachers of its township; the demo logins stand duty first."""
    volunteers = [v for v in county.volunteers if v.unit_id == village.id]
    schools = [s for s in county.schools if s.township.id == village.parent_id]
    homeroom = schools[index % len(schools)].classes[0].homeroom
    subject = schools[(index + 1) % len(schools)].subject_teachers[0]
    if index > 0:
        return volunteers + [homeroom, subject]
    # The rotation puts pool[0] (the demo volunteer) on both of today's shifts, pool[1] on the afternoon's.
    demo_teacher = next(s for s in county.staff if s.id == county.users["teacher"].staff_id)
    return [volunteers[0], demo_teacher, *volunteers[1:], subject]


def _demo_volunteer(county) -> Staff:
    return next(s for s in county.staff if s.id == county.users["volunteer"].staff_id)


# ---- entries, as if synced from a phone ----------------------------------------------------

def _entries(session, county, checkpoint: Checkpoint, shifts: list[Shift], rng, today: date) -> None:
    user = county.users["volunteer"]
    for day in (today - timedelta(days=1), today):
        morning = next(s for s in shifts if clock.to_local(s.starts_at).date() == day)
        for n in range(rng.randint(6, 10)):
            at = clock.to_utc(datetime.combine(day, time(7, 10 + n * 4)))
            if at > ops.utcnow():
                break  # never an entry from the future
            _entry(session, user, checkpoint, morning, at, _data(rng, n))


def _data(rng, n: int) -> dict:
    from_place, to_place = FROM_TO[rng.randrange(len(FROM_TO))]
    fever = n == 3
    return {"direction": "in" if rng.random() < 0.6 else "out", "name": None, "from_place": from_place,
            "to_place": to_place, "verified": n != 5, "shown": ["health_code"] if n != 5 else [],
            "temperature": 38.1 if fever else round(rng.uniform(36.0, 36.9), 1), "disinfected": True,
            "plate": None, "note": None}


def _entry(session, user: User, checkpoint: Checkpoint, shift: Shift, at: datetime, data: dict) -> None:
    record_id = str(uuid.uuid4())
    full = {"checkpoint_id": checkpoint.id, "shift_id": shift.id, **data}
    local = at.replace(tzinfo=timezone.utc).astimezone(clock.county_tz())
    session.add(SyncRecord(id=record_id, kind="checkpoint_entry", user_id=user.id, device_id="demo", recorded_at=at,
                           recorded_offset_minutes=480, received_at=at + timedelta(minutes=20),
                           content_hash=content_hash("checkpoint_entry", local, full), data=full))
    session.flush()
    fever = data["temperature"] >= Settings().fever_threshold
    session.add(CheckpointEntry(id=record_id, unit_id=checkpoint.unit_id, user_id=user.id, device_id="demo",
                                recorded_at=at, recorded_offset_minutes=480, received_at=at + timedelta(minutes=20),
                                checkpoint_id=checkpoint.id, shift_id=shift.id, direction=data["direction"],
                                from_place=data["from_place"], to_place=data["to_place"], verified=data["verified"],
                                shown=",".join(data["shown"]), temperature=data["temperature"],
                                disinfected=data["disinfected"], fever=fever, flagged=fever or not data["verified"]))
