"""What a leader's start page shows first: what is missing today, then what is abnormal today.

`today(scope, day)` answers for a school, a township or the county with a fixed number of
queries (the completeness, the abnormal students and staff, the people to call), whatever the
size of the area. Every figure is counted from the list it heads, so a number never disagrees
with the names under it. (The reads below are the place to put tallies: webapp/dashboard is
where the leaders' screens are built.)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ..extensions import db
from ..health.models import AbsenceReason, CheckSession
from ..health.operations import Abnormal, ReportStatus, abnormal_checks, units_of_kind
from ..org.models import ADMIN_ROLES, Responsibility, Role, Staff, Unit, UnitKind, User
from ..org.ordering import unit_key
from ..org.scoping import subtree_ids
from . import abnormal_sql
from .operations import ROLLED_UP, Completeness, SchoolGroup, completeness, list_classes

# Whom to call about a unit's missing report when nobody is named responsible for it: its account.
ANSWERS_FOR = {UnitKind.klass: (Role.homeroom_teacher,), UnitKind.school: (Role.school_admin,)}
KINDS = ("fever", "symptoms", "illness")
SESSIONS = tuple(CheckSession)


@dataclass
class Contact:
    name: str
    phone: str | None


@dataclass
class UnitLine:
    """A class or a school on a list: its own daily report is missing (whom to call), or late."""
    id: int
    name: str
    kind: UnitKind
    school: SchoolGroup
    report: ReportStatus | None = None
    contact: Contact | None = None


@dataclass
class AbnormalPerson:
    """One person abnormal today: every finding of their sessions' current checks (fever first).

    A person counts under each finding they have today (a cough in the morning and absent for
    illness at noon: symptoms and illness), as the day tallies and the reports count them; the
    list shows them once, under their worst finding, with every abnormal check's badges."""
    items: list[Abnormal]  # their abnormal current checks, the worst first
    kinds: tuple[str, ...]  # their findings, in the order of KINDS
    staff: bool

    @property
    def item(self) -> Abnormal:
        return self.items[0]

    @property
    def kind(self) -> str:
        """The worst finding: the one the list is ordered by."""
        return self.kinds[0]


@dataclass
class Today:
    status: Completeness
    missing: list[UnitLine]  # every missing report, or the first `listed` (their number: `missing_count`)
    late: list[UnitLine]  # the same for the late ones (`late_count`)
    abnormal: list[AbnormalPerson] = field(default_factory=list)  # all of them, or the first `listed`
    # Counted in SQL when `today(listed=N)` lists only the first N: per unit right below the scope
    # (None: the scope's own), (fever, symptoms, illness, people) (abnormal_sql.per_child); None: count the list.
    per_unit: dict[int, tuple[int, int, int, int]] | None = None

    @property
    def people(self) -> int:
        """The abnormal people today, each once."""
        return len(self.abnormal) if self.per_unit is None else sum(n[3] for n in self.per_unit.values())

    @property
    def missing_schools(self) -> int:
        return self.status.schools_missing

    @property
    def missing_classes(self) -> int:
        return self.status.totals["missing"]

    @property
    def missing_count(self) -> int:
        """The missing reports: the classes' and the schools' own."""
        return self.missing_classes + self.missing_schools

    @property
    def late_count(self) -> int:
        return sum(school.reports_late for school in self.status.schools)

    def count(self, kind: str) -> int:
        """The people with that finding today (one person may count under several)."""
        if self.per_unit is not None:
            return sum(n[KINDS.index(kind)] for n in self.per_unit.values())
        return sum(1 for person in self.abnormal if kind in person.kinds)

    def of_kind(self, kind: str | None) -> list[AbnormalPerson]:
        return [person for person in self.abnormal if kind is None or kind in person.kinds]


def findings(check) -> tuple[str, ...]:
    """A check's findings, as the tallies count them (health/tallies._CURRENT): fever; other symptoms
    without a fever; an absence for illness (with or without either). Empty for a normal check."""
    found = ("fever" if check.fever else None,
             "symptoms" if check.other_symptoms and not check.fever else None,
             "illness" if check.absence_reason is AbsenceReason.illness else None)
    return tuple(kind for kind in found if kind)


def kind_of(check) -> str | None:
    """A check's worst finding (fever, else other symptoms, else an absence for illness); None if normal."""
    return next(iter(findings(check)), None)


def _groups(scope: Unit, with_staff: bool) -> list[tuple[str, object]]:
    groups = [("student", units_of_kind(scope, UnitKind.klass))]
    return groups + [("staff", subtree_ids(scope))] if with_staff else groups


def abnormal_people(scope: Unit, day: date, with_staff: bool, first: int | None = None) -> list[AbnormalPerson]:
    """Students (and, for leaders, staff) abnormal today, one line per person, fever first (the
    first `first` of them only, found without ranking the area's every abnormal check, when given)."""
    found = []
    for person, units in _groups(scope, with_staff):
        found += _people_of(units, day, person) if first is None else _first_of(units, day, person, first)
    found = sorted(found, key=_order)
    found = found if first is None else found[:first]
    if scope.kind in (UnitKind.county, UnitKind.township):
        _name_schools(scope, found)
    return found


def _order(person: AbnormalPerson) -> tuple:
    """The list's order: worst finding, students before staff, the unit's name, the person's name."""
    return KINDS.index(person.kind), person.staff, unit_key(person.item.unit_name), person.item.name


def _people_of(units, day: date, person: str, ids: list[int] | None = None) -> list[AbnormalPerson]:
    """The abnormal people of `units` (of `ids` only, when given), in the checks' order."""
    column = "student_id" if person == "student" else "staff_id"
    checks: dict[int, list[Abnormal]] = {}
    for item in abnormal_checks(units, day, person, ids) if ids is None or ids else ():
        if findings(item.check):
            checks.setdefault(getattr(item.check, column), []).append(item)
    return [_person(items, person == "staff") for items in checks.values()]


def _first_of(units, day: date, person: str, wanted: int) -> list[AbnormalPerson]:
    """The first `wanted` abnormal people in the list's order: those of the first abnormal checks
    (abnormal_sql.candidates), their current checks read, kept when they come before the last check
    read (anyone after it may be passed by someone not read yet); more are read until enough are sure."""
    fetch = 3 * wanted
    while wanted:
        ids, last = abnormal_sql.candidates(units, day, person, fetch)
        people = sorted(_people_of(units, day, person, ids), key=_order)
        sure = people if last is None else [p for p in people if _order(p) < last]
        if last is None or len(sure) >= wanted:
            return sure[:wanted]
        fetch *= 4
    return []


def abnormal_per_child(scope: Unit, day: date, with_staff: bool) -> dict[int | None, tuple[int, int, int, int]]:
    """Per unit right below the scope (None: the scope itself): the abnormal people listed under it
    (by their worst check's unit), (fever, symptoms, illness, people)."""
    summed: dict[int | None, tuple[int, int, int, int]] = {}
    for person, units in _groups(scope, with_staff):
        for unit_id, numbers in abnormal_sql.per_child(scope, units, day, person).items():
            summed[unit_id] = tuple(a + b for a, b in zip(summed.get(unit_id, (0, 0, 0, 0)), numbers))
    return summed


def _person(items: list[Abnormal], staff: bool) -> AbnormalPerson:
    """One person from their abnormal current checks: the worst check first, then by session."""
    items = sorted(items, key=lambda i: (KINDS.index(kind_of(i.check)), SESSIONS.index(i.check.session)))
    kinds = tuple(kind for kind in KINDS if any(kind in findings(i.check) for i in items))
    return AbnormalPerson(items, kinds, staff)


def _name_schools(scope: Unit, people: list[AbnormalPerson]) -> None:
    """Above a school, "一(1)班" alone says nothing: put the school's name before the class's (two queries)."""
    units = {item.check.unit_id for person in people for item in person.items}
    among = Unit.id.in_(units) if len(units) <= 100 else Unit.id.in_(subtree_ids(scope))  # no list of 5,000 ids
    paths = dict(db.session.execute(select(Unit.id, Unit.path).where(
        among, Unit.kind.in_((UnitKind.klass, UnitKind.school)))).all()) if people else {}
    school_of = {unit_id: int(path.strip("/").split("/")[2]) for unit_id, path in paths.items()
                 if path.count("/") > 3}
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(set(school_of.values())))).all()) \
        if school_of else {}
    for person in people:
        for n, item in enumerate(person.items):
            school = names.get(school_of.get(item.check.unit_id))
            if school and school != item.unit_name:
                person.items[n] = Abnormal(item.check, item.name, f"{school} {item.unit_name}")


def contacts(unit_ids: list[int], within: Unit | None = None) -> dict[int, Contact]:
    """Whom to call for each unit: the staff member named responsible for it, else its account.

    `within`: a unit all of them lie under; the queries then name its subtree rather than send the
    ids (at 07:30 a county's 5,000 classes are all missing) and the rows are kept for the ids asked."""
    found: dict[int, Contact] = {}
    if not unit_ids:
        return found
    wanted = set(unit_ids)
    among = (lambda column: column.in_(subtree_ids(within))) if within is not None else \
        (lambda column: column.in_(unit_ids))
    named = (select(Responsibility.unit_id, Staff.name, Staff.phone).join(Staff, Staff.id == Responsibility.staff_id)
             .where(among(Responsibility.unit_id), Responsibility.valid_to.is_(None), Staff.active.is_(True))
             .order_by(Responsibility.valid_from, Responsibility.id))
    for unit_id, name, phone in db.session.execute(named):
        if unit_id in wanted:
            found.setdefault(unit_id, Contact(name, phone))
    roles = [role for kind_roles in ANSWERS_FOR.values() for role in kind_roles]
    accounts = (select(User.scope_unit_id, User.display_name, User.phone, Staff.phone)
                .outerjoin(Staff, Staff.id == User.staff_id)
                .where(among(User.scope_unit_id), User.active.is_(True), User.role.in_(roles))
                .order_by(User.id))
    for unit_id, name, phone, staff_phone in db.session.execute(accounts):
        if unit_id in wanted:
            found.setdefault(unit_id, Contact(name, phone or staff_phone))
    return found


def _first_schools(schools: list[SchoolGroup], lines: str, wanted: int) -> list[SchoolGroup]:
    """The first schools (in the list's order) holding the first `wanted` of their missing or late lines."""
    chosen, held = [], 0
    for school in schools:
        if held >= wanted:
            break
        if getattr(school, lines):
            chosen.append(school)
            held += getattr(school, lines)
    return chosen


def today(scope: Unit, day: date, viewer_role: Role, now: datetime | None = None, listed: int | None = None,
          called_first: int | None = None) -> Today:
    """The start page of an admin: missing reports (schools and classes) with whom to call, the late
    reports, and the people abnormal today (staff for school leaders and above only).

    `listed`: the screen shows the first `listed` abnormal people only: they are chosen in SQL and
    the counts are counted there (`Today.per_unit`, per unit right below), not from a county's 5,000 people in Python.
    `called_first`: whom to call is looked up for the first missing units only (those shown)."""
    status = completeness(scope, day, now, per_school=scope.kind in ROLLED_UP and listed is not None)
    if not status.listed:  # list the classes of the schools whose lines are shown, no more
        list_classes(status, _first_schools(status.schools, "reports_missing", called_first or 0)
                     + _first_schools(status.schools, "reports_late", listed or 0))
    missing, late = [], []
    for school in status.schools:
        own = [UnitLine(school.id, school.name, UnitKind.school, school, school.report)] if school.whole else []
        for line in own + [UnitLine(c.id, c.name, UnitKind.klass, school, c.report) for c in school.classes]:
            if line.report is None:
                missing.append(line)
            elif line.report.late:
                late.append(line)
    if not status.listed:
        missing, late = missing[:called_first or 0], late[:listed or 0]
    called = missing if called_first is None else missing[:called_first]  # the lines the screen shows
    who = contacts([line.id for line in called], within=scope if len(called) > 100 else None)
    for line in called:
        line.contact = who.get(line.id)
    with_staff = viewer_role in ADMIN_ROLES
    if listed is None:
        return Today(status, missing, late, abnormal_people(scope, day, with_staff))
    return Today(status, missing, late, abnormal_people(scope, day, with_staff, first=listed),
                 abnormal_per_child(scope, day, with_staff))
