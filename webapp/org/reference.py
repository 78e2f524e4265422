"""Reference data of the hierarchy that the phones pull: `classes`, `students`, `staff`.

Only what the field screens need goes to a phone: no ID numbers, no birth dates, no guardian
data, no phone numbers. Every query is limited to the user's scope by `scoped()`.
People have `updated_at`, so an incremental pull sends those changed since the cursor (a person
made inactive comes with `"active": false`, for the phone to remove). Units have no such column:
a class comes again when it was created or renamed/moved (a `unit_change`) since the cursor.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from ..extensions import db
from ..sync.reference import register_collection
from .access import STAFF_HEALTH
from .models import Staff, Student, Unit, UnitChange, UnitKind, User
from .ordering import path_key
from .scoping import scoped

# Class checks are done from a school down. A township's or the county's phone gets no roll:
# 30,000 or 200,000 students would eat a village data plan and serve no field screen.
ROLL_SCOPES = (UnitKind.school, UnitKind.grade, UnitKind.klass)


def _carries_roll(user: User) -> bool:
    return user.scope.kind in ROLL_SCOPES


def classes(user: User, since: datetime | None) -> list[dict]:
    """{id, name, label, school_id} of the classes in the user's scope (a school or below)."""
    if not _carries_roll(user):
        return []
    query = scoped(Unit, user).where(Unit.kind == UnitKind.klass)
    if since is not None:
        changed = select(UnitChange.unit_id).where(UnitChange.changed_at >= since)
        query = query.where(or_(Unit.created_at >= since, Unit.id.in_(changed)))
    units = list(db.session.scalars(query))
    ancestors = _ancestors(units)
    names = {unit_id: name for unit_id, (name, _kind) in ancestors.items()} | {u.id: u.name for u in units}
    units.sort(key=lambda unit: (path_key(unit.path, names), unit.id))
    return [_class_item(unit, ancestors) for unit in units]


def _ancestors(units: list[Unit]) -> dict[int, tuple[str, UnitKind]]:
    """(name, kind) of every unit above these classes, read in one query, not one per class."""
    ids = {ancestor for unit in units for ancestor in unit.ancestor_ids[:-1]}
    if not ids:
        return {}
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.kind).where(Unit.id.in_(ids)))
    return {unit_id: (name, kind) for unit_id, name, kind in rows}


def _class_item(unit: Unit, ancestors: dict[int, tuple[str, UnitKind]]) -> dict:
    above = [ancestors[i] for i in unit.ancestor_ids[1:-1] if i in ancestors]  # the county is understood
    school_id = next((i for i in unit.ancestor_ids if i in ancestors and ancestors[i][1] is UnitKind.school), None)
    return {"id": unit.id, "name": unit.name, "label": " / ".join([name for name, _ in above] + [unit.name]),
            "school_id": school_id}


def students(user: User, since: datetime | None, after: int | None = None, limit: int | None = None) -> list[dict]:
    """{id, class_id, name, student_no, gender, active} of the students in the user's scope (a school or below),
    by id, at most `limit` of them after the id `after` (a page of the pull)."""
    if not _carries_roll(user):
        return []
    columns = (Student.id, Student.class_id, Student.name, Student.student_no, Student.gender, Student.active)
    query = _page(_changed(scoped(Student, user), Student, since).with_only_columns(*columns), Student, after, limit)
    rows = db.session.execute(query)
    return [{"id": row.id, "class_id": row.class_id, "name": row.name, "student_no": row.student_no,
             "gender": row.gender.value, "active": row.active} for row in rows]


def staff(user: User, since: datetime | None, after: int | None = None, limit: int | None = None) -> list[dict]:
    """{id, unit_id, name, position, active} of the staff in the user's scope (a school or below), by id,
    at most `limit` of them after the id `after`. Only for the school's leaders: staff health is theirs."""
    if not _carries_roll(user) or user.role not in STAFF_HEALTH:
        return []
    columns = (Staff.id, Staff.unit_id, Staff.name, Staff.position, Staff.active)
    query = _page(_changed(scoped(Staff, user), Staff, since).with_only_columns(*columns), Staff, after, limit)
    rows = db.session.execute(query)
    return [{"id": row.id, "unit_id": row.unit_id, "name": row.name, "position": row.position,
             "active": row.active} for row in rows]


def _changed(query, model, since: datetime | None):
    """All active rows for a full pull; every row changed since `since` (inactive ones too) otherwise."""
    if since is None:
        return query.where(model.active.is_(True))
    return query.where(model.updated_at >= since)


def _page(query, model, after: int | None, limit: int | None):
    """One page of a collection in the order of ids (the phone sorts for its screens)."""
    if after is not None:
        query = query.where(model.id > after)
    query = query.order_by(model.id)
    return query.limit(limit) if limit else query


register_collection("classes", classes)
register_collection("students", students, paged=True)
register_collection("staff", staff, paged=True)
