"""The field record kinds of checkpoint duty: `shift_attendance` and `checkpoint_entry`.

Who may record at a checkpoint: anyone whose scope holds its village (the township, the village's
own volunteers), or a person booked on one of its shifts around the time of the record (a
teacher from a school standing duty in a village). Anyone else is refused as `forbidden`.
Each kind's `prepare` reads the shifts, checkpoints and bookings of its whole group at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import OutOfScope, RuleError
from ..extensions import db
from ..org.models import User
from ..org.settings import current_settings
from ..sync.registry import Field, Item, RecordKind, per_item, register
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


@dataclass(frozen=True)
class _Booking:
    shift_id: int
    checkpoint_id: int
    starts_at: datetime
    ends_at: datetime


def _bookings(user: User, checkpoint_ids: set[int]) -> list[_Booking]:
    """The user's bookings (through their staff record) at these checkpoints: one query for a group."""
    if user.staff_id is None or not checkpoint_ids:
        return []
    query = (select(Shift.id, Shift.checkpoint_id, Shift.starts_at, Shift.ends_at)
             .join(ShiftAssignment, ShiftAssignment.shift_id == Shift.id)
             .where(ShiftAssignment.staff_id == user.staff_id, ShiftAssignment.removed_at.is_(None),
                    Shift.checkpoint_id.in_(checkpoint_ids)))
    return [_Booking(*row) for row in db.session.execute(query)]


def _booked(bookings: list[_Booking], checkpoint_id: int, at: datetime, shift_id: int | None = None) -> bool:
    """Whether one of the bookings is at this checkpoint (on this shift) around `at`."""
    return any(b.checkpoint_id == checkpoint_id and (shift_id is None or b.shift_id == shift_id)
               and b.starts_at <= at + BOOKING_SLACK and b.ends_at >= at - BOOKING_SLACK for b in bookings)


@dataclass
class _Group:
    """What a group's rules read, once for all its records: shifts, checkpoints with their villages, bookings."""

    user: User
    shifts: dict[int, Shift]
    checkpoints: dict[int, Checkpoint]
    bookings: list[_Booking]

    @classmethod
    def read(cls, user: User, shift_ids: set, checkpoint_ids: set) -> _Group:
        shifts = _by_id(select(Shift).where(Shift.id.in_(shift_ids)).options(
            selectinload(Shift.checkpoint).selectinload(Checkpoint.unit))) if shift_ids else {}
        wanted = set(checkpoint_ids) - {shift.checkpoint_id for shift in shifts.values()}
        checkpoints = {shift.checkpoint_id: shift.checkpoint for shift in shifts.values()}
        if wanted:
            checkpoints.update(_by_id(select(Checkpoint).where(Checkpoint.id.in_(wanted))
                                      .options(selectinload(Checkpoint.unit))))
        bookings = _bookings(user, set(checkpoints))
        # A checkpoint outside the user's area where they were never booked is answered exactly like
        # one that does not exist (and its shifts likewise): the answer must not tell that it exists.
        booked_at = {booking.checkpoint_id for booking in bookings}
        checkpoints = {key: checkpoint for key, checkpoint in checkpoints.items()
                       if checkpoint.id in booked_at or user.scope.contains(checkpoint.unit)}
        shifts = {key: shift for key, shift in shifts.items() if shift.checkpoint_id in checkpoints}
        return cls(user, shifts, checkpoints, bookings)

    def shift(self, shift_id: int) -> Shift:
        shift = self.shifts.get(shift_id)
        if shift is None:
            raise RuleError(_l("There is no such shift."), "shift_id")
        return shift

    def may_record(self, item: Item, checkpoint: Checkpoint, shift_id: int | None = None) -> None:
        """Anyone whose area holds the checkpoint's village, or who is booked there around the record's time."""
        if self.user.scope.contains(checkpoint.unit):
            return
        if not _booked(self.bookings, checkpoint.id, item.recorded_at, shift_id):
            raise OutOfScope(_l("You are not on duty at this checkpoint."), "shift_id" if shift_id else "checkpoint_id")


def _by_id(query) -> dict:
    return {row.id: row for row in db.session.scalars(query)}


def _envelope(batch, item: Item, unit_id: int) -> dict:
    return {"id": item.id, "unit_id": unit_id, **batch.stamp(item),
            "recorded_offset_minutes": item.recorded_offset_minutes}


# ---- shift_attendance ----------------------------------------------------------------------

def prepare_attendance(batch, items: list[Item]) -> list:
    """Check-ins and check-outs of the user (through their staff record) for shifts."""
    group = _Group.read(batch.user, {i.data["shift_id"] for i in items}, set())

    def row(item: Item) -> dict:
        shift = group.shift(item.data["shift_id"])
        group.may_record(item, shift.checkpoint, shift.id)
        return {ShiftAttendance: {**_envelope(batch, item, shift.checkpoint.unit_id), "shift_id": shift.id,
                                  "staff_id": batch.user.staff_id, "action": AttendanceAction(item.data["action"])}}
    return per_item(items, row)


register(RecordKind(
    name="shift_attendance",
    description="Checking in to or out of a checkpoint shift.",
    fields=(
        Field("shift_id", "integer", minimum=1, description="The shift (from the `shifts` collection)."),
        Field("action", "string", choices=tuple(a.value for a in AttendanceAction)),
    ),
    prepare=prepare_attendance,
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


def prepare_entries(batch, items: list[Item]) -> list:
    """People passing checkpoints; a fever (the county's threshold now) or an unverified person is flagged."""
    group = _Group.read(batch.user, {i.data["shift_id"] for i in items if i.data.get("shift_id") is not None},
                        {i.data["checkpoint_id"] for i in items})
    threshold = current_settings(batch.user).fever_threshold

    def row(item: Item) -> dict:
        data = item.data
        checkpoint = group.checkpoints.get(data["checkpoint_id"])
        if checkpoint is None:
            raise RuleError(_l("There is no such checkpoint."), "checkpoint_id")
        shift_id = data.get("shift_id")
        if shift_id is not None and group.shift(shift_id).checkpoint_id != checkpoint.id:
            raise RuleError(_l("This shift belongs to another checkpoint."), "shift_id")
        group.may_record(item, checkpoint)
        temperature = data.get("temperature")
        fever = temperature is not None and temperature >= threshold
        return {CheckpointEntry: {
            **_envelope(batch, item, checkpoint.unit_id), "checkpoint_id": checkpoint.id, "shift_id": shift_id,
            "direction": data["direction"], "name": _text(data.get("name")), "from_place": _text(data.get("from_place")),
            "to_place": _text(data.get("to_place")), "verified": data["verified"],
            "shown": ",".join(data.get("shown") or []), "temperature": temperature, "disinfected": data["disinfected"],
            "plate": _text(data.get("plate")), "note": _text(data.get("note")), "fever": fever,
            "flagged": fever or not data["verified"]}}
    return per_item(items, row)


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
    prepare=prepare_entries,
    check=_check_entry,
))

from . import reference as _reference  # noqa: E402,F401  (the checkpoints and shifts the phones pull)
from . import strings as _strings  # noqa: E402,F401  (the on-duty screen's words)
