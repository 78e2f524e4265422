"""The office's forms for tracking records: what a form holds becomes the same record a phone pushes.

Each `*_data(form)` turns the posted fields into a record's data; `record()` pushes it through the
one engine as the logged-in user, so the office is held to the very rules of the phones
(records.py) and a record typed twice is still one record.
"""
from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l

from ..sync import engine

OFFICE_DEVICE = "office"


class FormError(Exception):
    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


def _text(form, name) -> str | None:
    return (form.get(name) or "").strip() or None


def _number(form, name, errors) -> float | None:
    value = _text(form, name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        errors[name] = str(_l("Must be a number."))
        return None


def _boolean(form, name) -> bool | None:
    value = form.get(name)
    return None if value in (None, "") else value == "yes"


def person_data(kind: str, person_id: int) -> dict:
    return {"student_id": person_id, "staff_id": None} if kind == "student" else {"student_id": None,
                                                                                   "staff_id": person_id}


def screening_data(form, person: dict) -> dict:
    trip = {"place": _text(form, "trip_place"), "from_on": _text(form, "trip_from"), "to_on": _text(form, "trip_to")}
    contact = {"type": _text(form, "contact_type"), "place": _text(form, "contact_place"),
               "date": _text(form, "contact_date")}
    return {**person, "date": _text(form, "date"), "subject": _text(form, "subject") or "self",
            "household_name": _text(form, "household_name"), "household_relation": _text(form, "household_relation"),
            "health": _text(form, "health"), "trips": [trip] if trip["place"] else [],
            "contacts": [contact] if contact["type"] else [],
            "planned_return_on": _text(form, "planned_return_on"),
            "planned_return_from": _text(form, "planned_return_from"),
            "verification": form.getlist("verification"), "verified_by": _text(form, "verified_by"),
            "note": _text(form, "note")}


def isolation_data(form, person: dict) -> dict:
    return {**person, "started_on": _text(form, "started_on"), "reason": _text(form, "reason"),
            "last_exposure_on": _text(form, "last_exposure_on")}


def change_data(form, person: dict) -> dict:
    return {"isolation_id": _text(form, "isolation_id"), "change": _text(form, "change"), "on": _text(form, "on"),
            "reason": _text(form, "reason")}


def followup_data(form, person: dict) -> dict:
    errors = {}
    data = {"isolation_id": _text(form, "isolation_id"), "date": _text(form, "date"),
            "temperature_morning": _number(form, "temperature_morning", errors),
            "temperature_afternoon": _number(form, "temperature_afternoon", errors),
            "symptoms": form.getlist("symptoms"), "contact_method": _text(form, "contact_method"),
            "note": _text(form, "note")}
    if errors:
        raise FormError(errors)
    return data


def illness_data(form, person: dict) -> dict:
    return {**person, "date": _text(form, "date"), "saw_doctor": _boolean(form, "saw_doctor"),
            "diagnosis": _text(form, "diagnosis"), "recovered_on": _text(form, "recovered_on"),
            "back_on": _text(form, "back_on"), "closed": form.get("closed") == "yes", "note": _text(form, "note")}


def status_data(form, person: dict) -> dict:
    return {**person, "status": _text(form, "status"), "note": _text(form, "note")}


def support_data(form, person: dict) -> dict:
    return {"student_id": person["student_id"], "date": _text(form, "date"), "mood": _text(form, "mood"),
            "closed": form.get("closed") == "yes", "note": _text(form, "note")}


FORMS = {"screening": screening_data, "isolation_start": isolation_data, "isolation_change": change_data,
         "isolation_followup": followup_data, "illness_followup": illness_data, "status_change": status_data,
         "support_followup": support_data}


def record(user, kind: str, data: dict, recorded_at: str) -> dict:
    """Push one record as `user` from the office; the engine's result (status, code, errors)."""
    body = {"device_id": OFFICE_DEVICE, "records": [{"id": str(uuid.uuid4()), "kind": kind,
                                                     "recorded_at": recorded_at, "data": data}]}
    return engine.push(user, body, 1)[0]

