"""Missed and late daily reports of a period, with the responsibility chain as it stood each day.

A class and a school file a daily report every day (日报告、零报告). For each of them and each
day of the period (from the day the unit was made, up to today once past the cut-off), a day with
no report is *missed*, a day whose every report came after the cut-off is *late*. Who answered for
it is read from the responsibility links that held at that day's cut-off (`valid_from` /
`valid_to`), never from today's chain: a teacher who took over a class mid-month does not answer
for the days before.

Three queries whatever the period: the units, the reports grouped per unit and day, the links.
`per_day()` counts the reports due and on time per day in SQL (the trend chart of a county).
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from sqlalchemy import case, func, or_, select

from ..extensions import db
from ..health.models import DailyReport
from ..org.models import Responsibility, Staff, Unit, UnitKind, utcnow
from ..org.scoping import in_subtree, subtree_ids
from ..org.settings import county_id_of, cutoff_moment, local_day_of, settings_for

REPORTING_KINDS = (UnitKind.klass, UnitKind.school)
CHAIN_KINDS = (UnitKind.klass, UnitKind.grade, UnitKind.school, UnitKind.township)


@dataclass(frozen=True)
class Holder:
    """A staff member who answered for a unit on a day."""

    unit_name: str
    unit_kind: UnitKind
    name: str
    phone: str | None


@dataclass
class Lapse:
    day: date
    unit_id: int
    unit_name: str
    school: str
    township: str
    late: bool  # False: missed
    chain: list[Holder]


@dataclass
class SchoolMonth:
    """One line of the monthly table: a school's (or a township's) unit-days due, missed and late."""

    id: int
    name: str
    township: str
    due: int = 0
    missed: int = 0
    late: int = 0
    schools: list[SchoolMonth] = field(default_factory=list)  # a township's schools

    @property
    def on_time(self) -> int:
        return self.due - self.missed - self.late

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    def add(self, other: SchoolMonth) -> None:
        self.due += other.due
        self.missed += other.missed
        self.late += other.late


@dataclass
class _Unit:
    id: int
    name: str
    kind: UnitKind
    path: list[int]
    first_day: date


def _units(scope: Unit) -> dict[int, _Unit]:
    """The reporting units in the scope, and every unit of the chain above them (for names and links)."""
    query = (select(Unit.id, Unit.name, Unit.kind, Unit.path, Unit.created_at)
             .where(or_(Unit.id.in_(subtree_ids(scope)), Unit.id.in_(scope.ancestor_ids)),
                    Unit.kind.in_(CHAIN_KINDS)))
    rows = db.session.execute(query).all()
    days = {created: local_day_of(created) for created in {row[4] for row in rows}}  # a county's units share a few
    return {uid: _Unit(uid, name, kind, [int(p) for p in path.strip("/").split("/")], days[created])
            for uid, name, kind, path, created in rows}


def _filed(unit_ids: list[int], start: date, end: date) -> dict[tuple[int, date], bool]:
    """(unit, day) → whether every report of that day was late (one grouped query)."""
    query = (select(DailyReport.unit_id, DailyReport.date, func.min(case((DailyReport.late, 1), else_=0)))
             .where(DailyReport.unit_id.in_(unit_ids), DailyReport.date.between(start, end))
             .group_by(DailyReport.unit_id, DailyReport.date))
    return {(uid, day): bool(all_late) for uid, day, all_late in db.session.execute(query)}


def _on_time_query(scope: Unit, start: date, end: date, young: dict[int, date], of_young: bool):
    """The (unit, day)s in the scope with a report not late: counted per day, or listed for the young units."""
    units = select(Unit.id).where(in_subtree(scope), Unit.kind.in_(REPORTING_KINDS))
    which = DailyReport.unit_id.in_(list(young)) if of_young else DailyReport.unit_id.not_in(list(young))
    # On time: one of the unit's reports of the day came in before the cut-off (not all were late).
    on_time = (DailyReport.unit_id.in_(units), which, DailyReport.date.between(start, end), DailyReport.late.is_(False))
    if of_young:
        return select(DailyReport.date, DailyReport.unit_id).where(*on_time).distinct()
    return select(DailyReport.date, func.count(DailyReport.unit_id.distinct())).where(*on_time).group_by(DailyReport.date)


def _links(unit_ids, start: datetime, end: datetime) -> dict[int, list[tuple]]:
    """The links on these units that held at some time in [start, end], per unit."""
    query = (select(Responsibility.unit_id, Responsibility.valid_from, Responsibility.valid_to, Staff.name, Staff.phone)
             .join(Staff, Staff.id == Responsibility.staff_id)
             .where(Responsibility.unit_id.in_(unit_ids), Responsibility.valid_from <= end,
                    or_(Responsibility.valid_to.is_(None), Responsibility.valid_to > start))
             .order_by(Staff.name, Staff.id))
    found = defaultdict(list)
    for unit_id, valid_from, valid_to, name, phone in db.session.execute(query):
        found[unit_id].append((valid_from, valid_to, name, phone))
    return found


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


class TraceBack:
    """The period's missed and late reports in a scope; `lapses()` and `monthly()` read it."""

    def __init__(self, scope: Unit, start: date, end: date, now: datetime | None = None):
        self.scope, self.start = scope, start
        self.settings = settings_for(county_id_of(scope))
        now = now or utcnow()
        today = local_day_of(now)
        # Today counts once past its cut-off; a day after today is not due yet.
        last_due = today if now > cutoff_moment(today, self.settings) else today - timedelta(days=1)
        self.end = min(end, last_due)
        self.units = _units(scope)
        self.reporting = [u for u in self.units.values() if u.kind in REPORTING_KINDS and scope.id in u.path]

    @cached_property
    def filed(self) -> dict[tuple[int, date], bool]:
        return _filed([u.id for u in self.reporting], self.start, self.end)

    def per_day(self) -> tuple[dict[date, int], dict[date, int]]:
        """Per day: the reports due and those on time, as `unit_days` counts them, without a line per unit
        and day (a county's month is 160,000 of them): one grouped query, and one for the units made
        during the period (their days before that do not count)."""
        firsts = sorted(max(self.start, u.first_day) for u in self.reporting)
        due = {day: bisect_right(firsts, day) for day in _days(self.start, self.end)}
        young = {u.id: u.first_day for u in self.reporting if u.first_day > self.start}
        on_time = dict.fromkeys(due, 0)
        for day, count in db.session.execute(_on_time_query(self.scope, self.start, self.end, young, False)):
            on_time[day] += count
        for day, unit_id in db.session.execute(_on_time_query(self.scope, self.start, self.end, young, True)) \
                if young else ():
            on_time[day] += day >= young[unit_id]
        return due, on_time

    def name_at(self, unit: _Unit, kind: UnitKind) -> str:
        ancestor = next((self.units[i] for i in unit.path if i in self.units and self.units[i].kind is kind), None)
        return ancestor.name if ancestor else ""

    def unit_days(self):
        """(unit, day, state) for every report due: state is None (on time), "late" or "missed"."""
        for unit in self.reporting:
            for day in _days(max(self.start, unit.first_day), self.end):
                all_late = self.filed.get((unit.id, day))
                yield unit, day, "missed" if all_late is None else ("late" if all_late else None)

    def lapses(self, limit: int | None = None) -> list[Lapse]:
        """The missed and late reports, newest day first, each with its chain on that day."""
        found = sorted(((u, d, s) for u, d, s in self.unit_days() if s),
                       key=lambda x: (-x[1].toordinal(), x[0].path))[:limit]
        links = self.links_for(found)
        return [Lapse(day, unit.id, unit.name, self.name_at(unit, UnitKind.school),
                      self.name_at(unit, UnitKind.township), state == "late", self.chain(unit, day, links))
                for unit, day, state in found]

    def links_for(self, unit_days) -> dict[int, list[tuple]]:
        """The links of the period on these units and the units above them (one query)."""
        return _links({i for u, _d, _s in unit_days for i in u.path if i in self.units},
                      cutoff_moment(self.start, self.settings), cutoff_moment(self.end, self.settings))

    def chain(self, unit: _Unit, day: date, links: dict) -> list[Holder]:
        """Who answered for the unit and the units above it (up to the township) at the day's cut-off."""
        moment = cutoff_moment(day, self.settings)
        chain = []
        for unit_id in reversed(unit.path):
            above = self.units.get(unit_id)
            if above is None:
                continue
            chain += [Holder(above.name, above.kind, name, phone) for valid_from, valid_to, name, phone
                      in links.get(unit_id, ()) if valid_from <= moment and (valid_to is None or valid_to > moment)]
        return chain

    def monthly(self) -> list[SchoolMonth]:
        """One line per township with its schools (a school's line counts its classes and itself)."""
        schools: dict[int, SchoolMonth] = {}
        for unit, _day, state in self.unit_days():
            school_id = next((i for i in unit.path if self.units.get(i) and self.units[i].kind is UnitKind.school), None)
            if school_id not in schools:
                school = self.units[school_id]
                schools[school_id] = SchoolMonth(school_id, school.name, self.name_at(school, UnitKind.township))
            line = schools[school_id]
            line.due += 1
            line.missed += state == "missed"
            line.late += state == "late"
        return _per_township(self.units, schools)


def _per_township(units: dict[int, _Unit], schools: dict[int, SchoolMonth]) -> list[SchoolMonth]:
    townships: dict[int, SchoolMonth] = {}
    for school in sorted(schools.values(), key=lambda s: s.name):
        township_id = units[school.id].path[1] if len(units[school.id].path) > 1 else school.id
        if township_id not in townships:
            townships[township_id] = SchoolMonth(township_id, school.township, school.township)
        townships[township_id].schools.append(school)
        townships[township_id].add(school)
    return sorted(townships.values(), key=lambda t: t.name)


def overall(townships: list[SchoolMonth], unit_id: int, name: str) -> SchoolMonth | None:
    """The whole area's line under its townships' (a county's total), when there are several townships."""
    if len(townships) < 2:
        return None
    total = SchoolMonth(unit_id, name, name)
    for township in townships:
        total.add(township)
    return total


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)
