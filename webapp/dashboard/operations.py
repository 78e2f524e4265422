"""Roll-ups over a subtree of the hierarchy."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, select

from ..extensions import db
from ..health.models import CheckSession
from ..health import tallies
from ..health.operations import (ReportStatus, expected_students, report_status,
                                 units_of_kind)
from ..org.models import Staff, Student, Unit, UnitKind, utcnow
from ..org.ordering import unit_key
from ..org.scoping import subtree_ids
from ..org.settings import county_id_of, cutoff_moment, settings_for


@dataclass
class UnitSummary:
    unit: Unit
    students: int
    staff: int


def _active_per_unit(model, column, scope: Unit) -> dict[int, int]:
    """Active people per unit in the scope's subtree (one grouped query)."""
    query = (select(column, func.count()).where(column.in_(subtree_ids(scope)), model.active.is_(True))
             .group_by(column))
    return dict(db.session.execute(query).all())


def overview(scope: Unit, students: dict[int, int] | None = None) -> dict:
    """The scope's totals and one line per unit directly below it (five queries, however many units).

    `students`: the active students per class when the caller has read them already (the start
    page's completeness did): the roll is then not counted a second time."""
    paths = dict(db.session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(subtree_ids(scope)))).all())
    depth = len(scope.ancestor_ids)
    # The child of the scope that each unit lies under: the next id in its path.
    child_of = {unit_id: int(path.strip("/").split("/")[depth]) for unit_id, path in paths.items()
                if path.count("/") > depth + 1}
    totals = {}
    for key, (model, column) in {"students": (Student, Student.class_id), "staff": (Staff, Staff.unit_id)}.items():
        per_unit = students if key == "students" and students is not None else _active_per_unit(model, column, scope)
        totals[key] = (sum(per_unit.values()), _per_child(per_unit, child_of))
    children = [UnitSummary(child, totals["students"][1].get(child.id, 0), totals["staff"][1].get(child.id, 0))
                for child in sorted(scope.children, key=lambda unit: (unit_key(unit.name), unit.id))]
    return {"scope": scope, "students": totals["students"][0], "staff": totals["staff"][0], "children": children}


def _per_child(per_unit: dict[int, int], child_of: dict[int, int]) -> dict[int, int]:
    summed: dict[int, int] = {}
    for unit_id, count in per_unit.items():
        if unit_id in child_of:
            summed[child_of[unit_id]] = summed.get(child_of[unit_id], 0) + count
    return summed


# ---- completeness: who has not reported --------------------------------------------------

@dataclass
class ClassLine:
    id: int
    name: str
    expected: int
    morning: int
    noon: int
    report: ReportStatus | None
    order: tuple = ()  # the school's order: grade, then class (webapp/org/ordering.py)

    @property
    def missing(self) -> bool:
        return self.report is None


@dataclass
class SchoolGroup:
    id: int
    name: str
    township: str
    classes: list[ClassLine] = field(default_factory=list)
    report: ReportStatus | None = None  # the school's own daily report
    whole: bool = True  # False when the viewer sees only some of its classes (a teacher's class)
    township_id: int | None = None

    @property
    def missing(self) -> int:
        return sum(1 for line in self.classes if line.missing)

    def total(self, name: str) -> int:
        """The sum of a number (expected, morning, noon) over the school's classes."""
        return sum(getattr(line, name) for line in self.classes)


@dataclass
class Completeness:
    scope: Unit
    day: date
    cutoff: time
    past_cutoff: bool  # missing reports are overdue (shown in red)
    schools: list[SchoolGroup]

    @property
    def classes(self) -> list[ClassLine]:
        return [line for school in self.schools for line in school.classes]

    @property
    def missing(self) -> list[tuple[SchoolGroup, ClassLine]]:
        return [(school, line) for school in self.schools for line in school.classes if line.missing]

    @property
    def totals(self) -> dict:
        lines = self.classes
        filed = [line for line in lines if not line.missing]
        return {"classes": len(lines), "filed": len(filed), "missing": len(lines) - len(filed),
                "late": sum(1 for line in filed if line.report.late),
                "zero": sum(1 for line in filed if line.report.report.zero_report),
                "expected": sum(line.expected for line in lines),
                "morning": sum(line.morning for line in lines), "noon": sum(line.noon for line in lines)}


def _units_by_kind(scope: Unit) -> dict[UnitKind, list[tuple]]:
    """(id, name, path) of the townships, schools and classes in the scope, and of the units above it."""
    kinds = (UnitKind.township, UnitKind.school, UnitKind.grade, UnitKind.klass)
    query = (select(Unit.id, Unit.name, Unit.path, Unit.kind)
             .where(Unit.kind.in_(kinds), (Unit.path.startswith(scope.path, autoescape=True))
                    | Unit.id.in_(scope.ancestor_ids)).order_by(Unit.id))
    found: dict[UnitKind, list[tuple]] = {kind: [] for kind in kinds}
    for unit_id, name, path, kind in db.session.execute(query):
        found[kind].append((unit_id, name, [int(p) for p in path.strip("/").split("/")]))
    return found


def completeness(scope: Unit, day: date, now: datetime | None = None) -> Completeness:
    """Every class in the scope with its checks and daily report of `day`, missing reports first.

    Five queries whatever the size of the area (units, expected, checked, reports, the county's
    settings), so the page of a county with 5,000 classes costs the same round trips as a school's.
    The start page adds the overview's five; a request also loads the login session and the user.
    """
    units = _units_by_kind(scope)
    class_ids = units_of_kind(scope, UnitKind.klass)
    expected, checked = expected_students(class_ids), tallies.checked(class_ids, day)
    reports = report_status(units_of_kind(scope, UnitKind.klass, UnitKind.school), day)
    townships = {unit_id: name for unit_id, name, _path in units[UnitKind.township]}
    grades = {unit_id: name for unit_id, name, _path in units[UnitKind.grade]}
    schools = {unit_id: SchoolGroup(unit_id, name, townships.get(path[1], ""), report=reports.get(unit_id),
                                    township_id=path[1])
               for unit_id, name, path in units[UnitKind.school]}
    inside = {unit_id for unit_id, _name, path in units[UnitKind.school] if scope.id in path}
    for unit_id, name, path in units[UnitKind.klass]:
        schools[path[2]].classes.append(ClassLine(
            unit_id, name, expected.get(unit_id, 0), checked.get((unit_id, CheckSession.morning), 0),
            checked.get((unit_id, CheckSession.noon), 0), reports.get(unit_id),
            (unit_key(grades.get(path[3], "")) if len(path) > 4 else (), unit_key(name), unit_id)))
    # A teacher's scope is one class: its school is shown for that class only, never as a whole.
    for school in schools.values():
        school.whole = school.id in inside
    return _sorted(scope, day, now, [school for school in schools.values() if school.whole or school.classes])


def _sorted(scope: Unit, day: date, now: datetime | None, schools: list[SchoolGroup]) -> Completeness:
    """Missing first: schools with the most missing classes, and in each school the missing classes."""
    for school in schools:
        school.classes.sort(key=lambda line: (not line.missing, line.order))
    schools.sort(key=lambda school: (-school.missing, unit_key(school.township), unit_key(school.name), school.id))
    settings = settings_for(county_id_of(scope))
    past = (now or utcnow()) > cutoff_moment(day, settings)
    return Completeness(scope, day, settings.report_cutoff, past, schools)
