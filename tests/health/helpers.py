"""Pushing health records the way a phone does: through the sync engine, one batch at a time."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timezone

from flask import current_app

from tests.conftest import COUNTY_ZONE
from webapp.extensions import db
from webapp.sync import engine

CHINA = COUNTY_ZONE  # the test county's zone (tests/conftest.py), not always +08:00
DAY = date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: date = DAY) -> str:
    """recorded_at as the phone sends it: county time with its offset."""
    return datetime.combine(day, time(hour, minute), tzinfo=CHINA).isoformat()


def utc(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """A county-time moment as the naive UTC the server stores."""
    return datetime.fromisoformat(at(hour, minute, day)).astimezone(timezone.utc).replace(tzinfo=None)


def check(student, session="morning", day=DAY, **data) -> dict:
    return {"student_id": student.id, "date": day.isoformat(), "session": session, "present": True,
            "absence_reason": None, "symptoms": [], "temperature": None, "note": None, **data}


def staff_check(staff, session="morning", day=DAY, **data) -> dict:
    body = check(staff, session, day, **data)
    body["staff_id"] = body.pop("student_id")
    return body


def report(unit, day=DAY, **data) -> dict:
    return {"unit_id": unit.id, "date": day.isoformat(), "zero_report": False, "expected": 5, "checked": 5,
            "absent": 0, "abnormal": 0, "note": None, **data}


def record(kind: str, data: dict, recorded_at: str | None = None) -> dict:
    return {"id": str(uuid.uuid4()), "kind": kind, "recorded_at": recorded_at or at(7, 40), "data": data}


def push(user, *records, device_id: str = "test-phone") -> list[dict]:
    """Push records as `user` through the real engine and commit, as the push view does."""
    with current_app.test_request_context("/api/v1/sync/push", method="POST"):  # messages need a locale
        results = engine.push(user, {"device_id": device_id, "records": list(records)}, 500)
        db.session.commit()
    return results


def push_one(user, kind: str, data: dict, recorded_at: str | None = None) -> dict:
    return push(user, record(kind, data, recorded_at))[0]
