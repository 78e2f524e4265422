"""The plan of an import: the units of the user's scope, what each row will do, and the shared steps.

Planning reads the database and writes nothing; `apply` steps flush, never commit.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select, update

from ...extensions import db
from .. import operations
from ..labels import role_label
from ..models import Role, Student, Unit, UnitKind
from .columns import STUDENTS, norm
from .reading import Sheet
from .rows import Issue, RowReader

CHUNK = 1000  # rows per IN (...) lookup and per INSERT batch
PREVIEW_CHANGES = 50


@dataclass(eq=False)
class PlannedUnit:
    """A grade or class the import will create under a school (or under a planned grade)."""

    kind: UnitKind
    name: str
    parent: Unit | PlannedUnit
    label: str
    unit: Unit | None = None  # set once created

    @property
    def id(self) -> int:
        return self.unit.id


class UnitIndex:
    """Every unit in the user's subtree, loaded in one query and found by name; planned new units."""

    def __init__(self, scope: Unit):
        self.scope = scope
        units = list(db.session.scalars(select(Unit).where(Unit.path.startswith(scope.path, autoescape=True))))
        self.by_id = {unit.id: unit for unit in units}
        self.by_name: dict[tuple, list[Unit]] = defaultdict(list)
        self.children: dict[tuple, Unit | PlannedUnit] = {}
        for unit in units:
            self.by_name[(unit.kind, norm(unit.name))].append(unit)
            parent = self.by_id.get(unit.parent_id)
            if parent is not None:
                self.children.setdefault((parent, norm(unit.name)), unit)
        self.planned: list[PlannedUnit] = []

    def find(self, name: str, kinds: tuple[UnitKind, ...]) -> list[Unit]:
        return [unit for kind in kinds for unit in self.by_name.get((kind, norm(name)), ())]

    def child(self, parent: Unit | PlannedUnit, kind: UnitKind, name: str) -> Unit | PlannedUnit:
        """The grade/class of this name under `parent`, planned for creation when missing."""
        unit = self.children.get((parent, norm(name)))
        if unit is None:
            name = unicodedata.normalize("NFKC", name).strip()
            unit = PlannedUnit(kind, name, parent, f"{self.label(parent)} / {name}")
            self.children[(parent, norm(name))] = unit
            self.planned.append(unit)
        return unit

    def label(self, unit: Unit | PlannedUnit) -> str:
        if isinstance(unit, PlannedUnit):
            return unit.label
        names = [self.by_id[i].name for i in unit.ancestor_ids if i in self.by_id and self.by_id[i].kind not in
                 (UnitKind.county, UnitKind.township)]
        return " / ".join(names) or unit.name

    def create_planned(self) -> None:
        """Create the planned units, parents first (they were planned in that order)."""
        for planned in self.planned:
            parent = planned.parent.unit if isinstance(planned.parent, PlannedUnit) else planned.parent
            planned.unit = operations.create_unit(planned.kind, planned.name, parent)


# ---- the plan -------------------------------------------------------------------------------

NEW, UPDATE, SAME = "new", "update", "same"


@dataclass
class Change:
    """One row's effect, for the preview: who (name and key) and which columns change."""

    row: int
    action: str
    name: str
    key: str
    columns: list[str] = field(default_factory=list)


@dataclass
class PlannedAccount:
    row: int
    name: str
    username: str
    role: Role
    scope: Unit | PlannedUnit
    scope_label: str
    exists: bool = False  # an account with this phone already exists: it is left as it is

    @property
    def role_label(self) -> str:
        return role_label(self.role)


@dataclass
class Item:
    """A row that passed its checks, with what it will do."""

    row: int
    data: dict
    action: str = NEW
    existing_id: int | None = None
    changed: list[str] = field(default_factory=list)


@dataclass
class Plan:
    kind: str
    sheet: Sheet
    units: UnitIndex
    issues: list[Issue] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    accounts: list[PlannedAccount] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def changes(self) -> list[Change]:
        """New and updated rows (unchanged ones are left out), in file order."""
        return [Change(i.row, i.action, i.data["name"], self._key(i.data), [self._label(k) for k in i.changed])
                for i in self.items if i.action != SAME]

    def _label(self, key: str) -> str:
        return _("Active again") if key == "active" else self.sheet.header(key)

    def _key(self, data: dict) -> str:
        # The preview names a person by student number or phone; an ID number is shown masked.
        if self.kind == STUDENTS:
            return data["student_no"]
        return data["phone"] or (data["id_number"][:4] + "*" * 10 + data["id_number"][-4:] if data["id_number"] else "")

    @property
    def new_units(self) -> list[PlannedUnit]:
        return self.units.planned

    @property
    def new_accounts(self) -> list[PlannedAccount]:
        return [a for a in self.accounts if not a.exists]

    @property
    def existing_accounts(self) -> list[PlannedAccount]:
        return [a for a in self.accounts if a.exists]


def find_duplicates(plan: Plan, items: list[Item], keys: tuple[str, ...], compare: dict | None = None) -> None:
    """Two rows with the same key would be one person twice: name both rows. `compare` names, for a
    column, the value that decides sameness (a student number with its school)."""
    for key in keys:
        seen: dict[str, int] = {}
        for item in items:
            value = item.data.get((compare or {}).get(key, key))
            if value and value in seen:
                plan.issues.append(Issue(item.row, plan.sheet.header(key),
                                         _("%(value)s is also on row %(other)s.", value=value, other=seen[value])))
            elif value:
                seen[value] = item.row


def chunks(values: list) -> list[list]:
    values = list(dict.fromkeys(values))
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


def unit_named(reader: RowReader, units: UnitIndex, key: str, kinds=(UnitKind.school,)) -> Unit | None:
    """The unit named in the cell, found by name inside the user's scope (a school admin's default: theirs)."""
    name = reader.text(key, 100)
    if not name:
        if units.scope.kind is UnitKind.school:
            return units.scope
        reader.fail(key, _("This cell is required."))
        return None
    found = units.find(name, kinds)
    if len(found) > 1:
        reader.fail(key, _("Several units in your area are called %(name)s: rename one of them first.", name=name))
    elif not found:
        reader.fail(key, _("There is no %(name)s in your area.", name=name))
    return found[0] if len(found) == 1 else None


def id_number_owners(model, id_numbers: list[str], area: dict) -> dict:
    """Who in the area (`area`: its units by id) holds these ID numbers now: {id number: (key, scope
    unit id)}. A holder elsewhere is no concern of the file (issue 12.8): the row goes in as typed,
    and the county reconciles the two (/people/duplicates)."""
    key = model.student_no if model is Student else model.id
    scope_column = getattr(model, model.__scope_column__)
    owners = {}
    for chunk in chunks(id_numbers):
        query = select(model.id_number, key, scope_column).where(model.id_number.in_(chunk),
                                                                  scope_column.in_(list(area)))
        owners.update({number: (owner, unit_id) for number, owner, unit_id in db.session.execute(query)})
    return owners


def bulk_update(model, rows: list[dict]) -> None:
    """UPDATE by primary key; rows are grouped by their set of columns (a blank cell keeps the value)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(row))].append(row)
    for group in groups.values():
        for start in range(0, len(group), CHUNK):
            db.session.execute(update(model), group[start:start + CHUNK])


def mark_changes(item: Item, old, fields: tuple[str, ...], moved: str | None) -> None:
    """A row that matches `old`: what it changes (of `fields`, the unit `moved` to), so UPDATE or SAME."""
    item.existing_id = old.id
    item.changed = [k for k in fields if item.data[k] is not None and item.data[k] != getattr(old, k)]
    if moved:
        item.changed.append(moved)
    if not old.active:  # someone who had left is back
        item.changed.append("active")
    item.action = UPDATE if item.changed else SAME


def real_unit(unit: Unit | PlannedUnit) -> Unit:
    return unit.unit if isinstance(unit, PlannedUnit) else unit


# ---- applying -------------------------------------------------------------------------------

@dataclass
class Result:
    kind: str
    new: int
    updated: int
    unchanged: int
    units: list[str]
    accounts: list[dict]  # name, username, password (shown once), role, scope
