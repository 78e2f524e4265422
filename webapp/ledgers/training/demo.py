"""Demo training: at each school, a disinfection training of most staff by the county's CDC and a
thermometer training of about half, pushed through the engine; the last school has none yet."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask import current_app

from ...duty import clock
from ...sync import engine


def seed_demo(session, county, rng, today: date | None = None) -> None:
    now = clock.local_now()
    records = []
    for index, school in enumerate(county.schools[:-1]):
        staff = sorted(s.id for s in county.staff if s.unit_id == school.unit.id and not s.is_volunteer)
        for topic, share, trainer, back in (("disinfection", 0.9, "县疾控中心", 20), ("thermometer", 0.5, "校医", 12)):
            people = [s for s in staff if rng.random() < share] or staff[:1]
            moment = now - timedelta(days=back + index % 3)
            records.append({"id": str(uuid.uuid4()), "kind": "training", "recorded_at": moment.isoformat(timespec="seconds"),
                            "data": {"school_id": school.unit.id, "date": moment.date().isoformat(), "topic": topic,
                                     "trainer": trainer, "attendees": [{"staff_id": s} for s in people], "note": None}})
    with current_app.test_request_context("/api/v1/sync/push", method="POST"):
        results = engine.push(county.users["county"], {"device_id": "demo", "records": records}, len(records))
    refused = [r for r in results if r["status"] == engine.REJECTED]
    if refused:
        raise RuntimeError(f"demo training refused: {refused[:3]}")
