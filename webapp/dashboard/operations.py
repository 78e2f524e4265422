"""Roll-ups over a subtree of the hierarchy."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..org.models import Staff, Student, Unit


@dataclass
class UnitSummary:
    unit: Unit
    students: int
    staff: int


def _count_under(model, column, unit: Unit) -> int:
    subtree = select(Unit.id).where(Unit.path.startswith(unit.path))
    return db.session.scalar(select(func.count()).select_from(model)
                             .where(column.in_(subtree), model.active.is_(True))) or 0


def overview(scope: Unit) -> dict:
    """The scope's totals and one line per unit directly below it."""
    children = [UnitSummary(child, _count_under(Student, Student.class_id, child),
                            _count_under(Staff, Staff.unit_id, child)) for child in scope.children]
    return {"scope": scope, "students": _count_under(Student, Student.class_id, scope),
            "staff": _count_under(Staff, Staff.unit_id, scope), "children": children}
