"""Reference data the phones pull for online learning: `online_days`, each class's day as the server
knows it (the current record per class and day, `online_class_day`, with its tapped students), for
the days a phone may still enter (records.MAX_DAYS_BACK). The phone's screen opens a class's day on
it, replaced by a later one saved on the phone (static/js/field/online.js), the way the report's
figures are the server's plus the phone's (static/js/field/figures.js): a colleague's entry from
another phone, or the office's, shows on this one. Only for a phone with a roll (a school or below);
an incremental pull sends the days settled since the cursor. No names: the phone has the roll.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ...duty import clock
from ...extensions import db
from ...org.models import User
from ...org.reference import ROLL_SCOPES
from ...org.scoping import scoped
from ...sync.reference import register_collection
from .models import OnlineClassDay, OnlineException
from .records import MAX_DAYS_BACK

MARKS = ("absent", "no_homework", "not_marked")


def online_days(user: User, since: datetime | None) -> list[dict]:
    """{id, class_id, date, at, exceptions: [{student_id, absent, no_homework, not_marked}]} per class and day."""
    if user.scope.kind not in ROLL_SCOPES:
        return []
    first = clock.local_today() - timedelta(days=MAX_DAYS_BACK)
    query = scoped(OnlineClassDay, user).where(OnlineClassDay.date >= first)
    if since is not None:
        query = query.where(OnlineClassDay.updated_at >= since)
    days = list(db.session.scalars(query))
    tapped: dict[str, list[dict]] = {}
    if days:
        rows = db.session.scalars(select(OnlineException).where(
            OnlineException.record_id.in_({d.record_id for d in days})).order_by(OnlineException.student_id))
        for e in rows:
            tapped.setdefault(e.record_id, []).append(
                {"student_id": e.student_id, **{mark: getattr(e, mark) for mark in MARKS}})
    return [{"id": f"{d.class_id}-{d.date.isoformat()}", "class_id": d.class_id, "date": d.date.isoformat(),
             "at": d.effective_at.isoformat(timespec="seconds") + "Z", "exceptions": tapped.get(d.record_id, [])}
            for d in days]


register_collection("online_days", online_days)
