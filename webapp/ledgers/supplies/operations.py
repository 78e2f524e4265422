"""Supplies against the standard: each school's lines (on hand, the standard, the shortfall, days
left by the standard and by recent use), the overview with the schools short first, the items.

The overview reads the stored positions (one row per school and item, kept by `stock.settle` in
the write path), the schools' sizes (three grouped queries) and the last week's use (one grouped
query over a week of movements): never every movement.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...errors import RuleError
from ...extensions import db
from ...org.models import Unit
from ...org.scoping import subtree_ids
from ..common import school_sizes, schools_under, township_names
from .models import Basis, Movement, SupplyItem, SupplyMovement, SupplyPosition
from .stock import ORDER

USE_DAYS = 7  # "recent use": the daily average over the last week


@dataclass
class Line:
    """One item at one school."""

    item: SupplyItem
    on_hand: float
    required: float
    flagged: bool
    daily_need: float | None  # by the standard (per head per day), else None
    daily_use: float  # the last week's average of issued and used

    @property
    def shortfall(self) -> float:
        return max(0.0, round(self.required - self.on_hand, 6))

    @property
    def days_by_standard(self) -> float | None:
        return max(0.0, self.on_hand) / self.daily_need if self.daily_need else None

    @property
    def days_by_use(self) -> float | None:
        return max(0.0, self.on_hand) / self.daily_use if self.daily_use > 0 else None


@dataclass
class SchoolSupplies:
    school: Unit
    township: str
    lines: list[Line] = field(default_factory=list)

    @property
    def short(self) -> list[Line]:
        return [line for line in self.lines if line.shortfall > 0]

    @property
    def flagged(self) -> list[Line]:
        return [line for line in self.lines if line.flagged]

    @property
    def fewest_days(self) -> float | None:
        days = [d for line in self.lines for d in (line.days_by_standard, line.days_by_use) if d is not None]
        return min(days) if days else None


def required(item: SupplyItem, size: dict) -> tuple[float, float | None]:
    """(the stock the standard asks of a school of this size, its daily need or None)."""
    if item.basis is Basis.school:
        return item.standard, None
    if item.basis is Basis.klass:
        return item.standard * size["classes"], None
    daily = item.standard * (size["students"] + size["staff"])
    return daily * item.reserve_days, daily


def active_items() -> list[SupplyItem]:
    return list(db.session.scalars(select(SupplyItem).where(SupplyItem.active.is_(True))
                                   .order_by(SupplyItem.position, SupplyItem.id)))


def all_items() -> list[SupplyItem]:
    return list(db.session.scalars(select(SupplyItem).order_by(SupplyItem.position, SupplyItem.id)))


def _recent_use(root: Unit, today: date) -> dict[tuple[int, int], float]:
    query = (select(SupplyMovement.school_id, SupplyMovement.item_id, func.sum(SupplyMovement.quantity))
             .where(SupplyMovement.school_id.in_(subtree_ids(root)), SupplyMovement.date > today - timedelta(days=USE_DAYS),
                    SupplyMovement.date <= today,
                    SupplyMovement.movement.in_((Movement.issued, Movement.used)))
             .group_by(SupplyMovement.school_id, SupplyMovement.item_id))
    return {(school, item): total / USE_DAYS for school, item, total in db.session.execute(query)}


def overview(root: Unit, today: date) -> list[SchoolSupplies]:
    """Every school under `root` (a unit in the user's scope) with its lines: the schools short of
    something first (most items short, then flagged, then fewest days left), then by township and name."""
    schools = schools_under(root)
    items = active_items()
    sizes = school_sizes(root)
    positions = {(p.school_id, p.item_id): p for p in db.session.scalars(
        select(SupplyPosition).where(SupplyPosition.school_id.in_(subtree_ids(root))))}
    use = _recent_use(root, today)
    townships = township_names(schools)
    empty = {"classes": 0, "students": 0, "staff": 0}
    result = []
    for school in schools:
        entry = SchoolSupplies(school, townships.get(school.id, ""))
        for item in items:
            position = positions.get((school.id, item.id))
            need, daily = required(item, sizes.get(school.id, empty))
            entry.lines.append(Line(item, position.on_hand if position else 0.0, need,
                                    bool(position and position.flagged), daily, use.get((school.id, item.id), 0.0)))
        result.append(entry)
    result.sort(key=lambda s: (-len(s.short), -len(s.flagged),
                               s.fewest_days if s.fewest_days is not None else float("inf")))
    return result


def movements(school: Unit, first: date, last: date, item_id: int | None = None) -> list[SupplyMovement]:
    """The school's movements from `first` to `last`, in the order they happened."""
    query = (select(SupplyMovement).where(SupplyMovement.school_id == school.id, SupplyMovement.date >= first,
                                          SupplyMovement.date <= last)
             .options(db.joinedload(SupplyMovement.item), db.joinedload(SupplyMovement.user)).order_by(*ORDER))
    if item_id is not None:
        query = query.where(SupplyMovement.item_id == item_id)
    return list(db.session.scalars(query))


# ---- the county's items --------------------------------------------------------------------

def save_item(item: SupplyItem | None, *, name: str, unit: str, basis: Basis, standard: float,
              reserve_days: int, active: bool, position: int = 0) -> SupplyItem:
    """Create or change an item and its standard; the name is the county's, once."""
    name = name.strip()
    clash = db.session.scalar(select(SupplyItem.id).where(func.lower(SupplyItem.name) == name.lower()))
    if clash is not None and (item is None or clash != item.id):
        raise RuleError(_l("There is already an item called %(name)s.", name=name), "name")
    if standard < 0:
        raise RuleError(_l("Must be at least %(min)s.", min=0), "standard")
    item = item or SupplyItem()
    item.name, item.unit, item.basis, item.standard = name, unit.strip(), basis, standard
    item.reserve_days, item.active, item.position = reserve_days, active, position
    db.session.add(item)
    db.session.flush()
    return item
