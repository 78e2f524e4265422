"""A daily report's figures as the server knows them, and the day's rules a phone follows too.

The figures of a unit's day (a class: its students; a school: the students of its classes and
its staff) count people, not checks: **checked** is everyone with a current check in any
session of the day, **absent** everyone absent in any of them, **abnormal** everyone with fever,
symptoms or an illness absence in any of them. The field report screen counts the same way
(static/js/field/figures.js) from the checks pulled from the server (`day_checks`, reference.py)
and those waiting on the phone, so what it proposes is what the server holds, and
`prepare_daily_reports` refuses a zero report while the server holds an abnormal check.

A unit's report is late when none of its reports of the day came in by the cut-off (ranked by
`effective_at`, never after the server's receive time): a correction after the cut-off of a
report filed on time is not late. `is_late` is that rule; the phone gets the cut-off and the
county's time zone in the `settings` item and the day's first reports in `day_reports`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, or_, select

from ..extensions import db
from ..org.models import Staff, Unit, UnitKind
from ..org.roll import students_per_class
from ..org.settings import Settings, cutoff_moment
from .models import AbsenceReason
from .operations import _person_column, _ranked

FIELDS = ("expected", "checked", "absent", "abnormal")


@dataclass
class Figures:
    """The four counts of a daily report."""

    expected: int = 0
    checked: int = 0
    absent: int = 0
    abnormal: int = 0

    def add(self, other: Figures) -> None:
        for name in FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def differs_from(self, report) -> bool:
        """True when a filed report's counts are not these."""
        return any(getattr(report, name) != getattr(self, name) for name in FIELDS)


def is_late(first_effective_at: datetime, day: date, settings: Settings) -> bool:
    """A unit's report of `day` is late when its first one (by effective time) came after the cut-off."""
    return first_effective_at > cutoff_moment(day, settings)


def _people(units, day: date, person: str) -> dict[int, Figures]:
    """Per unit: the people with a current check of the day, absent in one, abnormal in one (one query)."""
    c = _ranked(units, day, person).c
    abnormal = or_(c.fever, c.other_symptoms, c.absence_reason == AbsenceReason.illness)
    flag = lambda condition: func.max(case((condition, 1), else_=0))  # noqa: E731
    per_person = (select(c.unit_id, flag(c.present.is_(False)).label("absent"), flag(abnormal).label("abnormal"))
                  .where(c.rank == 1).group_by(c.unit_id, getattr(c, _person_column(person).key)).subquery())
    query = (select(per_person.c.unit_id, func.count(), func.sum(per_person.c.absent), func.sum(per_person.c.abnormal))
             .group_by(per_person.c.unit_id))
    return {unit_id: Figures(0, n, int(absent), int(ill)) for unit_id, n, absent, ill in db.session.execute(query)}


def day_figures(units, day: date) -> dict[int, Figures]:
    """The figures of each class or school in `units` (with id, kind, path) for `day`: a handful of
    queries, whatever their number."""
    classes = {u.id for u in units if u.kind is UnitKind.klass}
    schools = {u.id: u.path for u in units if u.kind is UnitKind.school}
    figures = {u.id: Figures() for u in units if u.id in classes or u.id in schools}
    if not figures:
        return {}
    under = or_(Unit.id.in_(classes), *(Unit.path.startswith(path, autoescape=True) for path in schools.values()))
    members = defaultdict(list)  # a unit under a report's unit -> the report units it counts for
    for unit_id, path in db.session.execute(select(Unit.id, Unit.path).where(under)):
        ancestors = [int(part) for part in path.strip("/").split("/")]
        members[unit_id] = [a for a in ancestors if a in figures and (a in schools or a == unit_id)]

    def count_into(per_unit: dict[int, Figures], only=figures) -> None:
        for unit_id, numbers in per_unit.items():
            for target in members.get(unit_id, ()):
                if target in only:
                    figures[target].add(numbers)

    member_ids = list(members)
    count_into({unit_id: Figures(expected=n) for unit_id, n in db.session.execute(students_per_class(member_ids))})
    count_into(_people(member_ids, day, "student"))
    if schools:
        staff = (select(Staff.unit_id, func.count()).where(Staff.unit_id.in_(member_ids), Staff.active.is_(True),
                                                           Staff.is_volunteer.is_(False)).group_by(Staff.unit_id))
        count_into({unit_id: Figures(expected=n) for unit_id, n in db.session.execute(staff)}, schools)
        count_into(_people(list(schools), day, "staff"), schools)  # staff count for their school only
    return figures
