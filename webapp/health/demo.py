"""Demo health data: a few days of morning and noon checks and daily reports for the demo county.

Most classes checked and reported every day; today only the morning check is in, a few classes
have not reported (so the start page has something to show), a few reported after the cut-off,
and a few students have a fever. One class of the demo school (not the demo teacher's) has its
temperatures all written as .0 or .5, the way a thermometer read carelessly or a list filled in by
hand looks: the data-quality page (webapp/quality) flags it, so a leader walking the demo sees a
flag and its explanation. Each row comes with its sync envelope, as if a phone had sent it
(device "demo"). Everything is drawn from the shared rng, so two runs make the same data.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import insert, select

from ..org.demo import HISTORY_DAYS
from ..org.models import Staff, Student, User
from ..org.settings import Settings, county_zone, cutoff_moment, local_today
from ..sync.engine import content_hash
from ..sync.models import SyncRecord
from ..org.county import fill_rows
from . import tallies
from .models import DailyReport, HealthCheck

DAYS = HISTORY_DAYS  # today and the two days before (the units stand from the first)
SICK_DAYS = 3  # the well class's sick student: absent for illness today and the two days before
MISSING_TODAY = 4  # classes that have not checked nor reported yet today
UNREPORTED_TODAY = 2  # classes that checked but have not filed their report
LATE_TODAY = 3
OTHER_SYMPTOMS = ("cough", "sore_throat", "fatigue", "diarrhea", "rash")
CHUNK = 1000


@dataclass
class Batch:
    """The rows to insert: envelopes first (the typed rows point at them)."""

    envelopes: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)
    # The demo teacher's class is well at the checks: the two of it kept back on reopening day come
    # from the tracking demo (one in isolation, one ill at home), so the class check shows just them.
    well_class: int | None = None
    # A class whose temperatures all end in .0 or .5: the quality flag "rounded" (never the well class).
    rounded_class: int | None = None
    # The well class's one sick student: absent for illness the last SICK_DAYS days (the tracking
    # demo opens her illness follow-up); the class's reports count her, so no zero report hides her.
    sick_student: int | None = None
    sick_from: date | None = None


def seed_demo(session, county: SimpleNamespace, rng, today: date | None = None) -> None:
    """Add the demo county's health checks and daily reports (flush, no commit)."""
    batch = build_batch(session, county, rng, today or local_today())
    for model, rows in ((SyncRecord, batch.envelopes), (HealthCheck, batch.checks), (DailyReport, batch.reports)):
        for start in range(0, len(rows), CHUNK):
            chunk = fill_rows(model.__table__, rows[start:start + CHUNK])  # the county key, set-wise
            session.execute(insert(model.__table__), chunk)  # Core: no ORM bookkeeping
    session.flush()
    tallies.rebuild()  # written past the push: the leaders' counts are computed from the rows


def build_batch(session, county: SimpleNamespace, rng, today: date) -> Batch:
    """The rows of DAYS days up to `today`, drawn from `rng`."""
    roll, recorders = _roll(session, county), _recorders(county)
    batch = Batch(well_class=county.users["teacher"].scope_unit_id)
    batch.rounded_class = _rounded_class(county, batch.well_class)
    batch.sick_student, batch.sick_from = sick_student(roll, batch.well_class), today - timedelta(days=SICK_DAYS - 1)
    plan = _todays_plan(county, rng)
    for offset in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        for school in county.schools:
            _school_day(batch, rng, school, day, roll, recorders, plan if day == today else None)
    return batch


# ---- who, and what happens today -----------------------------------------------------------

def _roll(session, county: SimpleNamespace) -> dict:
    """Student ids per class and staff ids per school (two queries)."""
    class_ids = [klass.unit.id for klass in county.classes]
    students: dict[int, list[int]] = {class_id: [] for class_id in class_ids}
    query = select(Student.id, Student.class_id).where(Student.class_id.in_(class_ids)).order_by(Student.id)
    for student_id, class_id in session.execute(query):
        students[class_id].append(student_id)
    school_ids = [school.unit.id for school in county.schools]
    staff: dict[int, list[int]] = {school_id: [] for school_id in school_ids}
    query = select(Staff.id, Staff.unit_id).where(Staff.unit_id.in_(school_ids), Staff.is_volunteer.is_(False))
    for staff_id, unit_id in session.execute(query.order_by(Staff.id)):
        staff[unit_id].append(staff_id)
    return {"students": students, "staff": staff}


def _recorders(county: SimpleNamespace) -> dict[int, User]:
    """Who recorded a class's checks: the nearest demo login above it (the demo has no other accounts)."""
    users = county.users
    by_unit = {users["teacher"].scope_unit_id: users["teacher"], users["school"].scope_unit_id: users["school"],
               users["township"].scope_unit_id: users["township"]}
    chosen = {}
    for klass in county.classes:
        path = [klass.unit.id, klass.school.unit.id, klass.school.township.id]
        chosen[klass.unit.id] = next((by_unit[i] for i in path if i in by_unit), users["county"])
    for school in county.schools:
        chosen[school.unit.id] = next((by_unit[i] for i in (school.unit.id, school.township.id) if i in by_unit),
                                      users["county"])
    return chosen


def sick_student(roll: dict, well_class: int) -> int | None:
    """The well class's last student (by id): the one the tracking demo follows up for illness."""
    students = roll["students"].get(well_class)
    return students[-1] if students else None


def _todays_plan(county: SimpleNamespace, rng) -> dict:
    """Which classes are missing, unreported and late today (never the demo teacher's class)."""
    others = [klass.unit.id for klass in county.classes if klass.unit.id != county.users["teacher"].scope_unit_id]
    chosen = rng.sample(others, MISSING_TODAY + UNREPORTED_TODAY + LATE_TODAY)
    return {"missing": set(chosen[:MISSING_TODAY]),
            "unreported": set(chosen[MISSING_TODAY:MISSING_TODAY + UNREPORTED_TODAY]),
            "late": set(chosen[MISSING_TODAY + UNREPORTED_TODAY:])}


# ---- one school's day ----------------------------------------------------------------------

def _rounded_class(county: SimpleNamespace, well_class: int) -> int | None:
    """The first class of the demo school that is not the demo teacher's."""
    school = next(s for s in county.schools if s.unit.id == county.users["school"].scope_unit_id)
    return next((k.unit.id for k in school.classes if k.unit.id != well_class), None)


def _school_day(batch: Batch, rng, school, day: date, roll: dict, recorders: dict, plan: dict | None) -> None:
    """Every class's checks and report, the staff's checks, and the school's own report."""
    totals = [0, 0, 0, 0]
    sessions = ("morning",) if plan else ("morning", "noon")  # today: the noon check is still to come
    for klass in school.classes:
        class_id = klass.unit.id
        if plan and class_id in plan["missing"]:
            continue
        user = recorders[class_id]
        counts = _class_checks(batch, rng, roll["students"][class_id], class_id, day, sessions, user)
        totals = [a + b for a, b in zip(totals, counts)]
        if not (plan and class_id in plan["unreported"]):
            _report(batch, rng, class_id, day, counts, user, late=bool(plan) and class_id in plan["late"])
    school_user = recorders[school.unit.id]
    for staff_id in roll["staff"][school.unit.id]:
        _check(batch, rng, day, "morning", school_user, {"staff_id": staff_id}, school.unit.id, False)
    if not plan or rng.random() < 0.8:
        _report(batch, rng, school.unit.id, day, totals, school_user, late=False)


def _class_checks(batch: Batch, rng, students: list[int], class_id: int, day: date, sessions, user) -> list[int]:
    """A class's checks; (expected, checked, absent, abnormal) as the teacher would count them."""
    absent = {s for s in students if rng.random() < 0.03}
    if class_id == batch.well_class:  # everyone comes, but for the sick student on her days at home
        absent = {batch.sick_student} if day >= batch.sick_from else set()
    abnormal = set()
    for session in sessions:
        for student_id in students:
            row = _check(batch, rng, day, session, user, {"student_id": student_id}, class_id, student_id in absent)
            if row["fever"] or row["other_symptoms"] or row["absence_reason"] == "illness":
                abnormal.add(student_id)
    return [len(students), len(students), len(absent), len(abnormal)]


def _findings(rng, is_absent: bool) -> dict:
    """A plausible result: mostly normal, a few with symptoms, about one in a hundred with a fever."""
    if is_absent:
        reason = rng.choices(("illness", "personal", "other"), (4, 5, 1))[0]
        symptoms = rng.sample(("fever", "cough", "sore_throat", "fatigue"), rng.randint(1, 2)) \
            if reason == "illness" else []
        return {"present": False, "absence_reason": reason, "symptoms": symptoms, "temperature": None}
    draw = rng.random()
    if draw < 0.01:
        return {"present": True, "absence_reason": None, "symptoms": ["fever"] + rng.sample(OTHER_SYMPTOMS, 1),
                "temperature": round(rng.uniform(37.4, 38.8), 1)}
    symptoms = rng.sample(OTHER_SYMPTOMS, 1) if draw < 0.025 else []
    return {"present": True, "absence_reason": None, "symptoms": symptoms,
            "temperature": round(rng.uniform(36.0, 37.1), 1)}


def _check(batch: Batch, rng, day: date, session: str, user: User, person: dict, unit_id: int,
           is_absent: bool) -> dict:
    findings = _findings(rng, is_absent)
    if unit_id == batch.well_class and is_absent:
        findings = {"present": False, "absence_reason": "illness", "symptoms": ["fever"], "temperature": None}
    elif unit_id == batch.well_class:
        findings = {"present": True, "absence_reason": None, "symptoms": [], "temperature": findings["temperature"]
                    if findings["present"] and (findings["temperature"] or 0) < 37.2 else 36.5}
    if unit_id == batch.rounded_class and findings["temperature"] is not None:
        findings = {**findings, "temperature": round(findings["temperature"] * 2) / 2}  # 36.5, 37.0 …
    data = {**person, "date": day.isoformat(), "session": session, **findings, "note": None}
    hour = 7 if session == "morning" else 12
    envelope = _envelope(batch, rng, "health_check" if "student_id" in person else "staff_check", user, data,
                         _moment(day, time(hour, rng.randint(20, 59), len(batch.checks) * 7 % 60)))
    # (the seconds vary without a draw from rng: a phone's clock never stamps every record at :00)
    fever = "fever" in data["symptoms"] or (data["temperature"] or 0) >= Settings().fever_threshold
    row = {**data, "record_id": envelope["id"], "unit_id": unit_id, "date": day, "fever": fever,
           "other_symptoms": any(s != "fever" for s in data["symptoms"]), **_who(envelope)}
    row.setdefault("staff_id", None)
    row.setdefault("student_id", None)
    batch.checks.append(row)
    return row


def _report(batch: Batch, rng, unit_id: int, day: date, counts: list[int], user: User, late: bool) -> None:
    expected, checked, absent, abnormal = counts
    data = {"unit_id": unit_id, "date": day.isoformat(), "zero_report": abnormal == 0, "expected": expected,
            "checked": checked, "absent": absent, "abnormal": abnormal, "note": None}
    at = time(10, rng.randint(5, 50)) if late else time(rng.choice((8, 9)), rng.randint(0, 55))
    envelope = _envelope(batch, rng, "daily_report", user, data, _moment(day, at))
    batch.reports.append({**data, "record_id": envelope["id"], "date": day, **_who(envelope),
                          "late": envelope["recorded_at"] > cutoff_moment(day, Settings())})


# ---- envelopes -----------------------------------------------------------------------------

def _moment(day: date, at: time) -> datetime:
    """A county-time moment as an aware datetime (the phone's offset kept)."""
    return datetime.combine(day, at, tzinfo=county_zone())


def _envelope(batch: Batch, rng, kind: str, user: User, data: dict, moment: datetime) -> dict:
    recorded_at = moment.astimezone(timezone.utc).replace(tzinfo=None)
    envelope = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "kind": kind, "user_id": user.id,
                "device_id": "demo", "recorded_at": recorded_at,
                "recorded_offset_minutes": int(moment.utcoffset().total_seconds() // 60),
                "received_at": recorded_at + timedelta(minutes=rng.randint(1, 90)),
                "content_hash": content_hash(kind, moment, data), "data": data}
    batch.envelopes.append(envelope)
    return envelope


def _who(envelope: dict) -> dict:
    """The envelope's columns a typed row keeps; received after recorded, so effective = recorded."""
    return {**{key: envelope[key] for key in ("user_id", "device_id", "recorded_at", "received_at")},
            "effective_at": envelope["recorded_at"]}
