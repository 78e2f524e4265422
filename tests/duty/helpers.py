"""Building shifts around the present moment, and pushing duty records the way a phone does."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from webapp.duty import clock
from webapp.duty import operations as ops
from webapp.extensions import db
from webapp.sync import engine


def local_now() -> datetime:
    """Now in the county, naive, to the minute: what a form would hold."""
    return clock.local_now().replace(tzinfo=None, second=0, microsecond=0)


def shift_now(checkpoint, *people, needed: int = 2, before: int = 2, after: int = 2, leader=None):
    """A shift that started `before` hours ago and ends `after` hours from now, with these people."""
    now = local_now()
    shift = ops.create_shift(checkpoint, now - timedelta(hours=before), now + timedelta(hours=after), needed)
    for person in people:
        ops.assign(shift, person)
    if leader is not None:
        ops.set_leader(shift, leader)
    db.session.commit()
    return shift


def record(kind: str, data: dict, recorded_at: datetime | None = None) -> dict:
    moment = (recorded_at or datetime.now(timezone.utc)).astimezone(clock.county_tz())
    return {"id": str(uuid.uuid4()), "kind": kind, "recorded_at": moment.isoformat(), "data": data}


def push(user, *records) -> list[dict]:
    """Push as `user` through the real engine and commit, as the push view does."""
    results = engine.push(user, {"device_id": "duty-phone", "records": list(records)}, 500)
    db.session.commit()
    return results


def entry(checkpoint, shift=None, **data) -> dict:
    """A checkpoint entry: the common case (in, verified by health code, normal, disinfected)."""
    return {"checkpoint_id": checkpoint.id, "shift_id": shift.id if shift else None, "direction": "in",
            "name": None, "from_place": None, "to_place": None, "verified": True, "shown": ["health_code"],
            "temperature": 36.5, "disinfected": True, "plate": None, "note": None, **data}
