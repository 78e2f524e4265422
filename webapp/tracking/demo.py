"""Demo tracking data: screenings for everyone, risk areas, tracked people, isolations on every day
of the 14 (some due today, some not followed up yet today, two released), illness and support
follow-ups, so that every tracking list has rows after `make run`.

On the demo teacher's class the reopening check shows two students who may not enter yet: one in
isolation and one with an open illness follow-up. Rows come with their envelopes as if a phone had
sent them (health.demo's helpers), drawn from the shared rng.
"""
from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace

from sqlalchemy import insert, select

from ..health.demo import _envelope, _moment, _recorders, _who  # one way to make envelopes and pick recorders
from ..health.models import AbsenceReason, CheckSession, HealthCheck
from ..org.models import Staff, Student
from ..org.settings import local_today
from ..sync.models import SyncRecord
from ..org.county import fill_rows
from . import operations as rules
from .models import (FollowUp, IllnessFollowUp, Isolation, IsolationChange, RiskArea, RiskLevel, Screening,
                     ScreeningTrip, StatusChange, SupportFollowUp)

RISK_PLACE = "河北省石家庄市藁城区"
OTHER_PLACES = ("郑州市", "南阳市卧龙区", "北京市朝阳区", "西安市雁塔区")
CONTACT_SHARE = 0.01  # with contact history
RISK_TRIP_SHARE = 0.01  # back from the risk area
CHUNK = 1000


class _Rows:
    """Envelopes and typed rows, inserted in this order (the typed rows point at their envelopes)."""

    def __init__(self):
        self.envelopes, self.rows = [], {model: [] for model in (
            Screening, ScreeningTrip, Isolation, IsolationChange, FollowUp, IllnessFollowUp, StatusChange,
            SupportFollowUp, HealthCheck)}

    def record(self, rng, kind: str, user, data: dict, day: date, hour: int = 9) -> dict:
        envelope = _envelope(self, rng, kind, user, data, _moment(day, time(hour, rng.randint(0, 59))))
        return {"record_id": envelope["id"], **_who(envelope)}


def seed_demo(session, county: SimpleNamespace, rng, today: date | None = None) -> None:
    """Add the demo county's tracking data (flush, no commit)."""
    today = today or local_today()
    out = _Rows()
    users = county.users
    session.add_all([
        RiskArea(county_id=county.county.id, place="藁城", level=RiskLevel.high, starts_on=today - timedelta(days=20),
                 ends_on=None, updated_by_id=users["county"].id),
        RiskArea(county_id=county.county.id, place="顺义", level=RiskLevel.medium,
                 starts_on=today - timedelta(days=40), ends_on=today - timedelta(days=25),
                 updated_by_id=users["county"].id)])
    people = _people(session)
    teacher_class = users["teacher"].scope_unit_id
    recorders = _recorders(county)
    _screenings(out, rng, people, recorders, users, today, teacher_class)
    _isolations(out, rng, people, recorders, users, today, teacher_class)
    _followups_of_illness(out, rng, people, users, today, teacher_class)
    for model in (SyncRecord, *out.rows):
        rows = out.envelopes if model is SyncRecord else out.rows[model]
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(model.__table__), fill_rows(model.__table__, rows[start:start + CHUNK]))
    session.flush()


def _people(session) -> list[dict]:
    students = session.execute(select(Student.id, Student.class_id).order_by(Student.id))
    staff = session.execute(select(Staff.id, Staff.unit_id).where(Staff.is_volunteer.is_(False)).order_by(Staff.id))
    return [{"student_id": s, "staff_id": None, "unit_id": u} for s, u in students] + \
        [{"student_id": None, "staff_id": s, "unit_id": u} for s, u in staff]


def _screenings(out: _Rows, rng, people: list[dict], recorders: dict, users: dict, today: date,
                teacher_class: int) -> None:
    """Everyone screened once in the last days; a few with contacts or a trip to the risk area; some households."""
    for person in people:
        day = today - timedelta(days=rng.randint(1, 4))
        draw, trips, contacts = rng.random(), [], []
        if person["unit_id"] == teacher_class:
            draw = max(draw, 0.08)  # its two kept back on reopening day are chosen below, not drawn
        if draw < RISK_TRIP_SHARE:
            start = today - timedelta(days=rng.randint(6, 12))
            trips = [(RISK_PLACE, start, start + timedelta(days=rng.randint(1, 4)))]
        elif draw < RISK_TRIP_SHARE + CONTACT_SHARE:
            contacts = [{"type": rng.choice(("risk_area", "suspected")), "place": "村委会",
                         "date": (day - timedelta(days=rng.randint(1, 6))).isoformat()}]
        elif draw < 0.08:
            start = today - timedelta(days=rng.randint(20, 40))
            trips = [(rng.choice(OTHER_PLACES), start, start + timedelta(days=rng.randint(1, 5)))]
        returning = draw > 0.995
        user = recorders.get(person["unit_id"], users["county"])
        _screening(out, rng, person, user, day, trips, contacts, returning, today)
        if person["student_id"] and rng.random() < 0.02:
            _screening(out, rng, person, user, day, [], [], False, today, household=True)


def _screening(out: _Rows, rng, person, user, day, trips, contacts, returning, today, household=False) -> None:
    data = {**_who_of(person), "date": day.isoformat(), "subject": "household" if household else "self"}
    stamp = out.record(rng, "screening", user, data, day)
    out.rows[Screening].append({
        **stamp, **person, "date": day, "subject": data["subject"],
        "household_name": "家长" if household else None, "household_relation": "父亲" if household else None,
        "health": "normal", "contacts": contacts, "contact_history": bool(contacts),
        "planned_return_on": today + timedelta(days=3) if returning else None,
        "planned_return_from": "广州市" if returning else None,
        "verification": rng.sample(("phone", "visit", "health_code", "telecom", "self_report"), 2),
        "verified_by": "班主任", "note": None})
    out.rows[ScreeningTrip].extend(
        {"screening_id": stamp["record_id"], "position": n, **person, "place": place, "from_on": start, "to_on": end}
        for n, (place, start, end) in enumerate(trips, start=1))


def _isolations(out: _Rows, rng, people: list[dict], recorders: dict, users: dict, today: date,
                teacher_class: int) -> None:
    """One or two isolations starting on each of the last 14 days (the one ending today is due for release),
    two released; a third of today's follow-ups not yet made. One is in the demo teacher's class."""
    period = rules.DEFAULT_ISOLATION_DAYS
    students = [p for p in people if p["student_id"]]
    chosen = [next(p for p in students if p["unit_id"] == teacher_class)]
    chosen += rng.sample([p for p in students if p["unit_id"] != teacher_class], 2 * period + 1)  # 2 released
    for index, person in enumerate(chosen):
        released = index >= len(chosen) - 2
        back = index % period if not released else period + index % 3
        started = today - timedelta(days=back)
        exposure = started - timedelta(days=1)
        user = recorders.get(person["unit_id"], users["county"])
        stamp = out.record(rng, "isolation_start", user, {**_who_of(person), "started_on": started.isoformat()}, started)
        end = rules.planned_end(exposure, period)
        out.rows[Isolation].append({**stamp, **person, "started_on": started, "reason": "密切接触者的密接",
                                    "last_exposure_on": exposure, "period_days": period, "planned_end_on": end})
        last = min(end, today)
        for n in range((last - started).days + 1):
            day = started + timedelta(days=n)
            if day == today and rng.random() < 0.4:
                continue  # not followed up yet today
            if started < day < min(end, today) and rng.random() < 0.04:
                continue  # a day missed: it shows in red up the chain
            _followup(out, rng, user, person, stamp["record_id"], day)
        if released and end < today:
            change = out.record(rng, "isolation_change", user, {"isolation_id": stamp["record_id"]}, end, 17)
            out.rows[IsolationChange].append({**change, **person, "isolation_id": stamp["record_id"],
                                              "change": "release", "on": end, "reason": None,
                                              "previous_end_on": end, "new_end_on": end})


def _who_of(person: dict) -> dict:
    return {k: person[k] for k in ("student_id", "staff_id")}


def _followup(out: _Rows, rng, user, person, isolation_id: str, day: date) -> None:
    stamp = out.record(rng, "isolation_followup", user, {"isolation_id": isolation_id, "date": day.isoformat()},
                       day, 8)
    out.rows[FollowUp].append({**stamp, **person, "isolation_id": isolation_id, "date": day,
                               "temperature_morning": round(rng.uniform(36.1, 36.9), 1),
                               "temperature_afternoon": round(rng.uniform(36.2, 37.0), 1), "symptoms": [],
                               "contact_method": rng.choice(("phone", "phone", "visit", "video")), "note": None})


def _followups_of_illness(out: _Rows, rng, people: list[dict], users: dict, today: date, teacher_class: int) -> None:
    """In the demo teacher's class: a student whose illness case stays open (absent, saw a doctor, not back yet),
    and an anxious one with a support follow-up; elsewhere a few under observation."""
    in_class = [p for p in people if p["unit_id"] == teacher_class and p["student_id"]]
    sick, anxious = in_class[-1], in_class[-2]
    user = users["teacher"]
    yesterday = today - timedelta(days=1)
    stamp = out.record(rng, "illness_followup", user, {**_who_of(sick), "date": yesterday.isoformat()}, yesterday, 16)
    out.rows[IllnessFollowUp].append({**stamp, **sick, "date": yesterday, "saw_doctor": True, "diagnosis": "flu",
                                      "recovered_on": None, "back_on": None, "closed": False,
                                      "note": "在家休息，尚未退热"})
    # Her checks (absent for illness three days running, the sign) come with the health demo's, so the
    # class's reports and the leaders' tallies count her (health/demo.py, sick_student).
    stamp = out.record(rng, "support_followup", user, {"student_id": anxious["student_id"]}, yesterday, 17)
    out.rows[SupportFollowUp].append({**stamp, **anxious, "date": yesterday, "mood": "anxious", "closed": False,
                                      "note": "担心开学考试，已与家长沟通"})
    for person in rng.sample([p for p in people if p["unit_id"] != teacher_class], 5):
        stamp = out.record(rng, "status_change", users["school"], _who_of(person), today - timedelta(days=2))
        out.rows[StatusChange].append({**stamp, **person, "status": "observation", "note": "有发热史，观察中"})
