"""The reopening plan: the county's items, each school's copy, and the county's readiness item by item.
A school is ready only when every item of the county's plan is done. The students who may not come
back yet come from the tracking area's clearance (webapp/tracking/queries.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...errors import RuleError
from ...extensions import db
from ...org.models import Unit
from ...org.scoping import subtree_ids
from ..common import schools_under, township_names
from .models import PlanItem, PlanState, PlanUpdate, Status


def active_items() -> list[PlanItem]:
    return list(db.session.scalars(select(PlanItem).where(PlanItem.active.is_(True))
                                   .order_by(PlanItem.position, PlanItem.id)))


def all_items() -> list[PlanItem]:
    return list(db.session.scalars(select(PlanItem).order_by(PlanItem.position, PlanItem.id)))


def save_item(item: PlanItem | None, *, title: str, detail: str | None, position: int, active: bool) -> PlanItem:
    title = title.strip()
    clash = db.session.scalar(select(PlanItem.id).where(func.lower(PlanItem.title) == title.lower()))
    if clash is not None and (item is None or clash != item.id):
        raise RuleError(_l("The plan already has this item."), "title")
    item = item or PlanItem()
    item.title, item.detail, item.position, item.active = title, (detail or "").strip() or None, position, active
    db.session.add(item)
    db.session.flush()
    return item


@dataclass
class SchoolPlan:
    school: Unit
    township: str
    items: list[PlanItem]
    states: dict[int, PlanState] = field(default_factory=dict)

    def status(self, item: PlanItem) -> Status:
        state = self.states.get(item.id)
        return state.status if state else Status.todo

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if self.status(item) is Status.done)

    @property
    def ready(self) -> bool:
        """Ready only when every item of the county's plan is done."""
        return bool(self.items) and self.done == len(self.items)


def readiness(root: Unit) -> list[SchoolPlan]:
    """Every school under `root` with its plan: the schools not ready first (fewest items done first)."""
    items = active_items()
    schools = schools_under(root)
    townships = township_names(schools)
    states: dict[int, dict[int, PlanState]] = {}
    for state in db.session.scalars(select(PlanState).where(PlanState.school_id.in_(subtree_ids(root)))):
        states.setdefault(state.school_id, {})[state.item_id] = state
    plans = [SchoolPlan(s, townships.get(s.id, ""), items, states.get(s.id, {})) for s in schools]
    plans.sort(key=lambda p: (p.ready, p.done))
    return plans


def history(school: Unit, item_id: int | None = None, limit: int = 50) -> list[PlanUpdate]:
    query = (select(PlanUpdate).where(PlanUpdate.school_id == school.id)
             .options(db.joinedload(PlanUpdate.user)).order_by(PlanUpdate.effective_at.desc()).limit(limit))
    if item_id is not None:
        query = query.where(PlanUpdate.item_id == item_id)
    return list(db.session.scalars(query))


def students_not_back(unit: Unit, day: date) -> int | None:
    """How many students under `unit` may not come back on `day` (the tracking area's clearance);
    None when that area cannot say (then the screens show nothing rather than a made-up figure)."""
    try:
        from ...tracking.queries import not_cleared_count
    except ImportError:
        return None
    return not_cleared_count(unit, day, kinds=("student",))
