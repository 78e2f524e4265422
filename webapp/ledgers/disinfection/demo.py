"""Demo disinfection: the areas of every school (each classroom, the canteen, the toilets, the gate,
a dormitory at every third school) and of every checkpoint (its post), and a month of entries pushed
through the engine as a phone would: one entry per round ticks every area due then. A few rounds were
missed this month, and today two schools have not done their morning round yet (red)."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from flask import current_app

from ...duty import clock
from ...duty.models import Checkpoint
from ...sync import engine
from . import operations as ops
from .models import AreaKind

DAYS = 30
SKIPPED_TODAY = (1, 4)  # schools (by index) whose morning round is not done today


def seed_demo(session, county, rng, today: date | None = None) -> None:
    now = clock.local_now()
    today = today or now.date()
    user = county.users["county"]
    places = []
    for index, school in enumerate(county.schools):
        places.append((index, school.unit, _school_areas(user, school, index)))
    for checkpoint in session.query(Checkpoint).order_by(Checkpoint.id):
        unit = checkpoint.unit
        places.append((None, unit, [ops.save_area(None, user, unit, name=f"{checkpoint.name}岗亭", kind=AreaKind.gate,
                                                  due_times="07:00,13:00", active=True)]))
    session.flush()
    defaults = ops.due_defaults()
    records = []
    for index, unit, areas in places:
        for back in range(DAYS - 1, -1, -1):
            day = today - timedelta(days=back)
            rounds: dict[time, list[int]] = {}
            for area in areas:
                for due in ops.area_due(area, defaults):
                    rounds.setdefault(due, []).append(area.id)
            for due, area_ids in sorted(rounds.items()):
                done_at = (datetime.combine(day, due) - timedelta(minutes=rng.randint(5, 40)))
                if back == 0 and (done_at.time() > now.time().replace(tzinfo=None) or
                                  (index in SKIPPED_TODAY and due < time(9))):
                    continue  # not yet, or not done this morning
                if back > 0 and rng.random() < 0.03:
                    continue  # a round missed now and then: red in the month
                records.append(_record(unit, area_ids, day, done_at, rng))
    _push(user, records)


def _school_areas(user, school, index: int) -> list:
    unit = school.unit
    names = [(f"{k.unit.name}教室", AreaKind.classroom) for k in school.classes]
    names += [("食堂", AreaKind.canteen), ("厕所", AreaKind.toilet), ("校门", AreaKind.gate)]
    if index % 3 == 0:
        names.append(("学生宿舍", AreaKind.dormitory))
    return [ops.save_area(None, user, unit, name=name, kind=kind, due_times=None, active=True) for name, kind in names]


def _record(unit, area_ids: list[int], day: date, done_at: datetime, rng) -> dict:
    moment = clock.to_local(clock.to_utc(done_at)) + timedelta(minutes=2)
    data = {"unit_id": unit.id, "areas": [{"area_id": a} for a in area_ids], "date": day.isoformat(),
            "time": done_at.strftime("%H:%M"), "method": "spray" if rng.random() < 0.7 else "wipe",
            "agent": "84消毒液", "concentration": "500 mg/L", "done_by": "后勤 " + "王李张刘陈"[rng.randrange(5)] + "老师",
            "note": None}
    return {"id": str(uuid.uuid4()), "kind": "disinfection", "recorded_at": moment.isoformat(timespec="seconds"),
            "data": data}


def _push(user, records: list[dict]) -> None:
    now = clock.local_now().isoformat(timespec="seconds")
    records = [r for r in records if r["recorded_at"] <= now]  # never a record from the future
    with current_app.test_request_context("/api/v1/sync/push", method="POST"):
        for start in range(0, len(records), 500):
            results = engine.push(user, {"device_id": "demo", "records": records[start:start + 500]}, 500)
            refused = [r for r in results if r["status"] == engine.REJECTED]
            if refused:
                raise RuntimeError(f"demo disinfection refused: {refused[:3]}")
