"""Reference data the phones pull for tracking: `tracked` (the people the user answers for, with
what today's tasks need) and `risk_areas` (the county's list, to flag a trip on the phone at once).

A phone holds only the people its user is responsible for (三包一 / 五包一, a homeroom teacher's
class), and only from a school down, like the class rolls: each item says whether the person is
in isolation (its days and the days already followed up), screened, and why not cleared to
return. The list is small (a class, a few dozen) and sent whole at every pull, so an isolation
that ends or a follow-up made in the office reaches the phone at the next pull. No health details
beyond that go to a phone.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..org.models import User
from ..org.reference import ROLL_SCOPES
from ..org.settings import county_id_of, local_today
from ..sync.reference import register_collection
from . import queries, strings as _strings  # noqa: F401  (the phone's words for tracking)
from .models import RiskArea


def _keys(user: User) -> set[tuple]:
    if user.staff_id is None or user.scope.kind not in ROLL_SCOPES:
        return set()
    return queries.responsible_keys(user.staff_id) & queries.roll(user.scope)


def tracked(user: User, since: datetime | None) -> list[dict]:
    """{id, student_id, staff_id, name, unit_id, isolation, screened, not_cleared} of the people the user answers for."""
    keys = _keys(user)
    if not keys:
        return []
    today = local_today()
    isolations = {view.key: view for view in queries.open_isolations(user.scope) if view.key in keys}
    reasons = queries.clearance(user.scope, today, keys)
    on_file = queries.screened(user.scope)
    rows = queries.people_rows(keys)
    return [{"id": f"{kind}:{ident}", "student_id": ident if kind == "student" else None,
             "staff_id": ident if kind == "staff" else None, "name": row.name,
             "unit_id": row.class_id if kind == "student" else row.unit_id,
             "isolation": _isolation(isolations.get((kind, ident))), "screened": (kind, ident) in on_file,
             "not_cleared": reasons[(kind, ident)]}
            for (kind, ident), row in sorted(rows.items())]


def _isolation(view) -> dict | None:
    if view is None:
        return None
    state = view.state
    return {"id": view.row.record_id, "started_on": state.started_on.isoformat(), "end_on": state.end_on.isoformat(),
            "total_days": state.total_days, "reason": view.row.reason,
            "followed": sorted(day.isoformat() for day in view.followed)}


def risk_areas(user: User, since: datetime | None) -> list[dict]:
    """The county's risk areas (a few dozen at most), sent whole."""
    query = select(RiskArea).where(RiskArea.county_id == county_id_of(user.scope))
    return [{"id": area.id, "place": area.place, "level": area.level.value, "starts_on": area.starts_on.isoformat(),
             "ends_on": area.ends_on.isoformat() if area.ends_on else None}
            for area in db.session.scalars(query)]


register_collection("tracked", tracked)
register_collection("risk_areas", risk_areas)
