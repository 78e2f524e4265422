"""Rules and state changes of the hierarchy, people and accounts. They flush, never commit."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from flask_babel import lazy_gettext as _l

from ..errors import OutOfScope, RuleError
from ..extensions import db
from . import numbers
from .ordering import in_school_order, refresh_sort_keys
from .models import (
    CHILD_KINDS,
    ADMIN_LEVEL,
    GRANTABLE_ROLES,
    ROLE_SCOPE_KINDS,
    LoginSession,
    Responsibility,
    Role,
    Staff,
    Student,
    Unit,
    UnitChange,
    UnitKind,
    User,
    utcnow,
)


# ---- the hierarchy -------------------------------------------------------------------------

def create_unit(kind: UnitKind, name: str, parent: Unit | None) -> Unit:
    if parent is None and kind is not UnitKind.county:
        raise RuleError(_l("Only a county stands at the top."), "parent")
    if parent is not None and kind not in CHILD_KINDS[parent.kind]:
        raise RuleError(_l("This kind of unit cannot stand under that one."), "kind")
    unit = Unit(kind=kind, name=name.strip(), parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    refresh_sort_keys(unit)
    return unit


def change_unit(unit: Unit, name: str, parent: Unit | None, by: User | None) -> Unit:
    """Rename and/or move a unit, recording what it was so reports of the past stay readable."""
    name = name.strip()
    moved = parent is not None and parent.id != unit.parent_id
    if name == unit.name and not moved:
        return unit
    if moved:
        _check_move(unit, parent)
    db.session.add(UnitChange(unit_id=unit.id, changed_by=by, old_name=unit.name, new_name=name,
                              old_parent_id=unit.parent_id,
                              new_parent_id=parent.id if moved else unit.parent_id))
    unit.name = name
    if moved:
        _move_subtree(unit, parent)
    refresh_sort_keys(unit)
    return unit


def _check_move(unit: Unit, parent: Unit) -> None:
    if unit.contains(parent):
        raise RuleError(_l("A unit cannot move under itself."), "parent")
    if unit.kind not in CHILD_KINDS[parent.kind]:
        raise RuleError(_l("This kind of unit cannot stand under that one."), "parent")


def _move_subtree(unit: Unit, parent: Unit) -> None:
    old_path, new_path = unit.path, f"{parent.path}{unit.id}/"
    db.session.flush()
    rows = db.session.execute(select(Unit.id, Unit.path).where(Unit.path.startswith(old_path))).all()
    for unit_id, path in rows:
        db.session.execute(update(Unit).where(Unit.id == unit_id).values(path=new_path + path[len(old_path):]))
    unit.parent = parent
    db.session.flush()
    db.session.expire_all()


def units_of_kind(root: Unit, kind: UnitKind) -> list[Unit]:
    query = select(Unit).where(Unit.kind == kind, Unit.path.startswith(root.path))
    return in_school_order(list(db.session.scalars(query)))


def unit_label(unit: Unit) -> str:
    """"Township / School / Grade / Class", the way people name a class out loud."""
    ids = unit.ancestor_ids[1:]  # the county is understood
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
    return " / ".join(names[i] for i in ids if i in names) or unit.name  # the county: its own name


def unit_title(unit: Unit) -> str:
    """A unit as a ledger's title line and file name call it: a grade or a class after its school
    ("城关镇中心小学 一(1)班": a county holds many 一(1)班), any other unit by its name."""
    return unit_titles([unit])[unit.id]


def unit_titles(units) -> dict[int, str]:
    """{unit id: its title (see unit_title)} for many units, in one query."""
    inside = (UnitKind.grade, UnitKind.klass)
    ids = {i for u in units if u.kind in inside for i in u.ancestor_ids}
    schools = dict(db.session.execute(select(Unit.id, Unit.name).where(
        Unit.id.in_(ids), Unit.kind == UnitKind.school)).all()) if ids else {}
    return {u.id: " ".join([*(schools[i] for i in u.ancestor_ids if i in schools), u.name]) if u.kind in inside
            else u.name for u in units}


# ---- responsibility chains -----------------------------------------------------------------

def assign_responsibility(staff: Staff, target) -> Responsibility:
    """Make `staff` answer for a unit, a student or a colleague (idempotent)."""
    column = {Unit: "unit_id", Student: "student_id", Staff: "colleague_id"}[type(target)]
    if column == "colleague_id" and target.id == staff.id:
        raise RuleError(_l("A person cannot be responsible for themselves."), "staff")
    existing = db.session.scalar(_open_link(staff, column, target))
    if existing:
        return existing
    link = Responsibility(staff_id=staff.id, **{column: target.id})
    db.session.add(link)
    db.session.flush()
    return link


def _open_link(staff: Staff, column: str, target):
    return select(Responsibility).filter_by(staff_id=staff.id, valid_to=None, **{column: target.id})


def remove_responsibility(link: Responsibility, by: User | None = None) -> None:
    """Close the link: it stays in the history of who answered for what, and when."""
    link.valid_to = utcnow()
    link.ended_by_id = by.id if by is not None else None
    db.session.flush()


def responsible_for(target) -> list[Staff]:
    """The staff responsible for a unit, a student or a colleague."""
    column = {Unit: Responsibility.unit_id, Student: Responsibility.student_id,
              Staff: Responsibility.colleague_id}[type(target)]
    query = (select(Staff).join(Responsibility, Responsibility.staff_id == Staff.id)
             .where(column == target.id, Responsibility.valid_to.is_(None)))
    return list(db.session.scalars(query.order_by(Staff.name)))


def responsibilities_of(staff: Staff) -> list[Responsibility]:
    query = (select(Responsibility).where(Responsibility.staff_id == staff.id, Responsibility.valid_to.is_(None))
             .order_by(Responsibility.id))
    return list(db.session.scalars(query))


# ---- accounts ------------------------------------------------------------------------------

def check_grant(granter: User, role: Role, scope: Unit) -> None:
    """An admin hands out only roles at or below their own, inside their own subtree."""
    if role not in GRANTABLE_ROLES.get(granter.role, ()):
        raise RuleError(_l("You cannot give this role."), "role")
    if not granter.scope.contains(scope):
        raise RuleError(_l("That unit is outside your area."), "scope")
    if scope.kind not in ROLE_SCOPE_KINDS[role]:
        raise RuleError(_l("This role cannot have that kind of unit as its scope."), "scope")


def create_account(username: str, display_name: str, role: Role, scope: Unit, password: str,
                   phone: str | None = None, staff: Staff | None = None,
                   must_change_password: bool = True, area: Unit | None = None) -> User:
    """A new account. A phone another area's account logs in with is held (numbers.account_phone)."""
    username = username.strip()
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise RuleError(_l("This username is taken."), "username")
    phone, held = numbers.account_phone(phone, area)
    user = User(username=username, display_name=display_name, role=role, scope=scope,
                phone=phone, held_phone=held, staff=staff, must_change_password=must_change_password)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def change_scope(user: User, role: Role, scope: Unit) -> None:
    user.role, user.scope = role, scope
    revoke_sessions(user)


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        revoke_sessions(user)


def reset_password(user: User) -> str:
    """A new temporary password, to be changed at the next login; all sessions end."""
    temporary = new_temporary_password()
    user.set_password(temporary)
    user.must_change_password = True
    revoke_sessions(user)
    return temporary


def change_password(user: User, new_password: str, keep_session: str | None) -> None:
    if len(new_password) < 8:
        raise RuleError(_l("The password must have at least 8 characters."), "new_password")
    user.set_password(new_password)
    user.must_change_password = False
    revoke_sessions(user, keep=keep_session)


def new_temporary_password() -> str:
    # No 0/O or 1/l: it is read aloud over the phone and typed on a small keyboard.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


# ---- login sessions ------------------------------------------------------------------------

def find_login(login: str) -> User | None:
    """The account whose username or phone number is `login`."""
    login = login.strip()
    query = select(User).where((User.username == login) | (User.phone == login))
    return db.session.scalars(query).first()


def open_session(user: User, lifetime: timedelta) -> LoginSession:
    session = LoginSession(id=secrets.token_urlsafe(32), user=user, expires_at=utcnow() + lifetime)
    db.session.add(session)
    db.session.flush()
    user.session_id = session.id
    return session


def load_session(session_id: str) -> User | None:
    """The logged-in user of a request, with the scope unit every request reads: one query, not three."""
    session = db.session.get(LoginSession, session_id,
                             options=(joinedload(LoginSession.user).joinedload(User.scope),))
    if session is None or session.expires_at < utcnow() or not session.user.active:
        return None
    session.user.session_id = session.id
    return session.user


def close_session(session_id: str | None) -> None:
    if session_id:
        db.session.execute(delete(LoginSession).where(LoginSession.id == session_id))


def revoke_sessions(user: User, keep: str | None = None) -> None:
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep:
        query = query.where(LoginSession.id != keep)
    db.session.execute(query)


def purge_expired_sessions(now: datetime | None = None) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.expires_at < (now or utcnow())))


# ---- office screens: the rules behind the hierarchy, people and account forms --------------

# Where staff may belong: the bureau, a township's central school, a school, a village checkpoint.
STAFF_UNIT_KINDS = (UnitKind.county, UnitKind.township, UnitKind.school, UnitKind.village)


def add_unit(parent: Unit, kind: UnitKind, name: str) -> Unit:
    """A new unit below `parent`; refused when a unit there already has the name (people would mix them up)."""
    _check_sibling_name(parent, name)
    return create_unit(kind, name, parent)


def rename_or_move(unit: Unit, name: str, parent: Unit | None, by: User) -> Unit:
    """`change_unit` for an admin: the new parent must lie in their area and have no unit of that name."""
    if parent is not None and parent.id != unit.parent_id and not by.scope.contains(parent):
        raise OutOfScope(_l("That unit is outside your area."), "parent")
    destination = parent or unit.parent
    if destination is not None:
        _check_sibling_name(destination, name, unit)
    return change_unit(unit, name, parent, by)


def _check_sibling_name(parent: Unit, name: str, unit: Unit | None = None) -> None:
    query = select(Unit.id).where(Unit.parent_id == parent.id, Unit.name == name.strip())
    if unit is not None:
        query = query.where(Unit.id != unit.id)
    if db.session.scalar(query):
        raise RuleError(_l("A unit of this name already stands there."), "name")


def save_student(student: Student | None, klass: Unit, area: Unit | None = None, **values) -> Student:
    """Create (`student` None) or update a student. Its numbers are checked before anything changes
    (webapp/org/numbers.py: a student number within the school, an ID number within `area`)."""
    if klass.kind is not UnitKind.klass:
        raise RuleError(_l("A student belongs to a class."), "class_id")
    numbers.check_student(student, klass, area, values)
    _check_birth_date(values)
    return _write(student or Student(), values, klass=klass)


def save_staff(staff: Staff | None, unit: Unit, area: Unit | None = None, **values) -> Staff:
    """Create (`staff` None) or update a staff member."""
    if unit.kind not in STAFF_UNIT_KINDS:
        raise RuleError(_l("Staff belong to the county bureau, a township, a school or a village."), "unit_id")
    numbers.check_staff(staff, unit, area, values)
    return _write(staff or Staff(), values, unit=unit)


def _write(record, values: dict, **place):
    """Set a student's or staff member's fields, then its unit (`klass=` or `unit=`); added and flushed."""
    for name, value in {**values, **place}.items():
        setattr(record, name, value)
    db.session.add(record)
    db.session.flush()
    return record


def _check_birth_date(values: dict) -> None:
    """An ID number carries the birth date (characters 7-14): fill it in, or refuse a date that differs."""
    number, born = values.get("id_number"), values.get("birth_date")
    if not number:
        return
    try:
        from_number = datetime.strptime(number[6:14], "%Y%m%d").date()
    except ValueError:
        raise RuleError(_l("This is not a valid ID number."), "id_number") from None
    if born is None:
        values["birth_date"] = from_number
    elif born != from_number:
        raise RuleError(_l("The birth date does not match the ID number."), "birth_date")


def unassign_responsibility(staff: Staff, target, by: User | None = None) -> bool:
    """Undo `assign_responsibility` from now on (the link's past stays); False when there was no such link."""
    column = {Unit: "unit_id", Student: "student_id", Staff: "colleague_id"}[type(target)]
    link = db.session.scalar(_open_link(staff, column, target))
    if link is not None:
        remove_responsibility(link, by)
    return link is not None


PEER_MESSAGE = _l("A fellow admin's account is managed by the level above: ask the township or county office "
                  "(a county admin's, the server's operator with `flask reset-password`).")


def check_manage(granter: User, user: User) -> None:
    """An admin manages accounts in their area whose role they could give and whose level is below
    their own (never a fellow admin's: that is for the level above), never their own account here."""
    if user.id == granter.id:
        raise RuleError(_l("You cannot change your own account here."), "role")
    if not granter.scope.contains(user.scope):
        raise OutOfScope(_l("That account is outside your area."), "scope")
    if user.role not in GRANTABLE_ROLES.get(granter.role, ()):
        raise RuleError(_l("This account's role is above what you may manage."), "role")
    if ADMIN_LEVEL.get(user.role, 0) >= ADMIN_LEVEL.get(granter.role, 0):
        raise RuleError(PEER_MESSAGE, "role")


def can_manage(granter: User, user: User) -> bool:
    return why_not_manage(granter, user) is None


def why_not_manage(granter: User, user: User):
    """The reason the granter may not manage this account (shown on its page), or None."""
    try:
        check_manage(granter, user)
    except RuleError as error:
        return error.message
    return None


def open_account(granter: User, username: str, display_name: str, role: Role, scope: Unit,
                 phone: str | None = None, staff: Staff | None = None) -> tuple[User, str]:
    """A new account with a temporary password (returned, to be shown once), within the granter's rights."""
    check_grant(granter, role, scope)
    if staff is not None and db.session.scalar(select(User.id).where(User.staff_id == staff.id)):
        raise RuleError(_l("This staff member already has an account."), "staff")
    password = new_temporary_password()
    return create_account(username, display_name, role, scope, password, phone, staff, area=granter.scope), password


def regrant(granter: User, user: User, role: Role, scope: Unit) -> None:
    """Change an account's role and area; its sessions end, so the new rights apply at once."""
    check_manage(granter, user)
    check_grant(granter, role, scope)
    if (role, scope.id) != (user.role, user.scope_unit_id):
        change_scope(user, role, scope)
    db.session.flush()


def enable_account(granter: User, user: User, active: bool) -> None:
    check_manage(granter, user)
    set_active(user, active)
    db.session.flush()


def reset_account_password(granter: User, user: User) -> str:
    check_manage(granter, user)
    password = reset_password(user)
    db.session.flush()
    return password
