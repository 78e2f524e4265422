"""Numbers that name a person, without an existence oracle (issue 12.8).

A number someone outside the editor's area already has must be answered exactly like one nobody
has, or typing numbers would tell a teacher who studies at, or works for, another school:

- a **student number** is unique within its school (the school keeps its own register), not
  county-wide: a number of another school is simply free;
- an **ID number** is refused only when someone in the editor's area has it (they can see that
  person anyway); one that stands on a person elsewhere is stored as typed and listed on the
  county's screen of duplicates (`/people/duplicates`) for the county admin to reconcile;
- an account's **phone** logs in (like the username), so two accounts cannot have it: one taken by
  an account elsewhere is kept as the new account's `held_phone`, not for login, and listed on the
  same screen; the creator sees the account as created with that phone.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..errors import RuleError
from ..extensions import db
from .models import Staff, Student, Unit, UnitKind, User
from .scoping import subtree_ids


def school_of(unit: Unit) -> Unit:
    """The school at or above a class (the unit itself when there is none, as for a bare class)."""
    found = db.session.scalars(select(Unit).where(Unit.id.in_(unit.ancestor_ids), Unit.kind == UnitKind.school)).first()
    return found or unit


def check_student(student: Student | None, klass: Unit, area: Unit | None, values: dict) -> None:
    """Refuse a student number of another student of the same school, and an ID number of another
    student in `area` (the editor's scope; by default the school)."""
    school = school_of(klass)
    _refuse_within(Student, "student_no", values.get("student_no"), student, school,
                   _l("Another student of this school already has this student number."))
    _refuse_within(Student, "id_number", values.get("id_number"), student, area or school,
                   _l("Another student in your area already has this ID number."))


def check_staff(staff: Staff | None, unit: Unit, area: Unit | None, values: dict) -> None:
    _refuse_within(Staff, "id_number", values.get("id_number"), staff, area or unit,
                   _l("Another staff member in your area already has this ID number."))


def _refuse_within(model, column: str, value, current, area: Unit, message) -> None:
    # Checked before the write: a clear message on the field instead of an IntegrityError.
    if not value:
        return
    scope = getattr(model, model.__scope_column__)
    query = select(model.id).where(getattr(model, column) == value, scope.in_(subtree_ids(area)))
    if current is not None and current.id is not None:
        query = query.where(model.id != current.id)
    if db.session.scalar(query.limit(1)):
        raise RuleError(message, column)


def account_phone(phone: str | None, area: Unit | None) -> tuple[str | None, str | None]:
    """(phone, held_phone) of a new account: refused when an account in `area` logs in with it,
    held when one elsewhere does, else the account's own."""
    if not phone:
        return None, None
    other = db.session.scalars(select(User).where(User.phone == phone)).first()
    if other is None:
        return phone, None
    if area is None or area.contains(other.scope):
        raise RuleError(_l("Another account in your area already uses this phone number."), "phone")
    return None, phone


# ---- the county's screen -------------------------------------------------------------------

def duplicate_id_numbers(model) -> list[tuple[str, list]]:
    """ID numbers that stand on more than one person of `model`, each with its people."""
    shared = select(model.id_number).where(model.id_number.is_not(None)) \
        .group_by(model.id_number).having(func.count() > 1)
    people = db.session.scalars(select(model).where(model.id_number.in_(shared)).order_by(model.id_number, model.id))
    grouped: dict[str, list] = {}
    for person in people:
        grouped.setdefault(person.id_number, []).append(person)
    return list(grouped.items())


def held_phones() -> list[tuple[User, User | None]]:
    """Accounts holding a phone that another account logs in with, and that other account."""
    held = db.session.scalars(select(User).where(User.held_phone.is_not(None)).order_by(User.id)).all()
    owners = {u.phone: u for u in db.session.scalars(select(User).where(User.phone.in_([h.held_phone for h in held])))}
    return [(user, owners.get(user.held_phone)) for user in held]


def give_phone(user: User) -> None:
    """The held phone becomes this account's login; the account that had it keeps it as held."""
    phone = user.held_phone
    if not phone:
        return
    other = db.session.scalars(select(User).where(User.phone == phone)).first()
    if other is not None:
        other.phone, other.held_phone = None, phone
        db.session.flush()
    user.phone, user.held_phone = phone, None


def drop_phone(user: User) -> None:
    user.held_phone = None
