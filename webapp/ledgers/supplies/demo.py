"""Demo supplies: the county's four items and a month of each school's ledger, pushed through the
engine as a principal's phone would (so the stock, the flags and the positions are the real ones).

Every school received its stock 28 days ago and again 14 days ago, used masks and sanitizer every
day and counted once a week; three schools (every fourth) ran short of masks this week, and one
of them recorded a use offline that took the stock below zero.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from flask import current_app

from ...duty import clock
from ...org.models import User
from ...sync import engine
from . import operations as ops
from .models import Basis

ITEMS = (("口罩", "个", Basis.head_day, 2, 7), ("红外测温仪", "支", Basis.school, 3, 7),
         ("84消毒液", "升", Basis.school, 20, 7), ("免洗洗手液", "瓶", Basis.klass, 2, 7))
DAYS = 28


def seed_demo(session, county, rng, today: date | None = None) -> None:
    today = today or clock.local_today()
    items = [ops.save_item(None, name=name, unit=unit, basis=basis, standard=standard, reserve_days=days,
                           active=True, position=n) for n, (name, unit, basis, standard, days) in enumerate(ITEMS)]
    session.flush()
    for index, school in enumerate(county.schools):
        _push(_keeper(county, school), _ledger(school, items, index, rng, today))


def _keeper(county, school) -> User:
    """The demo principal keeps the demo school's ledger; the county's account stands in for the others."""
    principal = county.users["school"]
    return principal if principal.scope_unit_id == school.unit.id else county.users["county"]


def _ledger(school, items, index: int, rng, today: date) -> list[dict]:
    size = ops.school_sizes(school.unit)[school.unit.id]
    people = size["students"] + size["staff"]
    masks, thermometers, disinfectant, sanitizer = items
    short = index % 4 == 1
    out = []

    def add(item, movement, quantity, day, **extra):
        out.append({"school_id": school.unit.id, "item_id": item.id, "date": day.isoformat(), "movement": movement,
                    "quantity": quantity, "counterpart": extra.get("counterpart"), "reason": extra.get("reason"),
                    "note": None})

    for start in (DAYS, 14):
        day = today - timedelta(days=start)
        delivered = people * 2 * (16 if not short or start == DAYS else 4)  # days of masks
        add(masks, "received", delivered, day, counterpart="县教体局")
        add(disinfectant, "received", 30, day, counterpart="县疾控中心")
        add(sanitizer, "received", size["classes"] * 2, day, counterpart="乡镇中心校")
    add(thermometers, "received", 3 if index % 6 else 2, today - timedelta(days=DAYS), counterpart="县教体局")
    for back in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        add(masks, "used", people * 2 - rng.randint(0, people // 4 + 1), day)
        add(disinfectant, "used", round(rng.uniform(0.8, 1.6), 1), day)
        if day.weekday() == 4:
            add(masks, "counted", None, day, reason="other")  # filled below from the walk
    if short and index == 1:
        add(thermometers, "adjusted", 1, today - timedelta(days=3), reason="damaged")
        add(masks, "used", people * 6, today)  # recorded offline: below zero, flagged
    return _counted(out)


def _counted(out: list[dict]) -> list[dict]:
    """A weekly count finds what the ledger says, a few masks fewer (lost), so the difference shows."""
    stock: dict[int, float] = {}
    for record in sorted(out, key=lambda r: r["date"]):
        if record["movement"] == "counted":
            record["quantity"] = max(0, stock.get(record["item_id"], 0) - 10)
            record["reason"] = "lost"
            stock[record["item_id"]] = record["quantity"]
        else:
            sign = -1 if record["movement"] in ("issued", "used", "adjusted") else 1
            stock[record["item_id"]] = stock.get(record["item_id"], 0) + sign * record["quantity"]
    return out


def _push(user: User, data: list[dict]) -> None:
    now = clock.local_now()
    def at(n: int, day: str):  # the day's entries in the order they were made, never in the future
        moment = datetime.combine(date.fromisoformat(day), time(7), tzinfo=now.tzinfo) + timedelta(minutes=n % 600)
        return min(now, moment).isoformat(timespec="seconds")
    records = [{"id": str(uuid.uuid4()), "kind": "supply_movement", "recorded_at": at(n, d["date"]), "data": d}
               for n, d in enumerate(data)]
    with current_app.test_request_context("/api/v1/sync/push", method="POST"):
        results = engine.push(user, {"device_id": "demo", "records": records}, len(records))
    refused = [r for r in results if r["status"] == engine.REJECTED]
    if refused:
        raise RuntimeError(f"demo supplies refused: {refused[:3]}")
