"""Reference data the phones pull for checkpoint duty: `checkpoints` and `shifts`.

A user's shifts are the ones their staff record is booked on, from yesterday to 14 days ahead.
That window is small (a few dozen shifts at most), so it is sent whole at every pull, together
with a tombstone (`"active": false`) for each booking removed or shift cancelled since the last
pull: an incremental pull then never misses a shift that slid into the window by itself.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..org.models import User
from ..org.scoping import scoped
from ..sync.reference import register_collection
from . import clock
from .models import Checkpoint, Shift, ShiftAssignment

DAYS_AHEAD = 14


def _window() -> tuple[datetime, datetime]:
    today = clock.local_today()
    return clock.day_bounds(today - timedelta(days=1), today + timedelta(days=DAYS_AHEAD))


def _bookings(user: User, since: datetime | None):
    """(shift, still booked and not cancelled) for the user's shifts in the window."""
    if user.staff_id is None:
        return []
    start, end = _window()
    query = (select(Shift, ShiftAssignment.removed_at).join(ShiftAssignment, ShiftAssignment.shift_id == Shift.id)
             .where(ShiftAssignment.staff_id == user.staff_id, Shift.starts_at >= start, Shift.starts_at < end)
             .options(selectinload(Shift.checkpoint), selectinload(Shift.leader),
                      selectinload(Shift.assignments).selectinload(ShiftAssignment.staff))
             .order_by(Shift.starts_at))
    gone = or_(ShiftAssignment.removed_at.is_not(None), Shift.cancelled.is_(True))
    live = ~gone if since is None else or_(~gone, ShiftAssignment.updated_at > since, Shift.updated_at > since)
    rows = db.session.execute(query.where(live))
    return [(shift, removed_at is None and not shift.cancelled) for shift, removed_at in rows]


def shift_item(shift: Shift, active: bool = True) -> dict:
    leader = shift.leader
    return {"id": shift.id, "checkpoint_id": shift.checkpoint_id, "starts_at": clock.iso_local(shift.starts_at),
            "ends_at": clock.iso_local(shift.ends_at), "needed": shift.needed,
            "leader": leader.name if leader else None, "leader_phone": leader.phone if leader else None,
            "people": [person.name for person in shift.people], "active": active}


def checkpoint_item(checkpoint: Checkpoint, active: bool = True) -> dict:
    today = clock.local_today()
    open_now = checkpoint.active_to is None or checkpoint.active_to >= today
    return {"id": checkpoint.id, "name": checkpoint.name, "address": checkpoint.address,
            "village": checkpoint.unit.name, "active": active and open_now}


def shifts(user: User, since: datetime | None) -> list[dict]:
    """The user's shifts in the window, and tombstones for those taken away since `since`."""
    return [shift_item(shift, active) for shift, active in _bookings(user, since)]


def checkpoints(user: User, since: datetime | None) -> list[dict]:
    """The checkpoints of the user's shifts and those in the user's scope (a county has a few dozen).

    A checkpoint the user was taken off, and that is not in their scope, goes as a tombstone.
    """
    bookings = _bookings(user, since)
    live = {shift.checkpoint for shift, active in bookings if active}
    live |= set(db.session.scalars(scoped(Checkpoint, user).options(selectinload(Checkpoint.unit))))
    gone = {shift.checkpoint for shift, active in bookings if not active} - live
    items = [checkpoint_item(c) for c in sorted(live, key=lambda c: (c.name, c.id))]
    return items + [checkpoint_item(c, active=False) for c in gone]


register_collection("checkpoints", checkpoints)
register_collection("shifts", shifts)
