"""The daily series of the trend charts: fever, illness absence, isolation, reports on time.

Each series is one value per day of the window (14 or 30 days up to today) for a unit's subtree.
Health counts are people (a student with a fever at the morning and the noon check is one),
from the current check of each student, day and session, as the reports count them; isolation is
the people in home isolation that day, as tracking counts them (started, not yet released);
reports on time are the share of the daily reports due that day that came by the cut-off, as the
trace-back counts them; online attendance is the share of expected students who attended, from
the online-learning ledger's current class days.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from ..accountability.operations import TraceBack
from ..extensions import db
from ..health.models import AbsenceReason, HealthCheck
from ..health.operations import units_of_kind
from ..org.models import Unit, UnitKind
from ..org.scoping import subtree_ids
from ..ledgers.online.models import OnlineClassDay
from ..tracking.models import Isolation
from ..tracking.queries import isolations

WINDOWS = (14, 30)


@dataclass
class Series:
    key: str
    title: object  # a lazy string: translated when shown
    share: bool  # a percentage (0–100) rather than a number of people
    days: list[date]
    values: list[float | None]  # None: nothing due that day (yet)

    @property
    def latest(self) -> float | None:
        return next((v for v in reversed(self.values) if v is not None), None)


def window(end: date, days: int) -> list[date]:
    return [end - timedelta(days=n) for n in range(days - 1, -1, -1)]


def _health(unit: Unit, start: date, end: date) -> dict[date, tuple[int, int]]:
    """day → (students with a fever, students absent for illness), from the current checks (one query)."""
    rank = func.row_number().over(
        partition_by=(HealthCheck.student_id, HealthCheck.date, HealthCheck.session),
        order_by=(HealthCheck.effective_at.desc(), HealthCheck.received_at.desc(), HealthCheck.record_id.desc()))
    ranked = (select(HealthCheck.date, HealthCheck.student_id, HealthCheck.fever, HealthCheck.absence_reason,
                     rank.label("rank"))
              .where(HealthCheck.unit_id.in_(units_of_kind(unit, UnitKind.klass)), HealthCheck.date.between(start, end),
                     HealthCheck.student_id.is_not(None)).subquery())
    c = ranked.c
    query = (select(c.date, func.count(func.distinct(case((c.fever, c.student_id)))),
                    func.count(func.distinct(case((c.absence_reason == AbsenceReason.illness, c.student_id)))))
             .where(c.rank == 1).group_by(c.date))
    return {day: (fever, ill) for day, fever, ill in db.session.execute(query)}


def _isolated(unit: Unit, days: list[date]) -> list[int]:
    """People in home isolation each day: started by then and not released before it."""
    views = isolations(and_(Isolation.unit_id.in_(subtree_ids(unit)), Isolation.started_on <= days[-1]),
                       open_only=False)
    spans = [(v.state.started_on, v.state.released_on) for v in views]
    return [sum(1 for started, released in spans if started <= day and (released is None or day < released))
            for day in days]


def _on_time(unit: Unit, days: list[date]) -> list[float | None]:
    due, on_time = {}, {}
    for _unit, day, state in TraceBack(unit, days[0], days[-1]).unit_days():
        due[day] = due.get(day, 0) + 1
        on_time[day] = on_time.get(day, 0) + (state is None)
    return [round(100 * on_time[d] / due[d], 1) if due.get(d) else None for d in days]


def series(unit: Unit, end: date, days: int) -> list[Series]:
    """The charts of a unit, in the order they are shown."""
    span = window(end, days)
    health = _health(unit, span[0], span[-1])
    return [
        Series("fever", _l("Fever"), False, span, [health.get(d, (0, 0))[0] for d in span]),
        Series("illness", _l("Absent for illness"), False, span, [health.get(d, (0, 0))[1] for d in span]),
        Series("isolation", _l("In home isolation"), False, span, _isolated(unit, span)),
        Series("on_time", _l("Daily reports on time"), True, span, _on_time(unit, span)),
        Series("online", _l("Online attendance"), True, span, _online(unit, span)),
    ]


def _online(unit: Unit, days: list[date]) -> list[float | None]:
    """Students who attended the online lessons, of those expected, per day (the ledger's current class days)."""
    query = (select(OnlineClassDay.date, func.sum(OnlineClassDay.expected), func.sum(OnlineClassDay.attended))
             .where(OnlineClassDay.class_id.in_(subtree_ids(unit)), OnlineClassDay.date.between(days[0], days[-1]))
             .group_by(OnlineClassDay.date))
    found = {day: (expected, attended) for day, expected, attended in db.session.execute(query)}
    return [round(100 * found[d][1] / found[d][0], 1) if found.get(d) and found[d][0] else None for d in days]
