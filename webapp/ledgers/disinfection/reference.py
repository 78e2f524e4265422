"""Reference data the phones pull for disinfection: `disinfection_areas`, the areas in the user's scope.

Each with its place and its due times (the county's default for its kind when it has none of its
own) and how many disinfections of it the server has for today; an area no longer disinfected goes
as a tombstone. An entry touches the areas it ticked (records.settle_entries), so the next pull
brings their new count. A change of the county's defaults touches
every area (operations.save_defaults), so an incremental pull brings the new times.
"""
from __future__ import annotations

from datetime import datetime


from ...extensions import db
from ...org.models import Unit, User
from ...org.scoping import scoped
from ...sync.reference import register_collection
from .models import Area
from ...duty import clock
from .operations import area_due, done_counts, due_defaults
from .schedule import due_text


def disinfection_areas(user: User, since: datetime | None) -> list[dict]:
    query = scoped(Area, user).join(Unit, Unit.id == Area.unit_id).add_columns(Unit.name).order_by(Area.id)
    query = query.where(Area.active.is_(True)) if since is None else query.where(Area.updated_at > since)
    defaults, today = due_defaults(), clock.local_today()
    rows = db.session.execute(query).all()
    done = done_counts(sorted({area.unit_id for area, _place in rows}), today, today)
    return [{"id": area.id, "unit_id": area.unit_id, "place": place, "name": area.name, "kind": area.kind.value,
             "due_times": due_text(area_due(area, defaults)), "active": area.active, "day": today.isoformat(),
             "done_today": done.get((area.id, today), 0)} for area, place in rows]


register_collection("disinfection_areas", disinfection_areas)
