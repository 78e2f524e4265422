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
