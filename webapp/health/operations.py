"""The current value of the checks, and the counts a daily report is made of.

Rows are never updated: for each person, day and session the *current* check is the one with
the latest `effective_at` (the phone's time, never later than the server's receive time), then
the latest `received_at` (a second entry supersedes the first; of two teachers the later one
counts; a phone whose clock runs ahead cannot outrank the corrections of the day). Every function here answers for a whole set of units
with a few grouped queries (window functions, GROUP BY), never one query per person.
The unit passed in has already been checked against the user's scope by the caller
(`get_scoped`, or the user's own scope unit).
"""
from __future__ import annotations

import json
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, Text, and_, case, cast, exists, func, or_, select

from ..extensions import db
from ..org.models import Staff, Student, Unit, UnitKind, User
from ..org.ordering import path_key
from ..org.roll import students_per_class
from ..org.scoping import in_subtree, subtree_ids
from .models import AbsenceReason, CheckSession, DailyReport, HealthCheck, abnormal_check

SESSIONS = tuple(CheckSession)


def _row_type(model, name: str):
    """A light stand-in for `model`'s rows on the leaders' lists (thousands at a county): its columns
    as attributes, read-only, without the ORM's identity map (a tenth of the cost of an entity)."""
    return namedtuple(name, [column.key for column in model.__table__.columns])


class CheckRow(namedtuple("CheckRow", [("symptoms_json" if column.key == "symptoms" else column.key)
                                        for column in HealthCheck.__table__.columns])):
    """A check's columns; its symptoms are read from their JSON text when asked (a county's list of
    5,000 abnormal checks shows twenty of them)."""
    __slots__ = ()

    @property
    def symptoms(self) -> list:
        return json.loads(self.symptoms_json) if self.symptoms_json else []

    @property
    def abnormal(self) -> bool:
        return self.fever or self.other_symptoms or self.absence_reason is AbsenceReason.illness


ReportRow = _row_type(DailyReport, "ReportRow")


def _columns(subquery, row_type) -> list:
    return [cast(subquery.c.symptoms, Text) if name == "symptoms_json" else subquery.c[name]
            for name in row_type._fields]


@dataclass
class Counts:
    """The numbers of one unit (or several) for one session."""

    expected: int = 0
    checked: int = 0
    not_checked: int = 0
    absent: int = 0
    illness: int = 0
    personal: int = 0
    other_reason: int = 0
    fever: int = 0
    symptoms: int = 0  # symptoms without fever
    abnormal: int = 0  # fever, symptoms or absent for illness

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ReportStatus:
    """Whether a unit filed its daily report: the current report, when first filed, whether late."""

    report: ReportRow  # the report's columns (a DailyReport's attributes)
    first_filed_at: datetime
    late: bool  # no report of the day came in before the cut-off
    versions: int
    by: str


# ---- units ---------------------------------------------------------------------------------

def units_of_kind(root: Unit, *kinds: UnitKind) -> Select:
    """The ids of the units of these kinds in `root`'s subtree, as a subquery."""
    return select(Unit.id).where(in_subtree(root), Unit.kind.in_(kinds))


def _person_column(person: str):
    return HealthCheck.student_id if person == "student" else HealthCheck.staff_id


def _ranked(units, day: date, person: str, people=None, columns=None):
    """Every check of the day in `units` (of `people` only, a subquery of ids, when given), ranked per
    person and session: rank 1 is the current one. `columns`: the check's columns to carry (all)."""
    column = _person_column(person)
    rank = func.row_number().over(
        partition_by=(column, HealthCheck.session),
        order_by=(HealthCheck.effective_at.desc(), HealthCheck.received_at.desc(), HealthCheck.record_id.desc()))
    query = (select(*(columns if columns is not None else [HealthCheck]), rank.label("rank"))
             .where(HealthCheck.date == day, HealthCheck.unit_id.in_(units), column.is_not(None)))
    return (query if people is None else query.where(column.in_(people))).subquery()


def _flagged(units, day: date, person: str):
    """The people with an abnormal check of the day in `units` (by the partial index
    ix_health_check_abnormal: a county's few hundred, not its 400,000 checks)."""
    column = _person_column(person)
    return select(column).where(HealthCheck.date == day, HealthCheck.unit_id.in_(units), column.is_not(None),
                                abnormal_check())


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# ---- counts --------------------------------------------------------------------------------

def check_counts(units, day: date, person: str = "student") -> dict[tuple[int, CheckSession], Counts]:
    """Counts of the current checks, per unit and session (one grouped query)."""
    c = _ranked(units, day, person).c
    abnormal = or_(c.fever, c.other_symptoms, c.absence_reason == AbsenceReason.illness)
    query = (select(c.unit_id, c.session, func.count(), _sum(c.present.is_(False)),
                    _sum(c.absence_reason == AbsenceReason.illness), _sum(c.absence_reason == AbsenceReason.personal),
                    _sum(c.absence_reason == AbsenceReason.other), _sum(c.fever),
                    _sum(and_(c.other_symptoms, c.fever.is_(False))), _sum(abnormal))
             .where(c.rank == 1).group_by(c.unit_id, c.session))
    return {(unit_id, session): Counts(checked=n, absent=absent, illness=ill, personal=personal, other_reason=other,
                                       fever=fever, symptoms=symptoms, abnormal=abnormal_n)
            for unit_id, session, n, absent, ill, personal, other, fever, symptoms, abnormal_n
            in db.session.execute(query)}


def expected_students(units) -> dict[int, int]:
    """Active students per class (the roll kept by the database: org/roll.py)."""
    return dict(db.session.execute(students_per_class(units)).all())


# ---- who has not been checked --------------------------------------------------------------

@dataclass
class OnRoll:
    """A person expected at a check, and the sessions they have no check for."""

    id: int
    name: str
    unit_id: int
    unchecked: list[CheckSession] = field(default_factory=list)


def roster(units, day: date, person: str = "student") -> list[OnRoll]:
    """Everyone expected in `units` with the sessions they have no check for (one query)."""
    model = Student if person == "student" else Staff
    unit_column = Student.class_id if person == "student" else Staff.unit_id
    checked = {s: exists().where(_person_column(person) == model.id, HealthCheck.date == day,
                                 HealthCheck.session == s) for s in SESSIONS}
    query = select(model.id, model.name, unit_column, *checked.values()).where(
        unit_column.in_(units), model.active.is_(True)).order_by(unit_column, model.name, model.id)
    if person == "staff":
        query = query.where(Staff.is_volunteer.is_(False))
    return [OnRoll(id, name, unit_id, [s for s, done in zip(SESSIONS, flags) if not done])
            for id, name, unit_id, *flags in db.session.execute(query)]


# ---- the abnormal people -------------------------------------------------------------------

@dataclass
class Abnormal:
    check: CheckRow  # the check's columns (a HealthCheck's attributes)
    name: str
    unit_name: str


def abnormal_checks(units, day: date, person: str = "student", people=None) -> list[Abnormal]:
    """The current checks with fever, symptoms or an illness absence, with the person's name only
    (of `people` only, ids, when given).

    Only the checks of people with an abnormal check that day are ranked: a current check can be
    abnormal only for them, and they are few."""
    ranked = _ranked(units, day, person, _flagged(units, day, person) if people is None else people)
    c = ranked.c
    model = Student if person == "student" else Staff
    abnormal = or_(c.fever, c.other_symptoms, c.absence_reason == AbsenceReason.illness)
    query = (select(*_columns(ranked, CheckRow), model.name, Unit.name)
             .join(model, model.id == getattr(c, _person_column(person).key))
             .join(Unit, Unit.id == c.unit_id)
             .where(c.rank == 1, abnormal).order_by(Unit.sort_key, model.name, c.session))
    width = len(CheckRow._fields)
    return [Abnormal(CheckRow(*row[:width]), *row[width:]) for row in db.session.execute(query)]


# ---- daily reports -------------------------------------------------------------------------

def ranked_reports(units, day: date, *columns):
    """Every daily report of `day` in `units`, ranked per unit (rank 1: the current one, the latest
    effective), with when the first came in, whether all were late (1: the unit's report is late)
    and how many versions there are; of the report's `columns` only, when given (default: all)."""
    per_unit = DailyReport.unit_id
    return select(
        *(columns or (DailyReport,)),
        func.row_number().over(partition_by=per_unit, order_by=(
            DailyReport.effective_at.desc(), DailyReport.received_at.desc(), DailyReport.record_id.desc())).label("rank"),
        func.min(DailyReport.effective_at).over(partition_by=per_unit).label("first"),
        func.min(case((DailyReport.late, 1), else_=0)).over(partition_by=per_unit).label("all_late"),
        func.count().over(partition_by=per_unit).label("versions"),
    ).where(DailyReport.date == day, DailyReport.unit_id.in_(units)).subquery()


def report_status(units, day: date) -> dict[int, ReportStatus]:
    """Per unit: its current daily report of `day`, when the first came in, and whether it was late."""
    ranked = ranked_reports(units, day)
    query = (select(*_columns(ranked, ReportRow), ranked.c.first, ranked.c.all_late, ranked.c.versions,
                    User.display_name).join(User, User.id == ranked.c.user_id).where(ranked.c.rank == 1))
    width = len(ReportRow._fields)
    return {row.unit_id: ReportStatus(ReportRow(*row[:width]), first, bool(all_late), versions, by)
            for row in db.session.execute(query) for first, all_late, versions, by in (row[width:],)}


# ---- one person's history ------------------------------------------------------------------

@dataclass
class HistoryLine:
    check: HealthCheck
    by: str
    current: bool  # False: superseded by a later entry for the same day and session


def history(scope_filter, person_column, person_id: int, limit: int = 200) -> list[HistoryLine]:
    """Every check of one person that the viewer may see, newest first, marking the superseded ones."""
    query = (select(HealthCheck, User.display_name).join(User, User.id == HealthCheck.user_id)
             .where(scope_filter, person_column == person_id)
             .order_by(HealthCheck.date.desc(), HealthCheck.session.desc(), HealthCheck.effective_at.desc(),
                       HealthCheck.received_at.desc(), HealthCheck.record_id.desc()).limit(limit))
    seen, lines = set(), []
    for check, by in db.session.execute(query):
        key = (check.date, check.session)
        lines.append(HistoryLine(check, by, key not in seen))
        seen.add(key)
    return lines


# ---- names of units ----------------------------------------------------------------------

def unit_names(root: Unit) -> dict[int, str]:
    """Names of the units under `root` and above it (to spell out a row's township / school / class)."""
    query = select(Unit.id, Unit.name).where(or_(Unit.id.in_(subtree_ids(root)), Unit.id.in_(root.ancestor_ids)))
    return dict(db.session.execute(query).all())


# ---- a class's or school's day -------------------------------------------------------------

@dataclass
class ClassDay:
    unit: Unit
    counts: dict[CheckSession, Counts]
    report: ReportStatus | None


@dataclass
class PeopleDay:
    """One group's day (a unit's students, or a school's staff): totals, who is missing, who is abnormal."""

    totals: dict[CheckSession, Counts]
    unchecked: dict[CheckSession, list[OnRoll]]
    abnormal: list[Abnormal]


@dataclass
class UnitDay:
    unit: Unit
    day: date
    students: PeopleDay
    classes: list[ClassDay]
    report: ReportStatus | None  # the unit's own daily report
    staff: PeopleDay | None  # a school's staff checks

    @property
    def class_names(self) -> dict[int, str]:
        return {line.unit.id: line.unit.name for line in self.classes}


def _people_day(units, day: date, person: str, counts: dict, people: list[OnRoll]) -> PeopleDay:
    totals = {s: Counts() for s in SESSIONS}
    for (_unit_id, session), numbers in counts.items():
        totals[session].add(numbers)
    unchecked = {s: [p for p in people if s in p.unchecked] for s in SESSIONS}
    for s in SESSIONS:
        totals[s].expected, totals[s].not_checked = len(people), len(unchecked[s])
    return PeopleDay(totals, unchecked, abnormal_checks(units, day, person))


def _class_day(klass: Unit, counts: dict, mine: list[OnRoll], reports: dict) -> ClassDay:
    per_session = {}
    for s in SESSIONS:
        numbers = Counts(**vars(counts.get((klass.id, s), Counts())))
        numbers.expected, numbers.not_checked = len(mine), sum(1 for p in mine if s in p.unchecked)
        per_session[s] = numbers
    return ClassDay(klass, per_session, reports.get(klass.id))


def unit_day(unit: Unit, day: date) -> UnitDay:
    """The daily report of a class, grade or school: about eight queries, whatever its size."""
    class_ids = units_of_kind(unit, UnitKind.klass)
    below = list(db.session.scalars(select(Unit).where(Unit.id.in_(subtree_ids(unit)))))
    names = {u.id: u.name for u in below}  # the names above `unit` are the same for every class
    classes = sorted((u for u in below if u.kind is UnitKind.klass), key=lambda k: (path_key(k.path, names), k.id))
    counts, people = check_counts(class_ids, day), roster(class_ids, day)
    reports = report_status(units_of_kind(unit, UnitKind.klass, UnitKind.school), day)
    staff = None
    if unit.kind is UnitKind.school:
        units = subtree_ids(unit)
        staff = _people_day(units, day, "staff", check_counts(units, day, "staff"), roster(units, day, "staff"))
    by_class: dict[int, list[OnRoll]] = {}
    for person in people:
        by_class.setdefault(person.unit_id, []).append(person)
    return UnitDay(unit, day, _people_day(class_ids, day, "student", counts, people),
                   [_class_day(k, counts, by_class.get(k.id, []), reports) for k in classes],
                   reports.get(unit.id), staff)
