"""What the office screens read: searches, unit choices, the unit tree, responsibility lists.

Every query here starts from `scoping.scoped()` or `scoping.subtree_ids()`, so each answer is
already limited to the user's part of the county; the views only add what the user typed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from ..extensions import db
from .models import Responsibility, Staff, Student, Unit, UnitChange, UnitKind, User
from .operations import responsibilities_of
from .ordering import unit_key
from .scoping import in_scope, scoped, subtree_ids

PICKER_LIMIT = 30  # matches offered in a picker: a longer list means "type more of the name"
KIND_ORDER = {kind: i for i, kind in enumerate(UnitKind)}
TARGET_MODELS = {"unit": Unit, "student": Student, "staff": Staff}


def find_scoped(model, ident, user=None):
    """The row with this id if it lies in the user's area, else None (the caller says why)."""
    if ident is None:
        return None
    return db.session.execute(scoped(model, user).where(model.id == ident)).scalar_one_or_none()


def matching(model, q: str):
    """WHERE clause of a search box: the name contains `q`, or the number / phone begins with it."""
    if model is Unit:
        return Unit.name.contains(q, autoescape=True)
    if model is Student:
        return or_(Student.name.contains(q, autoescape=True), Student.student_no.startswith(q, autoescape=True))
    if model is Staff:
        return or_(Staff.name.contains(q, autoescape=True), Staff.phone.startswith(q, autoescape=True))
    return or_(User.username.contains(q, autoescape=True), User.display_name.contains(q, autoescape=True),
               User.phone.startswith(q, autoescape=True))


# ---- lists with a search box -----------------------------------------------------------------

def students(user, q: str | None, within: Unit | None = None, include_left: bool = False) -> Select:
    """Students in the user's area, by class then number; optionally under one unit, or matching `q`."""
    query = scoped(Student, user).join(Student.klass).options(contains_eager(Student.klass))
    return _narrow(query, Student, Student.class_id, q, within, include_left) \
        .order_by(Unit.sort_key, Student.student_no)


def staff(user, q: str | None, within: Unit | None = None, include_left: bool = False) -> Select:
    """Staff in the user's area, by unit then name."""
    query = scoped(Staff, user).join(Staff.unit).options(contains_eager(Staff.unit))
    return _narrow(query, Staff, Staff.unit_id, q, within, include_left).order_by(Unit.sort_key, Staff.name, Staff.id)


def accounts(user, q: str | None) -> Select:
    """Accounts whose area lies in the user's area, by area then username."""
    query = scoped(User, user).join(User.scope).options(contains_eager(User.scope), selectinload(User.staff))
    if q:
        query = query.where(matching(User, q))
    return query.order_by(Unit.sort_key, User.username)


def _narrow(query, model, unit_column, q, within, include_left) -> Select:
    if within is not None:
        query = query.where(unit_column.in_(subtree_ids(within)))
    if not include_left:
        query = query.where(model.active.is_(True))
    if q:
        query = query.where(matching(model, q))
    return query


# ---- units: labels, choices, ancestors, history ----------------------------------------------

def unit_labels(units) -> dict[int, str]:
    """{unit id: "Township / School / Grade / Class"} for many units in one query (the county is understood)."""
    units = [u for u in units if u is not None]
    ids = {i for u in units for i in u.ancestor_ids[1:]}
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all()) if ids else {}
    return {u.id: " / ".join(names[i] for i in u.ancestor_ids[1:] if i in names) or u.name for u in units}


def unit_choices(user, kinds, exclude: Unit | None = None) -> list[tuple[int, str]]:
    """(id, label) of every unit of these kinds in the user's area, for a select; `exclude`'s subtree left out."""
    query = scoped(Unit, user).where(Unit.kind.in_(kinds))
    if exclude is not None:
        query = query.where(Unit.id.not_in(subtree_ids(exclude)))
    units = list(db.session.scalars(query))
    labels = unit_labels(units)
    return sorted(((u.id, labels[u.id]) for u in units), key=lambda choice: choice[1])


def drill_down_choices(user, selected: Unit | None, skip=(UnitKind.village,)) -> list[tuple[int, str]]:
    """The user's area, the way down to `selected`, and the units right below it.

    A filter select that stays short at any depth: choose a township, and the next time the list
    shows its schools, and so on (a county has thousands of classes; a phone should not load them all).
    """
    root = user.scope
    selected = selected or root
    chain = selected.ancestor_ids[len(root.ancestor_ids) - 1:]
    query = scoped(Unit, user).where(or_(Unit.id.in_(chain), Unit.parent_id == selected.id))
    units = [u for u in db.session.scalars(query) if u.id in chain or u.kind not in skip]
    top = len(root.ancestor_ids)
    units.sort(key=lambda u: (u.id not in chain, len(u.ancestor_ids), KIND_ORDER[u.kind], unit_key(u.name), u.id))
    return [(u.id, "\u3000" * (len(u.ancestor_ids) - top) + u.name) for u in units]


def breadcrumb(unit: Unit, user) -> list[tuple[Unit, bool]]:
    """The units above `unit`, top first, each with whether the user may open it."""
    ids = unit.ancestor_ids[:-1]
    above = db.session.scalars(select(Unit).where(Unit.id.in_(ids))).all() if ids else []
    above = sorted(above, key=lambda u: len(u.path))
    return [(u, in_scope(u, user)) for u in above]


def nearest(unit: Unit, kind: UnitKind) -> Unit | None:
    """The unit of this kind at or above `unit` (the school of a class), if any."""
    query = select(Unit).where(Unit.id.in_(unit.ancestor_ids), Unit.kind == kind)
    return db.session.scalars(query).first()


def unit_history(unit: Unit) -> list[UnitChange]:
    """The unit's renames and moves, newest first, with who made them."""
    query = select(UnitChange).where(UnitChange.unit_id == unit.id) \
        .options(selectinload(UnitChange.changed_by), selectinload(UnitChange.old_parent),
                 selectinload(UnitChange.new_parent)) \
        .order_by(UnitChange.changed_at.desc(), UnitChange.id.desc())
    return list(db.session.scalars(query))


# ---- the tree of units with head counts ------------------------------------------------------

@dataclass
class TreeNode:
    id: int
    name: str
    kind: UnitKind
    students: int = 0
    staff: int = 0
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(root: Unit, depth: int = 2) -> TreeNode:
    """`root` and `depth` levels below it, each node with the active students and staff of its whole subtree.

    Depth is limited because a county has thousands of classes: deeper levels are one click away,
    on the page of the unit above them.
    """
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.kind, Unit.path, Unit.parent_id)
                              .where(Unit.id.in_(subtree_ids(root)))).all()
    nodes = {row.id: TreeNode(row.id, row.name, row.kind) for row in rows}
    paths = {row.id: row.path for row in rows}
    _add_counts(nodes, paths, _active_per_unit(Student, root), "students")
    _add_counts(nodes, paths, _active_per_unit(Staff, root), "staff")
    top = root.path.count("/")
    for row in sorted(rows, key=lambda r: (KIND_ORDER[r.kind], unit_key(r.name), r.id)):
        if row.id != root.id and row.path.count("/") - top <= depth:
            nodes[row.parent_id].children.append(nodes[row.id])
    return nodes[root.id]


def _active_per_unit(model, root: Unit) -> list[tuple[int, int]]:
    column = getattr(model, model.__scope_column__)
    query = select(column, func.count()).where(column.in_(subtree_ids(root)), model.active.is_(True)) \
        .group_by(column)
    return db.session.execute(query).all()


def _add_counts(nodes: dict, paths: dict, counts, attribute: str) -> None:
    # A class's students count for its grade, school and township too: add them all the way up.
    for unit_id, count in counts:
        for ancestor in paths[unit_id].strip("/").split("/"):
            node = nodes.get(int(ancestor))
            if node is not None:
                setattr(node, attribute, getattr(node, attribute) + count)


# ---- responsibility chains -------------------------------------------------------------------

def unit_of(target) -> Unit:
    """The unit a responsibility target belongs to: itself, a student's class, a colleague's unit."""
    if isinstance(target, Unit):
        return target
    return target.klass if isinstance(target, Student) else target.unit


def kind_of(target) -> str:
    return next(name for name, model in TARGET_MODELS.items() if isinstance(target, model))


def duties(staff_member: Staff, user=None) -> tuple[dict[str, list], int]:
    """Whom `staff_member` answers for, grouped as {"unit": [...], "student": [...], "staff": [...]}.

    With `user`, only what lies in that user's area is listed; the rest is only counted (a
    minor's name is shown to nobody outside their area). Without `user`: everything (my own list).
    """
    groups, hidden = defaultdict(list), 0
    for link in responsibilities_of(staff_member):
        if user is None or in_scope(unit_of(link.target), user):
            groups[kind_of(link.target)].append(link.target)
        else:
            hidden += 1
    return dict(groups), hidden


def staff_candidates(user, q: str | None, near: Unit | None, exclude=()) -> list[Staff]:
    """Staff to offer in a picker: those matching `q` in the user's area, or without `q` those under `near`."""
    query = scoped(Staff, user).where(Staff.active.is_(True)).options(selectinload(Staff.unit))
    if q:
        query = query.where(matching(Staff, q))
    elif near is not None:
        query = query.where(Staff.unit_id.in_(subtree_ids(near)))
    else:
        return []
    if exclude:
        query = query.where(Staff.id.not_in(list(exclude)))
    return list(db.session.scalars(query.order_by(Staff.name, Staff.id).limit(PICKER_LIMIT)))


def target_candidates(user, kind: str, q: str | None) -> list:
    """Units, students or staff in the user's area matching `q`, to make someone responsible for."""
    model = TARGET_MODELS.get(kind)
    if model is None or not q:
        return []
    order = Unit.path if model is Unit else model.name
    query = scoped(model, user).where(matching(model, q)).order_by(order, model.id).limit(PICKER_LIMIT)
    return list(db.session.scalars(query))


def linked_account(staff_member: Staff, user) -> User | None:
    """The account of this staff member, if it lies in the user's area."""
    return db.session.scalars(scoped(User, user).where(User.staff_id == staff_member.id)).first()


def holders(unit_ids) -> dict[int, list[tuple[str, str | None]]]:
    """(name, phone) of the staff answering for each of these units today (one query): whom to call."""
    ids = list(unit_ids)
    if not ids:
        return {}
    query = (select(Responsibility.unit_id, Staff.name, Staff.phone).join(Staff, Staff.id == Responsibility.staff_id)
             .where(Responsibility.unit_id.in_(ids), Responsibility.valid_to.is_(None)).order_by(Staff.name, Staff.id))
    found: dict[int, list] = {}
    for unit_id, name, phone in db.session.execute(query):
        found.setdefault(unit_id, []).append((name, phone))
    return found
