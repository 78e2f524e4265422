"""Importing students: keyed by student number, placed in their class (created when missing)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from ...extensions import db
from ..county import fill_rows
from ..models import Student, Unit, UnitKind, User, utcnow
from .columns import GENDERS
from .plan import (CHUNK, NEW, UPDATE, Item, Plan, PlannedUnit, UnitIndex, bulk_update, chunks, find_duplicates,
                    id_number_owners, mark_changes, unit_named)
from .rows import Issue, RowReader, id_birth_date, id_gender


STUDENT_FIELDS = ("name", "gender", "birth_date", "id_number", "guardian_name", "guardian_phone", "home_village")


def plan_students(plan: Plan, user: User) -> None:
    items = [item for number, values in plan.sheet.rows
             if (item := _read_student(RowReader(plan.sheet, number, values, plan.issues), plan.units))]
    find_duplicates(plan, items, ("student_no", "id_number"), compare={"student_no": "school_no"})
    existing = _existing_students(items)
    owners = id_number_owners(Student, [i.data["id_number"] for i in items if i.data["id_number"]], plan.units.by_id)
    for item in items:
        _compare_student(plan, item, existing.get((item.data["school"].id, item.data["student_no"])), owners)
    plan.items = items


def _read_student(r: RowReader, units: UnitIndex) -> Item | None:
    data = {"student_no": r.code("student_no", 32, required=True), "name": r.text("name", 50, required=True),
            "gender": r.choice("gender", GENDERS, _l("Write 男 or 女."), required=True),
            "birth_date": r.date("birth_date"), "id_number": r.id_number("id_number"),
            "guardian_name": r.text("guardian_name", 50), "guardian_phone": r.mobile("guardian_phone"),
            "home_village": r.text("home_village", 100)}
    school = unit_named(r, units, "school")
    grade, klass = r.text("grade", 100, required=True), r.text("klass", 100, required=True)
    if not r.ok:
        return None
    _check_id_matches(r, data)
    data["class"] = units.child(units.child(school, UnitKind.grade, grade), UnitKind.klass, klass)
    # A student number is unique within its school (issue 12.8): two schools may both have 001.
    data["school"], data["school_no"] = school, SchoolNumber(school.id, data["student_no"])
    return Item(r.number, data) if r.ok else None


def _check_id_matches(r: RowReader, data: dict) -> None:
    """The ID number holds the birth date and the gender: a mismatch is a typo somewhere."""
    id_number = data["id_number"]
    if not id_number:
        return
    if data["birth_date"] is None:
        data["birth_date"] = id_birth_date(id_number)
    elif data["birth_date"] != id_birth_date(id_number):
        r.fail("birth_date", _("The date of birth differs from the one in the ID number (%(date)s).",
                               date=id_birth_date(id_number).isoformat()))
    if data["gender"] != id_gender(id_number):
        r.fail("gender", _("The gender differs from the one in the ID number."))


class SchoolNumber(str):
    """A student number with its school: equal only within one school (the file's duplicates are
    found per school), shown as the number itself."""

    def __new__(cls, school_id: int, number: str):
        value = super().__new__(cls, number)
        value.school_id = school_id
        return value

    def __eq__(self, other):
        return isinstance(other, SchoolNumber) and (self.school_id, str(self)) == (other.school_id, str(other))

    def __hash__(self):
        return hash((self.school_id, str(self)))


def _existing_students(items: list[Item]) -> dict:
    """The stored students with these numbers in the rows' schools, by (school id, number): one
    query per thousand, not one per row."""
    schools = {item.data["school"].id for item in items}
    columns = [Student.id, Student.student_no, Student.class_id, Student.active, Unit.path,
               *(getattr(Student, name) for name in STUDENT_FIELDS)]
    found = {}
    for chunk in chunks([i.data["student_no"] for i in items]):
        query = select(*columns).join(Unit, Unit.id == Student.class_id).where(Student.student_no.in_(chunk))
        for row in db.session.execute(query):
            school = next((int(i) for i in row.path.strip("/").split("/") if i and int(i) in schools), None)
            if school is not None:
                found[(school, row.student_no)] = row
    return found


def _compare_student(plan: Plan, item: Item, old, owners: dict) -> None:
    data, header = item.data, plan.sheet.header
    owner = owners.get(data["id_number"])
    if owner and owner[0] != data["student_no"]:
        shown = owner[0] if owner[1] in plan.units.by_id else "…"  # never show a number outside the area
        plan.issues.append(Issue(item.row, header("id_number"),
                                 _("This ID number belongs to another student (%(no)s).", no=shown)))
    if old is None:
        return
    if old.class_id not in plan.units.by_id:
        plan.issues.append(Issue(item.row, header("student_no"),
                                 _("This student number belongs to a student outside your area.")))
        return
    moved = isinstance(data["class"], PlannedUnit) or data["class"].id != old.class_id
    mark_changes(item, old, STUDENT_FIELDS, "klass" if moved else None)


def apply_students(plan: Plan) -> None:
    """Insert new students and update changed ones, a thousand rows per statement."""
    now = utcnow()
    new = [_student_values(i.data, now) for i in plan.items if i.action == NEW]
    changed = [{"id": i.existing_id, **_student_values(i.data, now, keep_blank=True)}
               for i in plan.items if i.action == UPDATE]
    for start in range(0, len(new), CHUNK):
        db.session.execute(insert(Student), fill_rows(Student.__table__, new[start:start + CHUNK]))
    bulk_update(Student, changed)


def _student_values(data: dict, now: datetime, keep_blank: bool = False) -> dict:
    values = {"student_no": data["student_no"], "class_id": data["class"].id, "active": True, "updated_at": now}
    values.update({k: data[k] for k in STUDENT_FIELDS if data[k] is not None or not keep_blank})
    return values


