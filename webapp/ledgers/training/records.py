"""The record kind `training`: a training session of a school's staff (disinfection, the infrared
thermometer): when, by whom, who attended. `prepare` reads the group's schools (one scope query) and
the staff listed (one query); each must be the school's (its own unit, a grade or a class of it)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...errors import RuleError
from ...extensions import db
from ...org.models import Staff, Unit, UnitKind
from ...org.scoping import scoped_by_id
from ...sync.registry import Field, Item, RecordKind, per_item, register
from ..common import record_day, unit_of
from .models import Topic, TrainingAttendee, TrainingSession

MAX_DAYS_BACK = 90  # a session is often written up afterwards


def check_session(data: dict) -> dict:
    ids = [a["staff_id"] for a in data["attendees"]]
    if not ids:
        return {"attendees": str(_l("Tick at least one person trained."))}
    if len(set(ids)) != len(ids):
        return {"attendees": str(_l("Each person only once."))}
    if not (data["trainer"] or "").strip():
        return {"trainer": str(_l("Say who gave the training."))}
    return {}


def prepare_sessions(batch, items: list[Item]) -> list:
    schools = scoped_by_id(Unit, {i.data["school_id"] for i in items}, batch.user, columns=(Unit.kind, Unit.path))
    wanted = {a["staff_id"] for i in items for a in i.data["attendees"]}
    staff = {row.id: row.path for row in db.session.execute(
        select(Staff.id, Unit.path).join(Unit, Unit.id == Staff.unit_id).where(Staff.id.in_(wanted)))} if wanted else {}

    def row(item: Item) -> dict:
        data, school = item.data, unit_of(schools, item, "school_id", (UnitKind.school,),
                                          _l("Training is recorded for a school's staff."))
        if any(not staff.get(a["staff_id"], "").startswith(school.path) for a in data["attendees"]):
            raise RuleError(_l("A person ticked is not on this school's staff."), "attendees")
        return {TrainingSession: {"record_id": item.id, "school_id": school.id,
                                  "date": record_day(item, data["date"], MAX_DAYS_BACK), "topic": Topic(data["topic"]),
                                  "trainer": data["trainer"].strip(), "note": (data["note"] or "").strip() or None,
                                  **batch.stamp(item)},
                TrainingAttendee: [{"record_id": item.id, "staff_id": a["staff_id"]} for a in data["attendees"]]}
    return per_item(items, row)


TRAINING = register(RecordKind(
    name="training",
    description="A training session of a school's staff (disinfection, the infrared thermometer): when, by whom, "
                "who attended.",
    fields=(
        Field("school_id", "integer", minimum=1),
        Field("date", "date", description="The day of the training (county time); up to 90 days back."),
        Field("topic", "string", choices=tuple(t.value for t in Topic)),
        Field("trainer", "string", max_length=50, description="Who gave it."),
        Field("attendees", "array", max_length=500, entries=(Field("staff_id", "integer", minimum=1),),
              description="The staff trained (from the `staff` collection)."),
        Field("note", "string", required=False, nullable=True, max_length=200),
    ),
    check=check_session, prepare=prepare_sessions))
