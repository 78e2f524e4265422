"""What the phones pull of today's health records: `day_checks` and `day_reports`.

The field report screen proposes the figures the server holds (figures.py) plus what waits on
the phone, the check screen opens on the first session the class has not done, and the phone
warns of a late report by the server's rule: for that, a phone with a roll (a school or below)
gets, for today in the county, each person's current check per session, reduced to what a
count needs (present, abnormal: no temperature, no symptoms, no note), and each unit's first
report of the day (on time or not). An incremental pull sends again the people and units with
a record received since the cursor; a phone keeps only today's items (static/js/field/figures.js).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select

from ..extensions import db
from ..org.models import User
from ..org.reference import ROLL_SCOPES
from ..org.access import STAFF_HEALTH
from ..org.scoping import scope_clause, subtree_ids
from ..org.settings import current_settings, local_today
from ..sync.reference import register_collection
from .figures import is_late
from .models import DailyReport, HealthCheck, abnormal_check
from .operations import _person_column

PREFIX = {"student": "s", "staff": "t"}  # the phone's keys of a person: s<student id>, t<staff id>


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"


def day_checks(user: User, since: datetime | None) -> list[dict]:
    """{id, person, session, date, present, abnormal, at} of today's current checks in the user's scope."""
    if user.scope.kind not in ROLL_SCOPES:
        return []
    day, items = local_today(), []
    for person, prefix in PREFIX.items():
        if person == "staff" and user.role not in STAFF_HEALTH:
            continue  # colleagues' health is for the school's leaders
        column = _person_column(person)
        partition = (column, HealthCheck.session)
        rank = func.row_number().over(partition_by=partition, order_by=(
            HealthCheck.effective_at.desc(), HealthCheck.received_at.desc(), HealthCheck.record_id.desc()))
        abnormal = abnormal_check()
        ranked = (select(column.label("person"), HealthCheck.session, HealthCheck.present,
                         case((abnormal, True), else_=False).label("abnormal"), HealthCheck.effective_at,
                         rank.label("rank"), func.max(HealthCheck.received_at).over(partition_by=partition).label("latest"))
                  .where(HealthCheck.date == day, scope_clause(HealthCheck, user), column.is_not(None)).subquery())
        query = select(ranked).where(ranked.c.rank == 1)
        if since is not None:
            query = query.where(ranked.c.latest >= since)
        items += [{"id": f"{prefix}{row.person}-{row.session.value}", "person": f"{prefix}{row.person}",
                   "session": row.session.value, "date": day.isoformat(), "present": row.present,
                   "abnormal": bool(row.abnormal), "at": _iso(row.effective_at)} for row in db.session.execute(query)]
    return items


def day_reports(user: User, since: datetime | None) -> list[dict]:
    """{id (the unit), date, on_time} of the units in the user's scope that filed a report today."""
    if user.scope.kind not in ROLL_SCOPES:
        return []
    day, settings = local_today(), current_settings(user)
    query = (select(DailyReport.unit_id, func.min(DailyReport.effective_at), func.max(DailyReport.received_at))
             .where(DailyReport.date == day, DailyReport.unit_id.in_(subtree_ids(user.scope)))
             .group_by(DailyReport.unit_id))
    return [{"id": unit_id, "date": day.isoformat(), "on_time": not is_late(first, day, settings)}
            for unit_id, first, latest in db.session.execute(query) if since is None or latest >= since]


register_collection("day_checks", day_checks)
register_collection("day_reports", day_reports)
