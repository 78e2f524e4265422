"""The record kind `disinfection` (消毒台账): one disinfection of one or several areas of a school or checkpoint.

Declared once (the phone's form bounds, the server's checks and the OpenAPI schema come from here;
the office form sends the same record). `prepare` reads the group's units (one scope query) and
areas (one query) and returns the entry's row and a row per area it ticked.
"""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ...errors import RuleError
from ...extensions import db
from ...org.models import Unit, UnitKind, utcnow
from ...org.scoping import scoped_by_id
from ...sync.registry import Field, Item, RecordKind, per_item, register
from ..common import record_day, unit_of
from .models import Area, Entry, EntryArea, Method

MAX_DAYS_BACK = 7
MAX_AREAS = 100


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _time(value: str) -> time | None:
    try:
        return time.fromisoformat(value) if len(value) == 5 and value[2] == ":" else None
    except ValueError:
        return None


def check_entry(data: dict) -> dict:
    """At least one area, each once; a time of day; who did it."""
    errors = {}
    ids = [a["area_id"] for a in data["areas"]]
    if not ids:
        errors["areas"] = str(_l("Tick at least one area."))
    elif len(set(ids)) != len(ids):
        errors["areas"] = str(_l("Each area only once."))
    if _time(data["time"]) is None:
        errors["time"] = str(_l("Give the time like 07:30."))
    if not _text(data["done_by"]):
        errors["done_by"] = str(_l("Say who disinfected."))
    return errors


def prepare_entries(batch, items: list[Item]) -> list:
    units = scoped_by_id(Unit, {i.data["unit_id"] for i in items}, batch.user, columns=(Unit.kind,))
    wanted = {a["area_id"] for i in items for a in i.data["areas"]}
    areas = {a.id: a for a in db.session.execute(
        select(Area.id, Area.unit_id, Area.active).where(Area.id.in_(wanted)))} if wanted else {}

    def row(item: Item) -> dict:
        data, unit = item.data, unit_of(units, item, "unit_id", (UnitKind.school, UnitKind.village),
                                        _l("Disinfection is recorded for a school or a checkpoint's village."))
        for ticked in data["areas"]:
            area = areas.get(ticked["area_id"])
            if area is None or area.unit_id != unit.id:
                raise RuleError(_l("An area ticked is not one of this place's."), "areas")
            if not area.active:
                raise RuleError(_l("An area ticked is no longer disinfected here."), "areas")
        return {Entry: {"record_id": item.id, "unit_id": unit.id, "date": record_day(item, data["date"], MAX_DAYS_BACK),
                        "time": _time(data["time"]), "method": Method(data["method"]), "agent": _text(data["agent"]),
                        "concentration": _text(data["concentration"]), "done_by": _text(data["done_by"]),
                        "note": _text(data["note"]), **batch.stamp(item)},
                EntryArea: [{"record_id": item.id, "area_id": a["area_id"]} for a in data["areas"]]}
    return per_item(items, row)


def settle_entries(batch, items: list[Item]) -> None:
    """Touch the areas ticked: the next pull brings the phones their count of today (reference.py)."""
    ids = {a["area_id"] for i in items for a in i.data["areas"]}
    db.session.execute(update(Area).where(Area.id.in_(ids)).values(updated_at=utcnow()))


DISINFECTION = register(RecordKind(
    name="disinfection",
    description="Areas of a school or checkpoint disinfected (消毒台账): when, how, with what, by whom. "
                "One entry ticks several areas.",
    fields=(
        Field("unit_id", "integer", minimum=1, description="The school, or the checkpoint's village."),
        Field("areas", "array", max_length=MAX_AREAS, entries=(Field("area_id", "integer", minimum=1),),
              description="The areas disinfected (from the `disinfection_areas` collection)."),
        Field("date", "date", description="The day (county time); up to 7 days back."),
        Field("time", "string", max_length=5, description="HH:MM, county time."),
        Field("method", "string", choices=tuple(m.value for m in Method)),
        Field("agent", "string", required=False, nullable=True, max_length=50, description="84消毒液, 75%酒精 …"),
        Field("concentration", "string", required=False, nullable=True, max_length=30),
        Field("done_by", "string", max_length=50),
        Field("note", "string", required=False, nullable=True, max_length=200),
    ),
    check=check_entry, prepare=prepare_entries, settle=settle_entries))

from . import reference as _reference  # noqa: E402,F401  (the areas the phones pull)
