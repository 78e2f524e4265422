"""The health area's field record kinds: health_check, staff_check, daily_report.

Each is declared once here (fields, bounds, rules across fields, and how it is stored); the
sync engine validates pushed records with it and the OpenAPI schema the phones read comes from it.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from ..errors import OutOfScope, RuleError
from ..extensions import db
from ..org.models import Staff, Student, Unit, UnitKind, User
from ..org.scoping import scoped
from ..org.settings import current_settings, cutoff_moment, local_day_of
from ..sync.registry import Field, RecordKind, register
from .models import SYMPTOMS, AbsenceReason, CheckSession, DailyReport, HealthCheck

MAX_BACKFILL_DAYS = 7  # a check or report may be entered this many days after its day, no more
COUNT_MAX = 100_000


def _check_fields() -> tuple[Field, ...]:
    """The fields every check has, whoever is checked."""
    return (
        Field("date", "date", description="The day of the check (county time)."),
        Field("session", "string", choices=tuple(s.value for s in CheckSession)),
        Field("present", "boolean"),
        Field("absence_reason", "string", required=False, nullable=True,
              choices=tuple(r.value for r in AbsenceReason), description="Required when present is false."),
        Field("symptoms", "array", required=False, choices=SYMPTOMS, description="May be empty."),
        Field("temperature", "number", required=False, nullable=True, minimum=34.0, maximum=43.0,
              description="°C"),
        Field("note", "string", required=False, nullable=True, max_length=200),
    )


# ---- rules across fields -------------------------------------------------------------------

def check_rules(data: dict) -> dict:
    """An absence has a reason; a reason only for an absence; symptoms and temperature fit the case."""
    symptoms = data.get("symptoms") or []
    errors = {}
    if len(set(symptoms)) != len(symptoms):
        errors["symptoms"] = str(_l("Each symptom only once."))
    if data["present"]:
        if data["absence_reason"] is not None:
            errors["absence_reason"] = str(_l("Only for a person who is absent."))
    elif data["absence_reason"] is None:
        errors["absence_reason"] = str(_l("Give the reason for the absence."))
    elif data["absence_reason"] != AbsenceReason.illness.value:
        # Symptoms and a temperature of an absent person come from a sick leave; not from personal leave.
        if symptoms:
            errors["symptoms"] = str(_l("Symptoms go with an absence for illness."))
        if data["temperature"] is not None:
            errors["temperature"] = str(_l("A temperature goes with a person present or absent for illness."))
    return errors


def report_rules(data: dict) -> dict:
    """The counts fit together, and a zero report has nothing abnormal."""
    errors = {}
    if data["zero_report"] and data["abnormal"] > 0:
        errors["zero_report"] = str(_l("A zero report means nothing abnormal, but %(n)s abnormal were counted.",
                                       n=data["abnormal"]))
    if data["checked"] > data["expected"]:
        errors["checked"] = str(_l("Cannot be more than expected."))
    if data["absent"] > data["checked"]:
        errors["absent"] = str(_l("Cannot be more than checked."))
    if data["abnormal"] > data["checked"]:
        errors["abnormal"] = str(_l("Cannot be more than checked."))
    return errors


# ---- storing -------------------------------------------------------------------------------

def _day_of(ctx, value: str) -> date:
    """The record's day, which must not lie after the day it was recorded nor too long before."""
    day, recorded_day = date.fromisoformat(value), local_day_of(ctx.recorded_at)
    if day > recorded_day:
        raise RuleError(_l("The day is after the day this was recorded."), "date")
    if day < recorded_day - timedelta(days=MAX_BACKFILL_DAYS):
        raise RuleError(_l("Too late to enter: at most %(n)s days after the day.", n=MAX_BACKFILL_DAYS), "date")
    return day


def _in_scope(model, ident: int, user: User, field: str):
    """The row if it lies in the user's area; a missing row is answered the same way (never reveal it exists)."""
    row = db.session.execute(scoped(model, user).where(model.id == ident)).scalar_one_or_none()
    if row is None:
        raise OutOfScope(_l("Not in your area."), field)
    if not getattr(row, "active", True):
        raise RuleError(_l("No longer on the roll."), field)
    return row


def _school_id(unit: Unit) -> int:
    """The school a staff member's unit belongs to (a grade or class counts as its school)."""
    if unit.kind in (UnitKind.grade, UnitKind.klass):
        return unit.ancestor_ids[2]  # county / township / school / grade / class
    return unit.id


def _store_check(ctx, data: dict, **person) -> HealthCheck:
    day = _day_of(ctx, data["date"])
    threshold = current_settings(ctx.user).fever_threshold
    symptoms, temperature = list(data.get("symptoms") or []), data["temperature"]
    check = HealthCheck(
        record_id=ctx.record_id, date=day, session=CheckSession(data["session"]), present=data["present"],
        absence_reason=AbsenceReason(data["absence_reason"]) if data["absence_reason"] else None,
        symptoms=symptoms, temperature=None if temperature is None else float(temperature),
        fever="fever" in symptoms or (temperature is not None and temperature >= threshold),
        other_symptoms=any(s != "fever" for s in symptoms), note=(data["note"] or "").strip() or None,
        user_id=ctx.user.id, device_id=ctx.device_id, recorded_at=ctx.recorded_at,
        received_at=ctx.received_at, **person)
    db.session.add(check)
    db.session.flush()
    return check


def apply_student_check(ctx, data: dict) -> HealthCheck:
    """Store a student's check, under the student's class of today."""
    student = _in_scope(Student, data["student_id"], ctx.user, "student_id")
    return _store_check(ctx, data, student_id=student.id, unit_id=student.class_id)


def apply_staff_check(ctx, data: dict) -> HealthCheck:
    """Store a staff member's check, under their school."""
    staff = _in_scope(Staff, data["staff_id"], ctx.user, "staff_id")
    return _store_check(ctx, data, staff_id=staff.id, unit_id=_school_id(staff.unit))


def apply_daily_report(ctx, data: dict) -> DailyReport:
    """Store a class's or school's daily report; after the county's cut-off it is marked late."""
    unit = db.session.execute(scoped(Unit, ctx.user).where(Unit.id == data["unit_id"])).scalar_one_or_none()
    if unit is None:
        raise OutOfScope(_l("Not in your area."), "unit_id")
    if unit.kind not in (UnitKind.klass, UnitKind.school):
        raise RuleError(_l("A daily report is made for a class or a school."), "unit_id")
    day = _day_of(ctx, data["date"])
    report = DailyReport(
        record_id=ctx.record_id, unit_id=unit.id, date=day, zero_report=data["zero_report"],
        expected=data["expected"], checked=data["checked"], absent=data["absent"], abnormal=data["abnormal"],
        note=(data["note"] or "").strip() or None,
        late=ctx.recorded_at > cutoff_moment(day, current_settings(ctx.user)),
        user_id=ctx.user.id, device_id=ctx.device_id, recorded_at=ctx.recorded_at, received_at=ctx.received_at)
    db.session.add(report)
    db.session.flush()
    return report


# ---- the kinds -----------------------------------------------------------------------------

def _count(name: str) -> Field:
    return Field(name, "integer", minimum=0, maximum=COUNT_MAX)


HEALTH_CHECK = register(RecordKind(
    name="health_check",
    description="A student's morning or noon check (晨午检).",
    fields=(Field("student_id", "integer", minimum=1),) + _check_fields(),
    check=check_rules, apply=apply_student_check))

STAFF_CHECK = register(RecordKind(
    name="staff_check",
    description="A staff member's morning or noon check.",
    fields=(Field("staff_id", "integer", minimum=1),) + _check_fields(),
    check=check_rules, apply=apply_staff_check))

DAILY_REPORT = register(RecordKind(
    name="daily_report",
    description="A class's or school's daily report (日报告); zero_report confirms nothing abnormal (零报告). "
                "Accepted after the county's cut-off and marked late.",
    fields=(Field("unit_id", "integer", minimum=1), Field("date", "date"), Field("zero_report", "boolean"),
            _count("expected"), _count("checked"), _count("absent"), _count("abnormal"),
            Field("note", "string", required=False, nullable=True, max_length=500)),
    check=report_rules, apply=apply_daily_report))
