"""Pushing ledger records the way a phone does, recorded now (the ledgers' days are judged from it)."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from webapp.duty import clock
from tests.health.helpers import push


def now() -> str:
    return clock.local_now().isoformat(timespec="seconds")


def record(kind: str, data: dict, recorded_at: str | None = None) -> dict:
    return {"id": str(uuid.uuid4()), "kind": kind, "recorded_at": recorded_at or now(), "data": data}


def movement(school, item, movement: str, quantity: float, day: date, **data) -> dict:
    return {"school_id": school.id, "item_id": item.id, "date": day.isoformat(), "movement": movement,
            "quantity": quantity, "counterpart": "县教体局" if movement == "received" else None, "reason": None,
            "note": None, **data}


def push_movements(user, *movements) -> list[dict]:
    return push(user, *(record("supply_movement", m) for m in movements))


def days_ago(n: int) -> date:
    return clock.local_today() - timedelta(days=n)


def disinfection(unit, areas, day: date | None = None, at: str = "08:00", **data) -> dict:
    return {"unit_id": unit.id, "areas": [{"area_id": a.id} for a in areas],
            "date": (day or clock.local_today()).isoformat(), "time": at, "method": "spray", "agent": "84消毒液",
            "concentration": "500 mg/L", "done_by": "王老师", "note": None, **data}


def push_disinfections(user, *entries) -> list[dict]:
    return push(user, *(record("disinfection", e) for e in entries))


def training(school, staff, day: date | None = None, topic: str = "disinfection", **data) -> dict:
    return {"school_id": school.id, "date": (day or clock.local_today()).isoformat(), "topic": topic,
            "trainer": "县疾控中心 王医生", "attendees": [{"staff_id": s.id} for s in staff], "note": None, **data}
