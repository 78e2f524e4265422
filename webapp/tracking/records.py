"""The tracking area's field record kinds, each declared once with its set-wise `prepare`.

screening, status_change, isolation_start, isolation_change, isolation_followup,
illness_followup, support_followup. A teacher's phone pushes them through the outbox; the office
forms push the very same records through the same engine (`forms.py`), so every rule lives here
and in `operations.py`. A `prepare` reads for the whole group (one scope query per kind of thing)
and writes nothing.
"""
from __future__ import annotations

import uuid
from copy import copy
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

from ..errors import OutOfScope, RuleError
from ..health.models import SYMPTOMS
from ..health.records import _day_of, _on_roll
from ..org.models import Staff, Student
from ..org.scoping import scope_clause, scoped_by_id
from ..org.settings import local_day_of
from ..sync.registry import Field, Item, RecordKind, per_item, register
from . import operations as rules
from . import queries
from .models import (ContactMethod, ContactType, Diagnosis, FollowUp, Health, IllnessFollowUp, Isolation,
                     IsolationChange, IsolationChangeKind, Mood, Screening, ScreeningTrip, Status, StatusChange,
                     Subject, SupportFollowUp, Verification)

MAX_TRIPS = 10
MANUAL_STATUSES = (Status.flagged, Status.observation, Status.cleared)  # isolation and release have their own kinds


def _values(kind) -> tuple[str, ...]:
    return tuple(v.value for v in kind)


PERSON = (Field("student_id", "integer", required=False, nullable=True, minimum=1),
          Field("staff_id", "integer", required=False, nullable=True, minimum=1))


def _text(name: str, length: int = 200, required: bool = False) -> Field:
    return Field(name, "string", required=required, nullable=not required, max_length=length)


def _optional_date(name: str, description: str = "") -> Field:
    return Field(name, "date", required=False, nullable=True, description=description)


def one_person(data: dict) -> dict:
    """A record is about one student or one staff member."""
    if (data.get("student_id") is None) == (data.get("staff_id") is None):
        return {"student_id": str(_l("Give a student or a staff member, not both."))}
    return {}


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


# ---- who the record is about ---------------------------------------------------------------

def _people(batch, items: list[Item]) -> dict:
    """The students and staff of the group in the user's area, one query each."""
    students = scoped_by_id(Student, {i.data.get("student_id") for i in items}, batch.user,
                            columns=(Student.class_id, Student.active))
    staff = scoped_by_id(Staff, {i.data.get("staff_id") for i in items}, batch.user,
                         columns=(Staff.unit_id, Staff.active))
    return {"student": students, "staff": staff}


def _person(people: dict, data: dict) -> dict:
    """{student_id, staff_id, unit_id} of the record's person, or the refusal."""
    if data.get("student_id") is not None:
        row = _on_roll(people["student"].get(data["student_id"]), "student_id")
        return {"student_id": row.id, "staff_id": None, "unit_id": row.class_id}
    row = _on_roll(people["staff"].get(data["staff_id"]), "staff_id")
    return {"student_id": None, "staff_id": row.id, "unit_id": row.unit_id}


def _key(person: dict) -> tuple:
    return ("student", person["student_id"]) if person.get("student_id") else ("staff", person["staff_id"])


def _stamped(batch, item: Item) -> dict:
    return {**batch.stamp(item), "effective_at": item.effective_at}


# ---- screening -----------------------------------------------------------------------------

def screening_rules(data: dict) -> dict:
    errors = one_person(data)
    if data["subject"] == Subject.household.value and not _clean(data.get("household_name")):
        errors["household_name"] = str(_l("Give the name of the household member."))
    for number, trip in enumerate(data.get("trips") or [], start=1):
        if trip["from_on"] > trip["to_on"]:
            errors["trips"] = str(_l("Trip %(n)s: it ends before it starts.", n=number))
    if data.get("planned_return_on") and not _clean(data.get("planned_return_from")):
        errors["planned_return_from"] = str(_l("Say where the person returns from."))
    return errors


def prepare_screenings(batch, items: list[Item]) -> list:
    people = _people(batch, items)

    def rows(item: Item) -> dict:
        data, person = item.data, _person(people, item.data)
        day = _day_of(item, data["date"])
        contacts = [{"type": c["type"], "place": _clean(c.get("place")), "date": c.get("date")}
                    for c in data.get("contacts") or []]
        trips = [{"screening_id": item.id, "position": n, **person, "place": trip["place"].strip(),
                  "from_on": date.fromisoformat(trip["from_on"]), "to_on": date.fromisoformat(trip["to_on"])}
                 for n, trip in enumerate(data.get("trips") or [], start=1)]
        for trip in trips:
            if trip["from_on"] > day:
                raise RuleError(_l("A trip starts after the day of the screening."), "trips")
        household = data["subject"] == Subject.household.value
        screening = {
            "record_id": item.id, **person, "date": day, "subject": Subject(data["subject"]),
            "household_name": _clean(data.get("household_name")) if household else None,
            "household_relation": _clean(data.get("household_relation")) if household else None,
            "health": Health(data["health"]), "contacts": contacts, "contact_history": bool(contacts),
            "planned_return_on": date.fromisoformat(data["planned_return_on"]) if data.get("planned_return_on") else None,
            "planned_return_from": _clean(data.get("planned_return_from")),
            "verification": list(data.get("verification") or []), "verified_by": _clean(data.get("verified_by")),
            "note": _clean(data.get("note")), **_stamped(batch, item)}
        return {Screening: screening, ScreeningTrip: trips} if trips else {Screening: screening}
    return per_item(items, rows)


TRIP = (Field("place", "string", max_length=100), Field("from_on", "date"), Field("to_on", "date"))
CONTACT = (Field("type", "string", choices=_values(ContactType)),
           Field("place", "string", required=False, nullable=True, max_length=100),
           Field("date", "date", required=False, nullable=True))

SCREENING = register(RecordKind(
    name="screening",
    description="A screening (摸排) of a student or staff member, or of a household member living with them: "
                "health now, trips, contacts, planned return, how it was verified.",
    fields=PERSON + (
        Field("date", "date"), Field("subject", "string", choices=_values(Subject)),
        _text("household_name", 50), _text("household_relation", 20),
        Field("health", "string", choices=_values(Health)),
        Field("trips", "array", required=False, entries=TRIP, max_length=MAX_TRIPS),
        Field("contacts", "array", required=False, entries=CONTACT, max_length=MAX_TRIPS),
        _optional_date("planned_return_on", "The planned return to the county."), _text("planned_return_from", 100),
        Field("verification", "array", required=False, choices=_values(Verification)),
        _text("verified_by", 50), _text("note")),
    check=screening_rules, prepare=prepare_screenings))


# ---- status changes ------------------------------------------------------------------------

def prepare_status_changes(batch, items: list[Item]) -> list:
    people = _people(batch, items)
    cleared = [i for i in items if i.data["status"] == Status.cleared.value]
    blocked = _blocked(batch.user, cleared)

    def row(item: Item) -> dict:
        person = _person(people, item.data)
        key = _key(person)
        if item.data["status"] == Status.cleared.value and blocked.get(key):
            reasons = ", ".join(str(rules.NOT_CLEARED[code]) for code in blocked[key])
            raise RuleError(_l("Cannot be cleared: %(reasons)s.", reasons=reasons), "status")
        return {StatusChange: {"record_id": item.id, **person, "status": Status(item.data["status"]),
                               "note": _clean(item.data.get("note")), **_stamped(batch, item)}}
    return per_item(items, row)


def _blocked(user, items: list[Item]) -> dict:
    """Why the people of these clearances may not be cleared (the clearance list says the same)."""
    if not items:
        return {}
    keys = {_key(i.data) for i in items}
    return queries.clearance(user.scope, local_day_of(max(i.effective_at for i in items)), keys)


STATUS_CHANGE = register(RecordKind(
    name="status_change",
    description="A tracked person's status moves: flagged, under observation, cleared (cleared only when "
                "nothing keeps them back).",
    fields=PERSON + (Field("status", "string", choices=tuple(s.value for s in MANUAL_STATUSES)), _text("note")),
    check=one_person, prepare=prepare_status_changes))


# ---- isolation -----------------------------------------------------------------------------

def isolation_rules(data: dict) -> dict:
    errors = one_person(data)
    if data["last_exposure_on"] > data["started_on"]:
        errors["last_exposure_on"] = str(_l("The last exposure is on or before the start."))
    return errors


def prepare_isolations(batch, items: list[Item]) -> list:
    people = _people(batch, items)
    period = queries.isolation_days(batch.user.scope)
    keys = {_key(i.data) for i in items}
    already = {view.key for view in queries.open_isolations(batch.user.scope) if view.key in keys}

    def row(item: Item) -> dict:
        data, person = item.data, _person(people, item.data)
        if _key(person) in already:
            raise RuleError(_l("This person is already in isolation."), "student_id" if person["student_id"]
                            else "staff_id")
        started = _day_of(item, data["started_on"])
        exposure = date.fromisoformat(data["last_exposure_on"])
        return {Isolation: {"record_id": item.id, **person, "started_on": started, "reason": data["reason"].strip(),
                            "last_exposure_on": exposure, "period_days": period,
                            "planned_end_on": rules.planned_end(exposure, period), **_stamped(batch, item)}}
    return per_item(items, row)


ISOLATION_START = register(RecordKind(
    name="isolation_start",
    description="A home isolation (居家隔离) starts; it ends the county's period after the last exposure.",
    fields=PERSON + (Field("started_on", "date"), Field("reason", "string", max_length=200),
                     Field("last_exposure_on", "date")),
    check=isolation_rules, prepare=prepare_isolations))


def _isolations(batch, items: list[Item]) -> dict:
    """The isolations of the group in the user's area, as their changes leave them: three queries."""
    ids = {_canonical(i.data["isolation_id"]) for i in items}
    where = and_(scope_clause(Isolation, batch.user), Isolation.record_id.in_(ids))
    return {view.row.record_id: view for view in queries.isolations(where, open_only=False)}


def _canonical(record_id: str) -> str:
    return str(uuid.UUID(record_id))


def isolation_id_rule(data: dict) -> dict:
    """An isolation is named by its record id (a UUID): anything else cannot exist."""
    try:
        uuid.UUID(data["isolation_id"])
    except ValueError:
        return {"isolation_id": str(_l("Not a record id."))}
    return {}


def _isolation_of(views: dict, item: Item):
    view = views.get(_canonical(item.data["isolation_id"]))
    if view is None:
        raise OutOfScope(_l("Not in your area."), "isolation_id")
    return view


def _person_of(view) -> dict:
    return {"student_id": view.row.student_id, "staff_id": view.row.staff_id, "unit_id": view.row.unit_id}


def prepare_isolation_changes(batch, items: list[Item]) -> list:
    views = _isolations(batch, items)

    def row(item: Item) -> dict:
        data, view = item.data, _isolation_of(views, item)
        change, on, reason = IsolationChangeKind(data["change"]), date.fromisoformat(data["on"]), _clean(data["reason"])
        if change is IsolationChangeKind.release:
            _day_of(item, data["on"])  # not after today
        rules.check_change(view.state, change, on, reason, view.followed)
        new_end, _ = rules.next_end(copy(view.state), change, on)
        return {IsolationChange: {"record_id": item.id, **_person_of(view), "isolation_id": view.row.record_id,
                                  "change": change, "on": on, "reason": reason,
                                  "previous_end_on": view.state.end_on, "new_end_on": new_end,
                                  **_stamped(batch, item)}}
    return per_item(items, row)


ISOLATION_CHANGE = register(RecordKind(
    name="isolation_change",
    description="A new exposure (moves the end), an extension or shortening (with a reason; the previous end is "
                "kept), or the release (needs the last day's follow-up or a reason).",
    fields=(Field("isolation_id", "string", max_length=36), Field("change", "string",
                                                                  choices=_values(IsolationChangeKind)),
            Field("on", "date", description="The exposure's day, the new last day, or the day of release."),
            _text("reason")),
    check=isolation_id_rule, prepare=prepare_isolation_changes))


def followup_rules(data: dict) -> dict:
    if isolation_id_rule(data):
        return isolation_id_rule(data)
    if data["temperature_morning"] is None and data["temperature_afternoon"] is None and not data.get("symptoms"):
        return {"temperature_morning": str(_l("Give a temperature, or the symptoms."))}
    return {}


def prepare_followups(batch, items: list[Item]) -> list:
    views = _isolations(batch, items)

    def row(item: Item) -> dict:
        data, view = item.data, _isolation_of(views, item)
        day = _day_of(item, data["date"])
        if day < view.row.started_on:
            raise RuleError(_l("The day is before the isolation started (%(day)s).", day=view.row.started_on), "date")
        return {FollowUp: {"record_id": item.id, **_person_of(view), "isolation_id": view.row.record_id, "date": day,
                           "temperature_morning": data["temperature_morning"],
                           "temperature_afternoon": data["temperature_afternoon"],
                           "symptoms": list(data.get("symptoms") or []),
                           "contact_method": ContactMethod(data["contact_method"]), "note": _clean(data["note"]),
                           **_stamped(batch, item)}}
    return per_item(items, row)


def _temperature(name: str) -> Field:
    return Field(name, "number", required=False, nullable=True, minimum=34.0, maximum=43.0, description="°C")


ISOLATION_FOLLOWUP = register(RecordKind(
    name="isolation_followup",
    description="A day's follow-up of a person in home isolation (随访).",
    fields=(Field("isolation_id", "string", max_length=36), Field("date", "date"),
            _temperature("temperature_morning"), _temperature("temperature_afternoon"),
            Field("symptoms", "array", required=False, choices=SYMPTOMS),
            Field("contact_method", "string", choices=_values(ContactMethod)), _text("note")),
    check=followup_rules, prepare=prepare_followups))


# ---- illness and support follow-ups ---------------------------------------------------------

def prepare_illness_followups(batch, items: list[Item]) -> list:
    people = _people(batch, items)

    def row(item: Item) -> dict:
        data = item.data
        when = {name: date.fromisoformat(data[name]) if data.get(name) else None for name in ("recovered_on", "back_on")}
        return {IllnessFollowUp: {"record_id": item.id, **_person(people, data), "date": _day_of(item, data["date"]),
                                  "saw_doctor": data.get("saw_doctor"),
                                  "diagnosis": Diagnosis(data["diagnosis"]) if data.get("diagnosis") else None,
                                  **when, "closed": data["closed"], "note": _clean(data.get("note")),
                                  **_stamped(batch, item)}}
    return per_item(items, row)


ILLNESS_FOLLOWUP = register(RecordKind(
    name="illness_followup",
    description="A follow-up of an illness case opened by a fever or an illness absence; closed=true closes it.",
    fields=PERSON + (Field("date", "date"), Field("saw_doctor", "boolean", required=False, nullable=True),
                     Field("diagnosis", "string", required=False, nullable=True, choices=_values(Diagnosis)),
                     _optional_date("recovered_on"), _optional_date("back_on"), Field("closed", "boolean"),
                     _text("note")),
    check=one_person, prepare=prepare_illness_followups))


def prepare_support_followups(batch, items: list[Item]) -> list:
    people = _people(batch, items)

    def row(item: Item) -> dict:
        data = item.data
        person = _person(people, data)
        return {SupportFollowUp: {"record_id": item.id, **person, "date": _day_of(item, data["date"]),
                                  "mood": Mood(data["mood"]), "closed": data["closed"],
                                  "note": _clean(data.get("note")), **_stamped(batch, item)}}
    return per_item(items, row)


SUPPORT_FOLLOWUP = register(RecordKind(
    name="support_followup",
    description="A support follow-up (心理疏导) of an anxious or afraid student; read only by the responsible "
                "staff and the school's leaders.",
    fields=(Field("student_id", "integer", minimum=1), Field("date", "date"),
            Field("mood", "string", choices=_values(Mood)), Field("closed", "boolean"), _text("note", 500)),
    prepare=prepare_support_followups))
