"""Disinfection coverage: the areas and their due times, today's coverage (overdue first), a place's
month at a glance, and the county's defaults. Reads are grouped: one query for the areas under a
unit, one for the entries' counts per area and day."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ...errors import OutOfScope, RuleError
from ...extensions import db
from ...org.models import Unit, UnitKind, User, utcnow
from ...org.scoping import subtree_ids
from ..common import township_names
from .models import DEFAULT_DUE, Area, AreaKind, DueDefault, Entry, EntryArea
from .schedule import Day, day_of, due_text, parse_due


# ---- due times -----------------------------------------------------------------------------

def due_defaults() -> dict[AreaKind, list[time]]:
    stored = dict(db.session.execute(select(DueDefault.kind, DueDefault.due_times)).all())
    return {kind: parse_due(stored.get(kind, DEFAULT_DUE[kind])) for kind in AreaKind}


def area_due(area: Area, defaults: dict[AreaKind, list[time]]) -> list[time]:
    return parse_due(area.due_times) if area.due_times else defaults[area.kind]


def save_defaults(values: dict[AreaKind, str]) -> None:
    """The county's due times per kind; every area is touched so that phones pull the new times."""
    for kind, text in values.items():
        times = due_text(parse_due(text, kind.value))
        row = db.session.get(DueDefault, kind) or DueDefault(kind=kind)
        row.due_times = times
        db.session.add(row)
    db.session.execute(update(Area).values(updated_at=utcnow()))
    db.session.flush()


# ---- areas ---------------------------------------------------------------------------------

def places_under(root: Unit) -> list[Unit]:
    """The schools and villages under `root` (a unit in the user's scope), where areas are kept."""
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(subtree_ids(root)),
                                                      Unit.kind.in_((UnitKind.school, UnitKind.village)))
                                   .order_by(Unit.sort_key)))


def areas_of(unit: Unit, active_only: bool = True) -> list[Area]:
    query = select(Area).where(Area.unit_id == unit.id).order_by(Area.kind, Area.name, Area.id)
    return list(db.session.scalars(query.where(Area.active.is_(True)) if active_only else query))


def save_area(area: Area | None, user: User, unit: Unit, *, name: str, kind: AreaKind, due_times: str | None,
              active: bool) -> Area:
    if unit.kind not in (UnitKind.school, UnitKind.village):
        raise RuleError(_l("Areas belong to a school or a checkpoint's village."), "unit_id")
    if not user.scope.contains(unit):
        raise OutOfScope(_l("Not in your area."), "unit_id")
    due = due_text(parse_due(due_times)) if (due_times or "").strip() else None
    area = area or Area(unit_id=unit.id)
    area.name, area.kind, area.due_times, area.active = name.strip(), kind, due, active
    db.session.add(area)
    db.session.flush()
    return area


# ---- coverage ------------------------------------------------------------------------------

@dataclass
class AreaDay:
    area: Area
    day: Day


@dataclass
class PlaceDay:
    unit: Unit
    township: str
    areas: list[AreaDay] = field(default_factory=list)

    @property
    def overdue(self) -> list[AreaDay]:
        return [a for a in self.areas if a.day.overdue]

    @property
    def not_done(self) -> list[AreaDay]:
        return [a for a in self.areas if not a.day.complete]


def done_counts(unit_ids, first: date, last: date) -> dict[tuple[int, date], int]:
    """Entries per area and day (one grouped query)."""
    query = (select(EntryArea.area_id, Entry.date, func.count()).join(Entry, Entry.record_id == EntryArea.record_id)
             .where(Entry.unit_id.in_(unit_ids), Entry.date >= first, Entry.date <= last)
             .group_by(EntryArea.area_id, Entry.date))
    return {(area_id, day): n for area_id, day, n in db.session.execute(query)}


def coverage(root: Unit, day: date, now: time | None) -> list[PlaceDay]:
    """Every place with areas under `root` on `day` at `now` (None: the day is over): the places with
    areas overdue first, then those with areas still to do, by township and name."""
    areas = list(db.session.scalars(select(Area).where(Area.unit_id.in_(subtree_ids(root)), Area.active.is_(True))
                                    .order_by(Area.kind, Area.name, Area.id)))
    by_unit: dict[int, list[Area]] = defaultdict(list)
    for area in areas:
        by_unit[area.unit_id].append(area)
    places = [u for u in places_under(root) if u.id in by_unit]
    done = done_counts(subtree_ids(root), day, day)
    defaults, townships = due_defaults(), township_names(places)
    result = [PlaceDay(u, townships.get(u.id, ""), [AreaDay(a, day_of(area_due(a, defaults), done.get((a.id, day), 0),
                                                                       now)) for a in by_unit[u.id]])
              for u in places]
    result.sort(key=lambda p: (-len(p.overdue), -len(p.not_done)))
    return result


def month(unit: Unit, first: date, last: date, today: date, now: time) -> tuple[list[Area], dict]:
    """The place's areas and, per (area id, day), that day's Day (days after today are left out)."""
    areas = areas_of(unit)
    done = done_counts([unit.id], first, last)
    defaults = due_defaults()
    grid = {}
    for area in areas:
        due = area_due(area, defaults)
        for n in range((min(last, today) - first).days + 1):
            d = first.fromordinal(first.toordinal() + n)
            grid[(area.id, d)] = day_of(due, done.get((area.id, d), 0), now if d == today else None)
    return areas, grid


def entries(unit: Unit, first: date, last: date) -> list[Entry]:
    query = (select(Entry).where(Entry.unit_id == unit.id, Entry.date >= first, Entry.date <= last)
             .options(db.selectinload(Entry.areas).joinedload(EntryArea.area), db.joinedload(Entry.user))
             .order_by(Entry.date, Entry.time, Entry.recorded_at))
    return list(db.session.scalars(query))
