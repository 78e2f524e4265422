"""The county's supplies overview at county size (issue 10): schools short first, from stored positions.

On a generated county (bench/county.py, no health data) with four items and a month of each
school's movements (about 30 a school and item), it times:

- the overview (`supplies.operations.overview()` for the county and one township) and its page;
- **the ceiling**: the overview's own reads with nothing done to them (the positions, the schools'
  sizes, the last week's use: the three statements it needs at least), from the same run. The
  figure's ratio to it says how much the Python around the reads costs;
- for comparison, what storing positions avoids: walking every movement of the county
  (`stock.settle` of every school and item), the work a request would do without them.
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import insert, select

from webapp.extensions import db
from webapp.org.county import fill_rows
from webapp.ledgers.common import school_sizes
from webapp.ledgers.supplies import operations as ops
from webapp.ledgers.supplies import stock
from webapp.ledgers.supplies.models import Basis, Movement, SupplyMovement, SupplyPosition
from webapp.org.models import Unit
from webapp.org.scoping import subtree_ids
from webapp.org.settings import county_zone
from webapp.sync.models import SyncRecord

from .common import Backend, bench_app, fresh_database, repeat, table, timed
from .county import generate
from .day import Visitors, _get

ITEMS = (("口罩", "个", Basis.head_day, 2), ("红外测温仪", "支", Basis.school, 3), ("84消毒液", "升", Basis.school, 20),
         ("免洗洗手液", "瓶", Basis.klass, 2))
DAYS = 30
CHUNK = 5000
CEILING = "ceiling: the overview's reads, county"


def run(backend: Backend, scale: float, times: int) -> dict:
    with fresh_database(backend, "supplies") as url, bench_app(url) as app:
        county = generate(db.session, scale, days=0)
        seconds, movements = timed(lambda: _ledgers(county))
        db.session.commit()
        visitors = Visitors(app, ("county", "township"))
        measures = {
            "overview() county": lambda: ops.overview(db.session.get(Unit, county.county_id), county.today),
            "overview() township": lambda: ops.overview(db.session.get(Unit, county.township_id), county.today),
            "page /ledgers/supplies/, county": visitors.get("county", "/ledgers/supplies/"),
            CEILING: lambda: _reads(db.session.get(Unit, county.county_id), county.today),
            "without stored positions: walk every movement": lambda: _walk_all(),
        }
        results = {name: _time(work, times) for name, work in measures.items()}
        ratio = results["overview() county"]["median_s"] / results[CEILING]["median_s"]
        return {"backend": backend.name, "scale": scale, "schools": len(county.staff), "movements": movements,
                "generate_movements_s": round(seconds, 1), "measures": results, "ratio": round(ratio, 2)}


def _time(work, times: int) -> dict:
    def once():
        db.session.remove()
        return work()
    timing, _ = repeat(once, times)
    db.session.rollback()
    return timing.as_dict()


def _ledgers(county) -> int:
    """The items and a month of movements per school and item, envelopes included, then their positions."""
    rng = random.Random(10)
    items = [ops.save_item(None, name=n, unit=u, basis=b, standard=s, reserve_days=7, active=True)
             for n, u, b, s in ITEMS]
    user_id, zone = county.users["county"], county_zone()
    envelopes, rows = [], []
    for school_id in county.staff:
        for item in items:
            for offset in range(DAYS, -1, -1):
                day = county.today - timedelta(days=offset)
                movement = Movement.received if offset % 14 == 0 else Movement.used
                quantity = rng.randint(200, 2000) if movement is Movement.received else rng.randint(5, 80)
                moment = datetime.combine(day, time(8), tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
                record_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                envelopes.append({"id": record_id, "kind": "supply_movement", "user_id": user_id, "device_id": "bench",
                                  "recorded_at": moment, "recorded_offset_minutes": 480, "received_at": moment,
                                  "content_hash": "0" * 64, "data": {}})
                rows.append({"record_id": record_id, "school_id": school_id, "item_id": item.id, "date": day,
                             "movement": movement, "quantity": quantity, "counterpart": None, "reason": None,
                             "note": None, "stock_after": 0, "difference": None, "below_zero": False,
                             "user_id": user_id, "device_id": "bench", "recorded_at": moment, "received_at": moment})
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(SyncRecord), fill_rows(SyncRecord.__table__, envelopes[start:start + CHUNK]))
        db.session.execute(insert(SupplyMovement), fill_rows(SupplyMovement.__table__, rows[start:start + CHUNK]))
    _walk_all()
    return len(rows)


def _walk_all() -> None:
    pairs = set(db.session.execute(select(SupplyMovement.school_id, SupplyMovement.item_id).distinct()).all())
    stock.settle({tuple(p) for p in pairs})


def _reads(root: Unit, today) -> None:
    """The statements the overview cannot do without, their rows fetched and nothing more."""
    db.session.execute(select(SupplyPosition.school_id, SupplyPosition.item_id, SupplyPosition.on_hand,
                              SupplyPosition.flagged).where(SupplyPosition.school_id.in_(subtree_ids(root)))).all()
    school_sizes(root)
    ops._recent_use(root, today)


def report(results: list[dict]) -> str:
    rows = []
    for r in results:
        for name, m in r["measures"].items():
            rows.append([r["backend"], name, m["first_s"] * 1000, m["median_s"] * 1000, m["min_s"] * 1000])
        rows.append([r["backend"], f"overview = {r['ratio']:.2f} × ceiling ({r['schools']} schools, "
                                   f"{r['movements']:,} movements)", None, None, None])
    return table("Supplies overview at county size (ms)", ["db", "what", "first", "median", "best"], rows)


def goals(results: list[dict]) -> list[dict]:
    return [{"what": f"supplies overview, county ({r['backend']})",
             "figure": f"{r['measures']['overview() county']['median_s'] * 1000:.0f} ms",
             "ceiling": f"{r['measures'][CEILING]['median_s'] * 1000:.0f} ms",
             "goal": "within 3 × its own reads, under 1 s", "met": r["ratio"] <= 3 and
             r["measures"]["overview() county"]["median_s"] < 1} for r in results]
