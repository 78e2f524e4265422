"""Roll-ups over a subtree of the hierarchy."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property
from datetime import date, datetime, time

from sqlalchemy import case, func, or_, select

from ..extensions import db
from ..health.models import CheckSession
from ..health import tallies
from ..health.models import DailyReport
from ..health.operations import ReportStatus, expected_students, ranked_reports, report_status, units_of_kind
from ..org.models import Staff, Unit, UnitKind, utcnow
from ..org.ordering import unit_key
from ..org.roll import ClassRoll, students_per_class
from ..org.scoping import child_id, id_at_level, in_subtree
from ..org.settings import county_id_of, cutoff_moment, settings_for


@dataclass
class UnitSummary:
    unit: Unit
    students: int
    staff: int


def _per_child(scope: Unit, count, joined, where=()) -> dict[int | None, int]:
    """`count` per unit right below the scope (None: at the scope's own unit), of the rows of a table
    `joined` to their unit (one grouped query)."""
    child = child_id(scope)
    query = select(child, count).select_from(joined).where(in_subtree(scope), *where).group_by(child)
    return {unit_id: int(n) for unit_id, n in db.session.execute(query) if n}


def _students_per_child(scope: Unit) -> dict[int | None, int]:
    """Active students, from the roll of each class (org/roll.py)."""
    return _per_child(scope, func.sum(ClassRoll.students), ClassRoll.__table__.join(Unit, Unit.id == ClassRoll.class_id))


def _staff_per_child(scope: Unit) -> dict[int | None, int]:
    return _per_child(scope, func.count(), Staff.__table__.join(Unit, Unit.id == Staff.unit_id), (Staff.active.is_(True),))


def overview(scope: Unit, students: dict[int | None, int] | None = None) -> dict:
    """The scope's totals and one line per unit directly below it (two grouped queries, however many units).

    `students`: the active students per unit right below when the caller has counted them already
    (the start page's completeness did: `students_below`): the roll is then not counted a second time."""
    per_child = {"students": students if students is not None else _students_per_child(scope),
                 "staff": _staff_per_child(scope)}
    children = [UnitSummary(child, per_child["students"].get(child.id, 0), per_child["staff"].get(child.id, 0))
                for child in sorted(scope.children, key=lambda unit: (unit_key(unit.name), unit.id))]
    return {"scope": scope, "students": sum(per_child["students"].values()), "staff": sum(per_child["staff"].values()),
            "children": children}


def students_below(status: Completeness) -> dict[int | None, int] | None:
    """The active students per unit right below the scope, from a per-school completeness (None when
    its classes are listed one by one: `overview` counts them then)."""
    if status.listed:
        return None
    depth, found = len(status.scope.ancestor_ids), {}
    for school in status.schools:
        parts = school.path.strip("/").split("/")
        child = int(parts[depth]) if len(parts) > depth else None
        found[child] = found.get(child, 0) + school.total("expected")
    return found


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
class SchoolCounts:
    """A school's class figures counted in SQL (`completeness(per_school=True)`), not listed."""

    classes: int = 0
    filed: int = 0
    late: int = 0
    zero: int = 0
    synced: int = 0  # classes that sent anything of the day (a check or a report)
    expected: int = 0
    morning: int = 0
    noon: int = 0


@dataclass
class SchoolGroup:
    id: int
    name: str
    township: str
    classes: list[ClassLine] = field(default_factory=list)  # listed (all of them unless `counted`)
    report: ReportStatus | None = None  # the school's own daily report
    whole: bool = True  # False when the viewer sees only some of its classes (a teacher's class)
    township_id: int | None = None
    path: str = ""
    counted: SchoolCounts | None = None  # its classes counted in SQL, not listed (until `list_classes`)

    def _count(self, name: str) -> int:
        if self.counted is not None:
            return getattr(self.counted, name)
        lines = self.classes
        return {"classes": lambda: len(lines), "filed": lambda: sum(1 for c in lines if not c.missing),
                "late": lambda: sum(1 for c in lines if c.report is not None and c.report.late),
                "zero": lambda: sum(1 for c in lines if c.report is not None and c.report.report.zero_report),
                "synced": lambda: sum(1 for c in lines if c.morning or c.noon or c.report)}.get(
            name, lambda: sum(getattr(c, name) for c in lines))()

    @property
    def class_count(self) -> int:
        return self._count("classes")

    @property
    def missing(self) -> int:
        """Its classes without today's report."""
        return self._count("classes") - self._count("filed")

    @property
    def reports_missing(self) -> int:
        """Its missing reports: its classes' and, seen whole, its own."""
        return self.missing + (1 if self.whole and self.report is None else 0)

    @property
    def reports_late(self) -> int:
        return self._count("late") + (1 if self.whole and self.report is not None and self.report.late else 0)

    def total(self, name: str) -> int:
        """The sum of a number (expected, morning, noon; classes, filed, late, zero, synced) over its classes."""
        return self._count(name)


@dataclass
class Completeness:
    scope: Unit
    day: date
    cutoff: time
    past_cutoff: bool  # missing reports are overdue (shown in red)
    schools: list[SchoolGroup]

    @property
    def classes(self) -> list[ClassLine]:
        """The classes listed: every class, unless the schools were counted per school (`listed`)."""
        return [line for school in self.schools for line in school.classes]

    @property
    def missing(self) -> list[tuple[SchoolGroup, ClassLine]]:
        return [(school, line) for school in self.schools for line in school.classes if line.missing]

    @cached_property
    def _sums(self) -> dict[str, int]:
        return {name: sum(school.total(name) for school in self.schools) for name in COUNTED}

    @property
    def totals(self) -> dict:
        """The classes' figures summed: classes, filed, missing, late, zero, expected, morning, noon."""
        sums = self._sums
        return {"classes": sums["classes"], "filed": sums["filed"], "missing": sums["classes"] - sums["filed"],
                **{name: sums[name] for name in ("late", "zero", "expected", "morning", "noon")}}

    @property
    def synced(self) -> int:
        """Classes that had sent anything of the day (a check or a report)."""
        return self._sums["synced"]

    @property
    def schools_missing(self) -> int:
        """Whole schools whose own report is not filed."""
        return sum(1 for school in self.schools if school.whole and school.report is None)

    @property
    def listed(self) -> bool:
        """Every class is listed (`classes`); else the schools' classes are counted only."""
        return all(school.counted is None for school in self.schools)


COUNTED = tuple(f.name for f in fields(SchoolCounts))
ROLLED_UP = (UnitKind.county, UnitKind.township)  # areas whose start page and command view count per school


def _units_by_kind(scope: Unit, kinds: tuple[UnitKind, ...]) -> dict[UnitKind, list[tuple]]:
    """(id, name, path as ids, path) of the units of these kinds in the scope, and of those above it."""
    query = (select(Unit.id, Unit.name, Unit.path, Unit.kind)
             .where(Unit.kind.in_(kinds), (Unit.path.startswith(scope.path, autoescape=True))
                    | Unit.id.in_(scope.ancestor_ids)).order_by(Unit.id))
    found: dict[UnitKind, list[tuple]] = {kind: [] for kind in kinds}
    for unit_id, name, path, kind in db.session.execute(query):
        found[kind].append((unit_id, name, [int(p) for p in path.strip("/").split("/")], path))
    return found


def completeness(scope: Unit, day: date, now: datetime | None = None, per_school: bool = False) -> Completeness:
    """Every class in the scope with its checks and daily report of `day`, missing reports first.

    Five queries whatever the size of the area (units, expected, checked, reports, the county's
    settings), so the page of a county with 5,000 classes costs the same round trips as a school's.
    `per_school`: the classes are counted per school in SQL (`SchoolGroup.counted`: one row per
    school, not 5,000 class lines built in Python); `list_classes` lists those of chosen schools.
    """
    kinds = (UnitKind.township, UnitKind.school) + (() if per_school else (UnitKind.grade, UnitKind.klass))
    units = _units_by_kind(scope, kinds)
    reports = report_status(units_of_kind(scope, *((UnitKind.school,) if per_school else
                                                   (UnitKind.klass, UnitKind.school))), day)
    townships = {unit_id: name for unit_id, name, _ids, _path in units[UnitKind.township]}
    schools = {unit_id: SchoolGroup(unit_id, name, townships.get(ids[1], ""), report=reports.get(unit_id),
                                    township_id=ids[1], path=path, whole=scope.id in ids)
               for unit_id, name, ids, path in units[UnitKind.school]}
    if per_school:
        for school_id, counts in _school_counts(scope, day).items():
            if school_id in schools:
                schools[school_id].counted = counts
        for school in schools.values():
            school.counted = school.counted or SchoolCounts()
    else:
        _add_classes(schools, units, units_of_kind(scope, UnitKind.klass), day, reports)
    # A teacher's scope is one class: its school is shown for that class only, never as a whole.
    return _sorted(scope, day, now, [school for school in schools.values() if school.whole or school.classes])


def _add_classes(schools: dict[int, SchoolGroup], units: dict, class_ids, day: date, reports: dict) -> None:
    """Put the class lines (`units`' classes, `class_ids` a subquery of their ids) into their schools."""
    expected, checked = expected_students(class_ids), tallies.checked(class_ids, day)
    grades = {unit_id: name for unit_id, name, _ids, _path in units[UnitKind.grade]}
    for unit_id, name, path, _path in units[UnitKind.klass]:
        schools[path[2]].classes.append(ClassLine(
            unit_id, name, expected.get(unit_id, 0), checked.get((unit_id, CheckSession.morning), 0),
            checked.get((unit_id, CheckSession.noon), 0), reports.get(unit_id),
            (unit_key(grades.get(path[3], "")) if len(path) > 4 else (), unit_key(name), unit_id)))


def _school_counts(scope: Unit, day: date) -> dict[int, SchoolCounts]:
    """Each school's class figures, counted in SQL from the same queries as the class lines (one statement)."""
    classes = units_of_kind(scope, UnitKind.klass)
    k = select(Unit.id, id_at_level(3).label("school_id")).where(Unit.id.in_(classes)).subquery()
    e = students_per_class(classes).subquery()
    morning = tallies.checked_subquery(classes, day, CheckSession.morning)
    noon = tallies.checked_subquery(classes, day, CheckSession.noon)
    ranked = ranked_reports(classes, day, DailyReport.unit_id, DailyReport.zero_report)
    r = select(ranked).where(ranked.c.rank == 1).subquery()
    yes = lambda condition: func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # noqa: E731
    query = (select(k.c.school_id, func.count(), func.count(r.c.unit_id), yes(r.c.all_late == 1),
                    yes(r.c.zero_report.is_(True)),
                    yes(or_(morning.c.checked > 0, noon.c.checked > 0, r.c.unit_id.is_not(None))),
                    func.coalesce(func.sum(e.c.n), 0), func.coalesce(func.sum(morning.c.checked), 0),
                    func.coalesce(func.sum(noon.c.checked), 0))
             .select_from(k).outerjoin(e, e.c.class_id == k.c.id).outerjoin(morning, morning.c.unit_id == k.c.id)
             .outerjoin(noon, noon.c.unit_id == k.c.id).outerjoin(r, r.c.unit_id == k.c.id).group_by(k.c.school_id))
    return {school_id: SchoolCounts(*(int(n) for n in numbers)) for school_id, *numbers in db.session.execute(query)}


def list_classes(status: Completeness, schools: list[SchoolGroup]) -> None:
    """List the classes of these schools of a per-school `completeness` (the few whose lines a screen shows)."""
    wanted = [school for school in schools if school.counted is not None and not school.classes]
    if not wanted:
        return
    under = or_(*(Unit.path.startswith(school.path, autoescape=True) for school in wanted))
    units = {UnitKind.grade: [], UnitKind.klass: []}
    for unit_id, name, path, kind in db.session.execute(
            select(Unit.id, Unit.name, Unit.path, Unit.kind).where(under, Unit.kind.in_(units)).order_by(Unit.id)):
        units[kind].append((unit_id, name, [int(p) for p in path.strip("/").split("/")], path))
    class_ids = [unit_id for unit_id, *_rest in units[UnitKind.klass]]
    reports = report_status(class_ids, status.day)
    _add_classes({school.id: school for school in wanted}, units, class_ids, status.day, reports)
    for school in wanted:
        school.classes.sort(key=lambda line: (not line.missing, line.order))
        school.counted = None  # its lines are its figures now (the same, counted one by one)


def _sorted(scope: Unit, day: date, now: datetime | None, schools: list[SchoolGroup]) -> Completeness:
    """Missing first: schools with the most missing classes, and in each school the missing classes."""
    for school in schools:
        school.classes.sort(key=lambda line: (not line.missing, line.order))
    schools.sort(key=lambda school: (-school.missing, unit_key(school.township), unit_key(school.name), school.id))
    settings = settings_for(county_id_of(scope))
    past = (now or utcnow()) > cutoff_moment(day, settings)
    return Completeness(scope, day, settings.report_cutoff, past, schools)
