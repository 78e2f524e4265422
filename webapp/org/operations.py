"""Rules and state changes of the hierarchy, people and accounts. They flush, never commit."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from flask_babel import lazy_gettext as _l

from ..errors import RuleError
from ..extensions import db
from .models import (
    CHILD_KINDS,
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
    db.session.flush()
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
    query = select(Unit).where(Unit.kind == kind, Unit.path.startswith(root.path)).order_by(Unit.path)
    return list(db.session.scalars(query))


def unit_label(unit: Unit) -> str:
    """"Township / School / Grade / Class", the way people name a class out loud."""
    ids = unit.ancestor_ids[1:]  # the county is understood
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
    return " / ".join(names[i] for i in ids if i in names)


# ---- responsibility chains -----------------------------------------------------------------

def assign_responsibility(staff: Staff, target) -> Responsibility:
    """Make `staff` answer for a unit, a student or a colleague (idempotent)."""
    column = {Unit: "unit_id", Student: "student_id", Staff: "colleague_id"}[type(target)]
    if column == "colleague_id" and target.id == staff.id:
        raise RuleError(_l("A person cannot be responsible for themselves."), "staff")
    existing = db.session.scalar(select(Responsibility).filter_by(staff_id=staff.id, **{column: target.id}))
    if existing:
        return existing
    link = Responsibility(staff_id=staff.id, **{column: target.id})
    db.session.add(link)
    db.session.flush()
    return link


def remove_responsibility(link: Responsibility) -> None:
    db.session.delete(link)
    db.session.flush()


def responsible_for(target) -> list[Staff]:
    """The staff responsible for a unit, a student or a colleague."""
    column = {Unit: Responsibility.unit_id, Student: Responsibility.student_id,
              Staff: Responsibility.colleague_id}[type(target)]
    query = select(Staff).join(Responsibility, Responsibility.staff_id == Staff.id).where(column == target.id)
    return list(db.session.scalars(query.order_by(Staff.name)))


def responsibilities_of(staff: Staff) -> list[Responsibility]:
    query = select(Responsibility).where(Responsibility.staff_id == staff.id).order_by(Responsibility.id)
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
                   must_change_password: bool = True) -> User:
    username = username.strip()
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise RuleError(_l("This username is taken."), "username")
    if phone and db.session.scalar(select(User.id).where(User.phone == phone)):
        raise RuleError(_l("Another account already uses this phone number."), "phone")
    user = User(username=username, display_name=display_name, role=role, scope=scope,
                phone=phone or None, staff=staff, must_change_password=must_change_password)
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
    session = db.session.get(LoginSession, session_id)
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
