"""Tracking records as a phone pushes them."""
from __future__ import annotations

from datetime import date, timedelta

from tests.health.helpers import DAY, at, push_one  # noqa: F401

D = lambda n: (DAY + timedelta(days=n)).isoformat()  # noqa: E731  (a day relative to DAY, as text)


def person(p) -> dict:
    from webapp.org.models import Student
    return {"student_id": p.id, "staff_id": None} if isinstance(p, Student) else {"student_id": None,
                                                                                   "staff_id": p.id}


def screening(p, day: date = DAY, **data) -> dict:
    return {**person(p), "date": day.isoformat(), "subject": "self", "household_name": None,
            "household_relation": None, "health": "normal", "trips": [], "contacts": [],
            "planned_return_on": None, "planned_return_from": None, "verification": ["phone"],
            "verified_by": "王老师", "note": None, **data}


def isolation(p, started: int = 0, exposure: int = -1, reason: str = "密接") -> dict:
    return {**person(p), "started_on": D(started), "reason": reason, "last_exposure_on": D(exposure)}


def change(isolation_id: str, kind: str, on: int, reason: str | None = None) -> dict:
    return {"isolation_id": isolation_id, "change": kind, "on": D(on), "reason": reason}


def followup(isolation_id: str, day: int = 0, **data) -> dict:
    return {"isolation_id": isolation_id, "date": D(day), "temperature_morning": 36.5,
            "temperature_afternoon": 36.6, "symptoms": [], "contact_method": "phone", "note": None, **data}


def recorded(day: int, hour: int = 9) -> str:
    """recorded_at on DAY + day."""
    return at(hour, 0, DAY + timedelta(days=day))


def now_local() -> str:
    """recorded_at of a record made now (county time with its offset)."""
    from datetime import datetime
    from webapp.org.settings import county_zone
    return datetime.now(county_zone()).isoformat(timespec="seconds")
