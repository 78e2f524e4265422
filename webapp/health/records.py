"""The health area's field record kinds: health_check, staff_check, daily_report.

Each is declared once here (fields, bounds, rules across fields, and its set-wise `prepare`);
the sync engine validates pushed records with it and the OpenAPI schema the phones read comes
from it. A `prepare` reads what it needs for the whole group at once (one scope query, the
county's settings) and returns each record's rows or its refusal; the engine writes them.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from ..errors import OutOfScope, RuleError
from ..org.access import REPORTERS, STAFF_CHECKERS
from ..org.models import Staff, Student, Unit, UnitKind
from ..org.scoping import scoped_by_id
from ..org.settings import current_settings, local_day_of
from ..sync.registry import Field, Item, RecordKind, per_item, register
from .figures import day_figures, is_late
from . import tallies
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

def _day_of(item: Item, value: str) -> date:
    """The record's day: not after the day the phone recorded it, nor too long before its effective time.

    The effective time is the phone's time brought back to the server's receive time at the
    latest (registry.Item): a phone set back cannot make a week-old day look recent.
    """
    day = date.fromisoformat(value)
    if day > local_day_of(item.recorded_at):
        raise RuleError(_l("The day is after the day this was recorded."), "date")
    if day < local_day_of(item.effective_at) - timedelta(days=MAX_BACKFILL_DAYS):
        raise RuleError(_l("Too late to enter: at most %(n)s days after the day.", n=MAX_BACKFILL_DAYS), "date")
    return day


def _on_roll(person, field: str):
    """The person (a row of scoped_by_id) if found in the user's area and still on the roll."""
    if person is None:  # outside the area and unknown are answered the same way (never reveal it exists)
        raise OutOfScope(_l("Not in your area."), field)
    if not person.active:
        raise RuleError(_l("No longer on the roll."), field)
    return person


def _school_id(unit_kind: UnitKind, unit_id: int, unit_path: str) -> int:
    """The school a staff member's unit belongs to (a grade or class counts as its school)."""
    if unit_kind in (UnitKind.grade, UnitKind.klass):
        return int(unit_path.strip("/").split("/")[2])  # county / township / school / grade / class
    return unit_id


def _check_row(batch, item: Item, threshold: float, **person) -> dict:
    """The health_check row of one check (`person`: student_id, staff_id and unit_id)."""
    data = item.data
    symptoms, temperature = list(data.get("symptoms") or []), data["temperature"]
    return {
        "record_id": item.id, **person, "date": _day_of(item, data["date"]), "session": CheckSession(data["session"]),
        "present": data["present"],
        "absence_reason": AbsenceReason(data["absence_reason"]) if data["absence_reason"] else None,
        "symptoms": symptoms, "temperature": None if temperature is None else float(temperature),
        "fever": "fever" in symptoms or (temperature is not None and temperature >= threshold),
        "other_symptoms": any(s != "fever" for s in symptoms), "note": (data["note"] or "").strip() or None,
        **batch.stamp(item), "effective_at": item.effective_at}


def prepare_student_checks(batch, items: list[Item]) -> list:
    """Students' checks, each under the student's class of today: one scope query for the group."""
    students = scoped_by_id(Student, {i.data["student_id"] for i in items}, batch.user,
                            columns=(Student.class_id, Student.active))
    threshold = current_settings(batch.user).fever_threshold

    def row(item: Item) -> dict:
        student = _on_roll(students.get(item.data["student_id"]), "student_id")
        return {HealthCheck: _check_row(batch, item, threshold, student_id=student.id, staff_id=None,
                                        unit_id=student.class_id)}
    return per_item(items, row)


def prepare_staff_checks(batch, items: list[Item]) -> list:
    """Staff members' checks, each under their school: one scope query for the group."""
    staff = scoped_by_id(Staff, {i.data["staff_id"] for i in items}, batch.user,
                         columns=(Staff.active, Unit.id.label("unit_id"), Unit.kind, Unit.path),
                         join=(Unit, Unit.id == Staff.unit_id))
    threshold = current_settings(batch.user).fever_threshold
    allowed = batch.user.role in STAFF_CHECKERS

    def row(item: Item) -> dict:
        if not allowed:  # the same answer as a colleague outside the area
            raise OutOfScope(_l("Not in your area."), "staff_id")
        person = _on_roll(staff.get(item.data["staff_id"]), "staff_id")
        return {HealthCheck: _check_row(batch, item, threshold, student_id=None, staff_id=person.id,
                                        unit_id=_school_id(person.kind, person.unit_id, person.path))}
    return per_item(items, row)


def _abnormal_on_server(items: list[Item], units: dict) -> dict[tuple[int, str], int]:
    """(unit id, day) -> the people the server holds as abnormal, for the zero reports among `items`:
    a few queries per day named, whatever the number of reports."""
    wanted: dict[str, set[int]] = {}
    for item in items:
        if item.data["zero_report"] and item.data["unit_id"] in units:
            wanted.setdefault(item.data["date"], set()).add(item.data["unit_id"])
    found = {}
    for day, ids in wanted.items():
        try:
            figures = day_figures([units[i] for i in ids], date.fromisoformat(day))
        except ValueError:
            continue  # a bad date: _day_of names it
        found.update({(unit_id, day): numbers.abnormal for unit_id, numbers in figures.items()})
    return found


def prepare_daily_reports(batch, items: list[Item]) -> list:
    """Classes' and schools' daily reports; one after the county's cut-off (by its effective time) is late.
    A zero report is refused while the server holds abnormal checks of its unit and day."""
    units = scoped_by_id(Unit, {i.data["unit_id"] for i in items}, batch.user, columns=(Unit.kind, Unit.path))
    settings = current_settings(batch.user)
    abnormal = _abnormal_on_server(items, units)
    allowed = batch.user.role in REPORTERS

    def row(item: Item) -> dict:
        data, unit = item.data, units.get(item.data["unit_id"])
        if unit is None or not allowed:
            raise OutOfScope(_l("Not in your area."), "unit_id")
        if unit.kind not in (UnitKind.klass, UnitKind.school):
            raise RuleError(_l("A daily report is made for a class or a school."), "unit_id")
        day = _day_of(item, data["date"])
        if data["zero_report"] and abnormal.get((unit.id, data["date"])):
            raise RuleError(_l("No zero report: the server holds %(n)s abnormal people of this unit for this day "
                               "(fever, symptoms or absent for illness). File a daily report that counts them.",
                               n=abnormal[(unit.id, data["date"])]), "zero_report")
        return {DailyReport: {
            "record_id": item.id, "unit_id": unit.id, "date": day, "zero_report": data["zero_report"],
            "expected": data["expected"], "checked": data["checked"], "absent": data["absent"],
            "abnormal": data["abnormal"], "note": (data["note"] or "").strip() or None,
            "late": is_late(item.effective_at, day, settings), **batch.stamp(item),
            "effective_at": item.effective_at}}
    return per_item(items, row)


# ---- the kinds -----------------------------------------------------------------------------

def _count(name: str) -> Field:
    return Field(name, "integer", minimum=0, maximum=COUNT_MAX)


HEALTH_CHECK = register(RecordKind(
    name="health_check",
    description="A student's morning or noon check (晨午检).",
    fields=(Field("student_id", "integer", minimum=1),) + _check_fields(),
    check=check_rules, prepare=prepare_student_checks, settle=tallies.settler("student")))

STAFF_CHECK = register(RecordKind(
    name="staff_check",
    description="A staff member's morning or noon check.",
    fields=(Field("staff_id", "integer", minimum=1),) + _check_fields(),
    check=check_rules, prepare=prepare_staff_checks, settle=tallies.settler("staff")))

DAILY_REPORT = register(RecordKind(
    name="daily_report",
    description="A class's or school's daily report (日报告); zero_report confirms nothing abnormal (零报告). "
                "Accepted after the county's cut-off and marked late.",
    fields=(Field("unit_id", "integer", minimum=1), Field("date", "date"), Field("zero_report", "boolean"),
            _count("expected"), _count("checked"), _count("absent"), _count("abnormal"),
            Field("note", "string", required=False, nullable=True, max_length=500)),
    check=report_rules, prepare=prepare_daily_reports))

from . import reference as _reference  # noqa: E402,F401  (today's checks and reports the phones pull)
