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
from ..health.models import AbsenceReason
from ..health.operations import Abnormal, ReportStatus, abnormal_checks, units_of_kind
from ..org.models import ADMIN_ROLES, Responsibility, Role, Staff, Unit, UnitKind, User
from ..org.ordering import unit_key
from ..org.scoping import subtree_ids
from .operations import Completeness, SchoolGroup, completeness

# Whom to call about a unit's missing report when nobody is named responsible for it: its account.
ANSWERS_FOR = {UnitKind.klass: (Role.homeroom_teacher,), UnitKind.school: (Role.school_admin,)}
KINDS = ("fever", "symptoms", "illness")


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
    """One person abnormal today: the worst of their sessions' current checks (fever first)."""
    item: Abnormal
    kind: str  # "fever", "symptoms" or "illness"
    staff: bool


@dataclass
class Today:
    status: Completeness
    missing: list[UnitLine]
    late: list[UnitLine]
    abnormal: list[AbnormalPerson] = field(default_factory=list)

    @property
    def missing_schools(self) -> int:
        return sum(1 for line in self.missing if line.kind is UnitKind.school)

    @property
    def missing_classes(self) -> int:
        return sum(1 for line in self.missing if line.kind is UnitKind.klass)

    def count(self, kind: str) -> int:
        return sum(1 for person in self.abnormal if person.kind == kind)

    def of_kind(self, kind: str | None) -> list[AbnormalPerson]:
        return [person for person in self.abnormal if kind in (None, person.kind)]


def kind_of(check) -> str | None:
    """Fever, else other symptoms, else an absence for illness; None for a normal check."""
    if check.fever:
        return "fever"
    if check.other_symptoms:
        return "symptoms"
    if check.absence_reason is AbsenceReason.illness:
        return "illness"
    return None


def abnormal_people(scope: Unit, day: date, with_staff: bool) -> list[AbnormalPerson]:
    """Students (and, for leaders, staff) abnormal today, one line per person, fever first."""
    groups = [("student", units_of_kind(scope, UnitKind.klass))]
    if with_staff:
        groups.append(("staff", subtree_ids(scope)))
    people: dict[tuple[str, int], AbnormalPerson] = {}
    for person, units in groups:
        column = "student_id" if person == "student" else "staff_id"
        for item in abnormal_checks(units, day, person):
            kind, key = kind_of(item.check), (person, getattr(item.check, column))
            if kind and (key not in people or KINDS.index(kind) < KINDS.index(people[key].kind)):
                people[key] = AbnormalPerson(item, kind, person == "staff")
    found = sorted(people.values(), key=lambda p: (KINDS.index(p.kind), p.staff, unit_key(p.item.unit_name),
                                                   p.item.name))
    if scope.kind in (UnitKind.county, UnitKind.township):
        _name_schools(scope, found)
    return found


def _name_schools(scope: Unit, people: list[AbnormalPerson]) -> None:
    """Above a school, "一(1)班" alone says nothing: put the school's name before the class's (two queries)."""
    paths = dict(db.session.execute(select(Unit.id, Unit.path).where(  # the scope's units: no list of ids to send
        Unit.id.in_(subtree_ids(scope)), Unit.kind.in_((UnitKind.klass, UnitKind.school)))).all()) if people else {}
    school_of = {unit_id: int(path.strip("/").split("/")[2]) for unit_id, path in paths.items()
                 if path.count("/") > 3}
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(set(school_of.values())))).all()) \
        if school_of else {}
    for person in people:
        school = names.get(school_of.get(person.item.check.unit_id))
        if school and school != person.item.unit_name:
            person.item = Abnormal(person.item.check, person.item.name, f"{school} {person.item.unit_name}")


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


def today(scope: Unit, day: date, viewer_role: Role, now: datetime | None = None) -> Today:
    """The start page of an admin: missing reports (schools and classes) with whom to call, the late
    reports, and the people abnormal today (staff for school leaders and above only)."""
    status = completeness(scope, day, now)
    missing, late = [], []
    for school in status.schools:
        own = [UnitLine(school.id, school.name, UnitKind.school, school, school.report)] if school.whole else []
        for line in own + [UnitLine(c.id, c.name, UnitKind.klass, school, c.report) for c in school.classes]:
            if line.report is None:
                missing.append(line)
            elif line.report.late:
                late.append(line)
    who = contacts([line.id for line in missing], within=scope)
    for line in missing:
        line.contact = who.get(line.id)
    return Today(status, missing, late, abnormal_people(scope, day, with_staff=viewer_role in ADMIN_ROLES))
