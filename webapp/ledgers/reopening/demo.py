"""Demo reopening plan: the county's template (the items of the county's notice) and each school's
copy, pushed through the engine: every school has done every item except two, which are not ready."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask import current_app

from ...duty import clock
from ...sync import engine
from . import operations as ops

ITEMS = ("校园环境全面消毒", "防疫物资按标准储备", "晨午检和因病缺勤追踪制度", "教室通风", "食堂就餐安排（错峰、分餐）",
         "学生宿舍管理", "安全隐患大检查", "突发疫情应急处置预案", "教职工防控培训", "隔离中学生的返校安排")
NOT_READY = {2: {3: "doing", 6: "todo", 9: "doing"}, 7: {1: "doing", 7: "todo"}}  # school index: {item: status}
PEOPLE = ("校长", "副校长", "后勤主任", "教务主任", "德育主任")


def seed_demo(session, county, rng, today: date | None = None) -> None:
    items = [ops.save_item(None, title=title, detail=None, position=n, active=True) for n, title in enumerate(ITEMS)]
    session.flush()
    now = clock.local_now()
    records = []
    for index, school in enumerate(county.schools):
        for n, item in enumerate(items):
            status = NOT_READY.get(index, {}).get(n, "done")
            moment = now - timedelta(days=rng.randint(1, 10), minutes=rng.randint(0, 600))
            records.append({"id": str(uuid.uuid4()), "kind": "reopening_item",
                            "recorded_at": moment.isoformat(timespec="seconds"),
                            "data": {"school_id": school.unit.id, "item_id": item.id, "person": PEOPLE[n % len(PEOPLE)],
                                     "status": status, "note": None if status == "done" else "物资未到位，等待中心校调配"}})
    with current_app.test_request_context("/api/v1/sync/push", method="POST"):
        results = engine.push(county.users["county"], {"device_id": "demo", "records": records}, len(records))
    refused = [r for r in results if r["status"] == engine.REJECTED]
    if refused:
        raise RuntimeError(f"demo reopening refused: {refused[:3]}")
