"""The abnormal people of an area counted in SQL, and the first few of its list: what the start
page and the command view show (counts and 20 names), without building a county's 5,000 people
in Python. `today.abnormal_people` builds the whole list (the /abnormal page); all count the same
way: a person counts under each finding of their current checks of the day (fever; other
symptoms without a fever; absent for illness), once. The counts come from the day tallies; a line
is listed under the unit of the person's worst check (fever, else symptoms, else illness; the
earlier session first).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select

from ..extensions import db
from ..health.models import DayTally, HealthCheck, abnormal_check
from ..health.operations import _person_column
from ..org.models import Staff, Student, Unit
from ..org.ordering import encoded, unit_key
from ..org.scoping import child_id


def per_child(scope: Unit, units, day: date, person: str) -> dict[int | None, tuple[int, int, int, int]]:
    """Per unit right below `scope` (None: the scope's own unit, a school's staff): the abnormal
    people, (fever, symptoms, illness, people), read from the day tallies (health/tallies.py, kept by
    the push): a county's 20 rows from its 5,000 classes' tallies, nothing ranked. A person counts
    under each finding of their current checks, once (their day's unit: the last session's check)."""
    child = child_id(scope)
    t = DayTally
    query = (select(child, func.sum(t.fever), func.sum(t.symptoms), func.sum(t.illness), func.sum(t.abnormal))
             .select_from(t).join(Unit, Unit.id == t.unit_id)
             .where(t.date == day, t.unit_id.in_(units), t.staff.is_(person == "staff"), t.abnormal > 0)
             .group_by(child))
    return {child_id_: tuple(int(n) for n in numbers) for child_id_, *numbers in db.session.execute(query)}


def candidates(units, day: date, person: str, limit: int) -> tuple[list[int], tuple | None]:
    """The people of the first `limit` abnormal checks of the day (current or not) in the list's
    order (worst finding, the unit's name in the school's order, the person's name: code points, as
    Python sorts), read by the partial index of abnormal checks: nothing ranked. With the order's key
    (finding, staff, unit key, name) of the last check read; None when there are no more.

    A person's line can never come before their first abnormal check's place (their current checks'
    findings are among their checks'), so everyone whose line comes before that key is among them.
    """
    column = _person_column(person)
    model = Student if person == "student" else Staff
    flagged = (HealthCheck.date == day, HealthCheck.unit_id.in_(units), column.is_not(None), abnormal_check())
    names = db.session.scalars(select(Unit.name.distinct()).where(
        Unit.id.in_(select(HealthCheck.unit_id).where(*flagged)))).all()
    if not names:
        return [], None
    worst = case((HealthCheck.fever, 0), (HealthCheck.other_symptoms, 1), else_=2)
    key, name = case({n: encoded((unit_key(n),)) for n in names}, value=Unit.name), model.name
    if db.session.get_bind().dialect.name == "postgresql":  # byte order: code points in UTF-8
        key, name = key.collate("C"), name.collate("C")
    query = (select(column, worst, Unit.name, model.name).join(Unit, Unit.id == HealthCheck.unit_id)
             .join(model, model.id == column).where(*flagged)
             .order_by(worst, key, name, Unit.sort_key, column).limit(limit))
    rows = db.session.execute(query).all()
    ids = list(dict.fromkeys(row[0] for row in rows))
    if len(rows) < limit:
        return ids, None
    _pid, last_worst, unit_name, last_name = rows[-1]
    return ids, (last_worst, person == "staff", unit_key(unit_name), last_name)
