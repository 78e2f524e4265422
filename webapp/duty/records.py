"""The field record kinds of checkpoint duty: `shift_attendance` and `checkpoint_entry`.

Who may record at a checkpoint: anyone whose scope holds its village (the township, the village's
own volunteers), or a person booked on one of its shifts around the time of the record (a
teacher from a school standing duty in a village). Anyone else is refused as `forbidden`.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..errors import OutOfScope, RuleError
from ..extensions import db
from ..org.models import User
from ..org.settings import current_settings
from ..sync.registry import Field, RecordKind, register
from .models import (
    DIRECTIONS,
    SHOWN_ITEMS,
    AttendanceAction,
    Checkpoint,
    CheckpointEntry,
    Shift,
    ShiftAssignment,
    ShiftAttendance,
)

# A record may reach the server days after it was made; a booking counts from a day before the
# shift to a day after it, so a phone with a slightly wrong clock is not refused.
BOOKING_SLACK = timedelta(days=1)


def _booked(user: User, checkpoint_id: int, at: datetime, shift_id: int | None = None) -> bool:
    """Whether the user's staff record is booked at this checkpoint (on this shift) around `at`."""
    if user.staff_id is None:
        return False
    query = (exists().where(ShiftAssignment.shift_id == Shift.id, ShiftAssignment.staff_id == user.staff_id,
                            ShiftAssignment.removed_at.is_(None), Shift.checkpoint_id == checkpoint_id,
                            Shift.starts_at <= at + BOOKING_SLACK, Shift.ends_at >= at - BOOKING_SLACK))
    if shift_id is not None:
        query = query.where(Shift.id == shift_id)
    return bool(db.session.scalar(select(query)))


def _may_record(ctx, checkpoint: Checkpoint, shift_id: int | None = None) -> None:
    if ctx.user.scope.contains(checkpoint.unit):
        return
    if not _booked(ctx.user, checkpoint.id, ctx.recorded_at, shift_id):
        raise OutOfScope(_l("You are not on duty at this checkpoint."), "shift_id" if shift_id else "checkpoint_id")


def _shift(shift_id: int) -> Shift:
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise RuleError(_l("There is no such shift."), "shift_id")
    return shift


def _envelope(ctx, unit_id: int) -> dict:
    return {"id": ctx.record_id, "unit_id": unit_id, "user_id": ctx.user.id, "device_id": ctx.device_id,
            "recorded_at": ctx.recorded_at, "recorded_offset_minutes": ctx.recorded_offset_minutes,
            "received_at": ctx.received_at}


# ---- shift_attendance ----------------------------------------------------------------------

def apply_attendance(ctx, data: dict) -> ShiftAttendance:
    """Store a check-in or check-out of the user (through their staff record) for a shift."""
    shift = _shift(data["shift_id"])
    _may_record(ctx, shift.checkpoint, shift.id)
    row = ShiftAttendance(**_envelope(ctx, shift.checkpoint.unit_id), shift_id=shift.id,
                          staff_id=ctx.user.staff_id, action=AttendanceAction(data["action"]))
    db.session.add(row)
    db.session.flush()
    return row


register(RecordKind(
    name="shift_attendance",
    description="Checking in to or out of a checkpoint shift.",
    fields=(
        Field("shift_id", "integer", minimum=1, description="The shift (from the `shifts` collection)."),
        Field("action", "string", choices=tuple(a.value for a in AttendanceAction)),
    ),
    apply=apply_attendance,
))


# ---- checkpoint_entry ----------------------------------------------------------------------

def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _check_entry(data: dict) -> dict:
    """Rules across fields: what was shown is listed once each."""
    shown = data.get("shown") or []
    if len(set(shown)) != len(shown):
        return {"shown": str(_l("Each item at most once."))}
    return {}


def apply_entry(ctx, data: dict) -> CheckpointEntry:
    """Store one person passing a checkpoint; a fever or an unverified person is flagged."""
    checkpoint = db.session.get(Checkpoint, data["checkpoint_id"])
    if checkpoint is None:
        raise RuleError(_l("There is no such checkpoint."), "checkpoint_id")
    shift_id = data.get("shift_id")
    if shift_id is not None and _shift(shift_id).checkpoint_id != checkpoint.id:
        raise RuleError(_l("This shift belongs to another checkpoint."), "shift_id")
    _may_record(ctx, checkpoint)
    temperature = data.get("temperature")
    fever = temperature is not None and temperature >= current_settings(ctx.user).fever_threshold
    row = CheckpointEntry(
        **_envelope(ctx, checkpoint.unit_id), checkpoint_id=checkpoint.id, shift_id=shift_id,
        direction=data["direction"], name=_text(data.get("name")), from_place=_text(data.get("from_place")),
        to_place=_text(data.get("to_place")), verified=data["verified"], shown=",".join(data.get("shown") or []),
        temperature=temperature, disinfected=data["disinfected"], plate=_text(data.get("plate")),
        note=_text(data.get("note")), fever=fever, flagged=fever or not data["verified"])
    db.session.add(row)
    db.session.flush()
    return row


def _optional(name: str, max_length: int, description: str = "") -> Field:
    return Field(name, "string", required=False, nullable=True, max_length=max_length, description=description)


register(RecordKind(
    name="checkpoint_entry",
    description="A person passing a checkpoint: whereabouts, identity check, temperature, disinfection.",
    fields=(
        Field("checkpoint_id", "integer", minimum=1),
        Field("shift_id", "integer", required=False, nullable=True, minimum=1),
        Field("direction", "string", choices=DIRECTIONS),
        _optional("name", 50),
        _optional("from_place", 100, "Where the person comes from (行踪询问)."),
        _optional("to_place", 100, "Where the person goes."),
        Field("verified", "boolean", description="Information verified; false flags the entry."),
        Field("shown", "array", required=False, choices=SHOWN_ITEMS, description="What the person showed."),
        Field("temperature", "number", required=False, nullable=True, minimum=34.0, maximum=43.0,
              description="°C; at or above the county's fever threshold flags the entry."),
        Field("disinfected", "boolean"),
        _optional("plate", 16, "Vehicle plate."),
        _optional("note", 200),
    ),
    apply=apply_entry,
    check=_check_entry,
))

from . import reference as _reference  # noqa: E402,F401  (the checkpoints and shifts the phones pull)
from . import strings as _strings  # noqa: E402,F401  (the on-duty screen's words)
