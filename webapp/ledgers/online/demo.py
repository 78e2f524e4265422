"""Demo online learning: the last two weeks' school days of every class, pushed through the engine as
the homeroom teachers' phones would: a few students missing each day, one class with low attendance
(the demo teacher's neighbour), and two students absent two days running (at risk)."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from flask import current_app

from ...duty import clock
from ...org.models import Student
from ...sync import engine

DAYS = 7  # a phone may enter a day up to 7 days back


def seed_demo(session, county, rng, today: date | None = None) -> None:
    now = clock.local_now()
    today = today or now.date()
    rolls: dict[int, list[int]] = {}
    for student_id, class_id in session.query(Student.id, Student.class_id).filter(Student.active.is_(True)):
        rolls.setdefault(class_id, []).append(student_id)
    low_class = county.classes[1].unit.id
    records = []
    for back in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        moment = min(now, datetime.combine(day, time(17, 30), tzinfo=now.tzinfo))
        if back == 0 and now.time() < time(17, 30):
            moment = now
        for klass in county.classes:
            roll = sorted(rolls.get(klass.unit.id, []))
            if not roll:
                continue
            share = 0.25 if klass.unit.id == low_class else 0.03
            exceptions = {}
            for student_id in roll:
                absent = rng.random() < share
                no_homework = absent or rng.random() < share
                if absent or no_homework or rng.random() < 0.02:
                    exceptions[student_id] = {"student_id": student_id, "absent": absent, "no_homework": no_homework,
                                              "not_marked": not no_homework}
            for student_id in roll[:1] if klass.unit.id == county.classes[0].unit.id else roll[:0]:
                exceptions[student_id] = {"student_id": student_id, "absent": True, "no_homework": True,
                                          "not_marked": False}  # at risk: absent every day
            records.append({"id": str(uuid.uuid4()), "kind": "online_day",
                            "recorded_at": moment.isoformat(timespec="seconds"),
                            "data": {"class_id": klass.unit.id, "date": day.isoformat(), "note": None,
                                     "exceptions": list(exceptions.values())}})
    with current_app.test_request_context("/api/v1/sync/push", method="POST"):
        for start in range(0, len(records), 500):
            results = engine.push(county.users["county"], {"device_id": "demo", "records": records[start:start + 500]},
                                  500)
            refused = [r for r in results if r["status"] == engine.REJECTED]
            if refused:
                raise RuntimeError(f"demo online learning refused: {refused[:3]}")
