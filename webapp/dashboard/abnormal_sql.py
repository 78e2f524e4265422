"""The abnormal people of an area counted in SQL, and the first few of its list: what the start
page and the command view show (counts and 20 names), without building a county's 5,000 people
in Python. `today.abnormal_people` builds the whole list (the /abnormal page); both count the same
way: a person counts under each finding of their current checks of the day (fever; other
symptoms without a fever; absent for illness) and under the unit of their worst check (fever,
else symptoms, else illness; the earlier session first), the one their line is listed under.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, or_, select

from ..extensions import db
from ..health.models import AbsenceReason
from ..health.operations import _flagged, _person_column, _ranked
from ..org.models import Staff, Student, Unit
from ..org.ordering import encoded, unit_key
from ..org.scoping import child_id


def _people(units, day: date, person: str):
    """One row per abnormal person: the unit of their worst current check, their worst finding, flags."""
    c = _ranked(units, day, person, _flagged(units, day, person)).c
    pid = getattr(c, _person_column(person).key)
    illness = c.absence_reason == AbsenceReason.illness
    worst = case((c.fever, 0), (c.other_symptoms, 1), else_=2)
    flag = lambda condition: func.max(case((condition, 1), else_=0)).over(partition_by=pid)  # noqa: E731
    checks = (select(pid.label("pid"), c.unit_id, worst.label("worst"),
                     func.row_number().over(partition_by=pid, order_by=(worst, c.session)).label("n"),
                     flag(c.fever).label("fever"), flag(and_(c.other_symptoms, c.fever.is_(False))).label("symptoms"),
                     flag(illness).label("illness"))
              .where(c.rank == 1, or_(c.fever, c.other_symptoms, illness)).subquery())
    return select(checks).where(checks.c.n == 1).subquery()


def per_child(scope: Unit, units, day: date, person: str) -> dict[int | None, tuple[int, int, int, int]]:
    """Per unit right below `scope` that the people's worst checks lie under (None: the scope's own
    unit, a school's staff): (fever, symptoms, illness, people). A county's 20 rows, not its 5,000 classes."""
    p = _people(units, day, person).c
    child = child_id(scope)
    query = (select(child, func.sum(p.fever), func.sum(p.symptoms), func.sum(p.illness), func.count())
             .join(Unit, Unit.id == p.unit_id).group_by(child))
    return {child_id_: tuple(int(n) for n in numbers) for child_id_, *numbers in db.session.execute(query)}


def first(units, day: date, person: str, limit: int) -> list[int]:
    """The ids of the first `limit` abnormal people in the list's order: worst finding, the name of
    their worst check's unit in the school's order, their name (code points, as Python sorts)."""
    p = _people(units, day, person).c
    model = Student if person == "student" else Staff
    names = db.session.scalars(select(Unit.name.distinct()).where(Unit.id.in_(select(p.unit_id)))).all()
    if not names:
        return []
    key = case({name: encoded((unit_key(name),)) for name in names}, value=Unit.name)
    name = model.name
    if db.session.get_bind().dialect.name == "postgresql":  # byte order: code points in UTF-8
        key, name = key.collate("C"), name.collate("C")
    query = (select(p.pid).join(Unit, Unit.id == p.unit_id).join(model, model.id == p.pid)
             .order_by(p.worst, key, name, Unit.sort_key, p.pid).limit(limit))
    return list(db.session.scalars(query))
