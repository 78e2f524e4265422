"""Importing staff: matched by ID number, phone or name within their unit; their classes and accounts."""
from __future__ import annotations

import functools
import re
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ...extensions import db
from .. import operations
from ..models import GRANTABLE_ROLES, ROLE_SCOPE_KINDS, Role, Staff, Unit, UnitKind, User, utcnow
from .columns import ROLE_ALIASES, ROLE_WORDS, norm, role_from_label
from .plan import (NEW, UPDATE, Item, Plan, PlannedAccount, PlannedUnit, UnitIndex, bulk_update, chunks,
                    find_duplicates, id_number_owners, mark_changes, real_unit, unit_named)
from .rows import Issue, RowReader


STAFF_FIELDS = ("name", "position", "phone", "id_number", "party_member", "is_volunteer")
STAFF_UNIT_KINDS = (UnitKind.school, UnitKind.township, UnitKind.village, UnitKind.county)


def plan_staff(plan: Plan, user: User) -> None:
    items = [item for number, values in plan.sheet.rows
             if (item := _read_staff(RowReader(plan.sheet, number, values, plan.issues), plan.units, user))]
    find_duplicates(plan, items, ("id_number", "phone"))
    existing = _existing_staff(items, plan.units.by_id)
    owners = id_number_owners(Staff, [i.data["id_number"] for i in items if i.data["id_number"]], plan.units.by_id)
    for item in items:
        _compare_staff(plan, item, _match_staff(item, existing), owners)
    _plan_accounts(plan, items)
    plan.items = items


def _read_staff(r: RowReader, units: UnitIndex, user: User) -> Item | None:
    data = {"name": r.text("name", 50, required=True), "id_number": r.id_number("id_number"),
            "phone": r.mobile("phone"), "position": r.text("position", 50),
            "party_member": r.yes_no("party_member"), "is_volunteer": r.yes_no("is_volunteer"),
            "create_account": r.yes_no("create_account"),
            "unit": unit_named(r, units, "unit", STAFF_UNIT_KINDS)}
    data["role"] = r.choice("role", _role_lookup(), _l("Unknown role. Write one of: %(roles)s.",
                                                      roles="、".join(ROLE_WORDS.values())))
    if not r.ok:
        return None
    data["class"] = _homeroom_class(r, units, data["unit"])
    if data["create_account"] and r.ok:
        data["scope"] = _account_scope(r, data, user)
    return Item(r.number, data) if r.ok else None


@functools.cache
def _role_lookup() -> dict:
    labels = {*ROLE_WORDS.values(), *ROLE_ALIASES, *(role.value for role in Role)}
    return {norm(label): role_from_label(label) for label in labels}


def _homeroom_class(r: RowReader, units: UnitIndex, school: Unit) -> Unit | PlannedUnit | None:
    """负责班级 as "一年级/一(1)班" (created when missing), or a class name unique in the school."""
    text = r.text("klass", 100)
    if not text:
        return None
    if school.kind is not UnitKind.school:
        r.fail("klass", _("Only staff of a school can be responsible for a class."))
        return None
    parts = [part.strip() for part in re.split(r"[/／]", text) if part.strip()]
    if len(parts) == 2:
        return units.child(units.child(school, UnitKind.grade, parts[0]), UnitKind.klass, parts[1])
    found = [u for u in units.find(text, (UnitKind.klass,)) if school.contains(u)]
    if len(found) != 1:
        r.fail("klass", _("Write the class as grade/class, for example 一年级/一(1)班."))
        return None
    return found[0]


def _account_scope(r: RowReader, data: dict, user: User) -> Unit | PlannedUnit | None:
    """What the new account will see: its class for a homeroom teacher, its unit otherwise."""
    role = data["role"]
    if role is None:
        r.fail("role", _("Say which role the account gets."))
    if not data["phone"]:
        r.fail("phone", _("An account needs a mobile number: it is the username."))
    if not r.ok:
        return None
    if role not in GRANTABLE_ROLES.get(user.role, ()):
        r.fail("role", _("You cannot give this role."))
        return None
    if role is Role.homeroom_teacher and data["class"] is None:
        r.fail("klass", _("A homeroom teacher's account needs the class (负责班级)."))
        return None
    scope = data["class"] if role is Role.homeroom_teacher else data["unit"]
    kind = UnitKind.klass if isinstance(scope, PlannedUnit) else scope.kind
    if kind not in ROLE_SCOPE_KINDS[role]:
        r.fail("role", _("This role cannot have that kind of unit as its scope."))
    return scope


def _existing_staff(items: list[Item], area: dict) -> dict:
    """Stored staff of the area that rows may name: by ID number, by (unit, phone) and by (unit, name).
    Someone outside the area is never matched (nor named): the row is a new person of the area."""
    columns = [Staff.id, Staff.unit_id, Staff.active, *(getattr(Staff, name) for name in STAFF_FIELDS)]
    found = {"id": {}, "phone": {}, "name": {}}
    lookups = (("id", Staff.id_number, "id_number"), ("phone", Staff.phone, "phone"), ("name", Staff.name, "name"))
    for index, column, key in lookups:
        for chunk in chunks([i.data[key] for i in items if i.data[key]]):
            for row in db.session.execute(select(*columns).where(column.in_(chunk), Staff.unit_id.in_(list(area)))):
                found[index][row.id_number if index == "id" else (row.unit_id, getattr(row, key))] = row
    return found


def _match_staff(item: Item, existing: dict):
    """By ID number; else by phone within the unit; else, with neither, by name within the unit."""
    data, unit_id = item.data, item.data["unit"].id
    if data["id_number"] and data["id_number"] in existing["id"]:
        return existing["id"][data["id_number"]]
    by_phone = existing["phone"].get((unit_id, data["phone"])) if data["phone"] else None
    if by_phone is not None and (by_phone.id_number is None or by_phone.id_number == data["id_number"]):
        return by_phone
    if not data["id_number"] and not data["phone"]:
        return existing["name"].get((unit_id, data["name"]))
    return None


def _compare_staff(plan: Plan, item: Item, old, owners: dict) -> None:
    data, header = item.data, plan.sheet.header
    owner = owners.get(data["id_number"])
    if owner and (old is None or owner[0] != old.id):
        plan.issues.append(Issue(item.row, header("id_number"), _("This ID number belongs to another person.")))
    if old is None:
        return
    if old.unit_id not in plan.units.by_id:
        plan.issues.append(Issue(item.row, header("id_number"),
                                 _("This person belongs to a unit outside your area.")))
        return
    mark_changes(item, old, STAFF_FIELDS, "unit" if data["unit"].id != old.unit_id else None)


def _plan_accounts(plan: Plan, items: list[Item]) -> None:
    """Accounts for rows with 创建账号=是; an account that exists already is left as it is."""
    wanted = [i for i in items if i.data["create_account"]]
    taken_names, taken_staff = _taken_accounts([i.data["phone"] for i in wanted],
                                               [i.existing_id for i in wanted if i.existing_id])
    for item in wanted:
        data = item.data
        exists = data["phone"] in taken_names or (item.existing_id is not None and item.existing_id in taken_staff)
        plan.accounts.append(PlannedAccount(item.row, data["name"], data["phone"], data["role"], data["scope"],
                                            plan.units.label(data["scope"]), exists))


def _taken_accounts(phones: list[str], staff_ids: list[int]) -> tuple[set, set]:
    """Usernames/phones already used by an account, and the staff who already have one."""
    names, staff = set(), set()
    for chunk in chunks(phones):
        query = select(User.username, User.phone).where(or_(User.username.in_(chunk), User.phone.in_(chunk)))
        for username, phone in db.session.execute(query):
            names.update((username, phone))
    for chunk in chunks(staff_ids):
        staff.update(db.session.scalars(select(User.staff_id).where(User.staff_id.in_(chunk))))
    return names, staff


def apply_staff(plan: Plan) -> list[dict]:
    """Store the staff, their classes and their new accounts; return the accounts with their passwords."""
    now = utcnow()
    people: dict[int, Staff] = {}
    for item in plan.items:
        if item.action == NEW:
            people[item.row] = Staff(**_staff_values(item.data, now))
    db.session.add_all(people.values())
    db.session.flush()
    bulk_update(Staff, [{"id": i.existing_id, **_staff_values(i.data, now, keep_blank=True)}
                         for i in plan.items if i.action == UPDATE])
    for item in plan.items:
        if item.row not in people and (item.data["class"] is not None or item.data["create_account"]):
            people[item.row] = db.session.get(Staff, item.existing_id)
    for item in plan.items:
        if item.data["class"] is not None:
            operations.assign_responsibility(people[item.row], real_unit(item.data["class"]))
    return [_create_account(account, people[account.row]) for account in plan.new_accounts]


def _staff_values(data: dict, now: datetime, keep_blank: bool = False) -> dict:
    values = {"unit_id": data["unit"].id, "active": True, "updated_at": now}
    values.update({k: data[k] for k in STAFF_FIELDS if data[k] is not None or not keep_blank})
    if not keep_blank:  # a new person: a blank 是/否 cell means no
        values.update({k: bool(values[k]) for k in ("party_member", "is_volunteer")})
    return values


def _create_account(account: PlannedAccount, staff: Staff) -> dict:
    password = operations.new_temporary_password()
    operations.create_account(account.username, account.name, account.role, real_unit(account.scope), password,
                              phone=account.username, staff=staff, must_change_password=True)
    return {"name": account.name, "username": account.username, "password": password,
            "role": account.role_label, "scope": account.scope_label}


