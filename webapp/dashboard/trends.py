"""The daily series of the trend charts: fever, illness absence, isolation, reports on time.

Each series is one value per day of the window (14 or 30 days up to today) for a unit's subtree.
Health counts are people (a student with a fever at the morning and the noon check is one),
from the current check of each student, day and session, as the reports count them, read from
the day tallies (health/tallies.py: a county's 30 days are 150,000 tally rows, not 12 million checks); isolation is
the people in home isolation that day, as tracking counts them (started, not yet released);
reports on time are the share of the daily reports due that day that came by the cut-off, as the
trace-back counts them; online attendance is the share of expected students who attended, from
the online-learning ledger's current class days.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from ..accountability.operations import TraceBack
from ..extensions import db
from ..health import tallies
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
    """day → (students with a fever, students absent for illness), from the day tallies (people, not checks)."""
    found = tallies.people(units_of_kind(unit, UnitKind.klass), start, end)
    return {day: (n["fever"], n["illness"]) for day, n in found.items()}


def _isolated(unit: Unit, days: list[date]) -> list[int]:
    """People in home isolation each day: started by then and not released before it."""
    views = isolations(and_(Isolation.unit_id.in_(subtree_ids(unit)), Isolation.started_on <= days[-1]),
                       open_only=False)
    spans = [(v.state.started_on, v.state.released_on) for v in views]
    return [sum(1 for started, released in spans if started <= day and (released is None or day < released))
            for day in days]


def _on_time(unit: Unit, days: list[date]) -> list[float | None]:
    due, on_time = TraceBack(unit, days[0], days[-1]).per_day()
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
