"""Checkpoint duty: checkpoints, shifts and who stands them, volunteers' links, and the synced log.

Times: a shift's `starts_at` / `ends_at` are stored as **naive UTC**, like every other timestamp
of the app (`webapp.org.models.utcnow()`). The roster is planned in the county's local time
(`BABEL_DEFAULT_TIMEZONE`, Asia/Shanghai); `webapp/duty/clock.py` converts at the edges (forms,
pages, the .ics, the phone's reference data), so overlaps and "has it started" are plain
comparisons with `utcnow()`.

Scope: a checkpoint lies in a user's scope through its village (`unit_id`). A shift reaches its
unit through its checkpoint: `Shift.unit_id` is a read-only column property (a correlated
subquery), so `scoped(Shift)` and `get_scoped(Shift, id)` work unchanged. A synced record keeps
the village of its checkpoint when it came (`unit_id`), like the health records do.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..extensions import db
from ..org.county import county_key
from ..org.models import Staff, Unit, User, utcnow
from ..sync.models import RECORD_ID


class Checkpoint(db.Model):
    """A community checkpoint (卡点) in a village, with the leader who answers for it."""

    __tablename__ = "checkpoint"
    __scope_column__ = "unit_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    county_id: Mapped[int] = county_key("unit_id")
    address: Mapped[str] = mapped_column(String(200), default="")
    active_from: Mapped[date]
    active_to: Mapped[date | None]
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    leader: Mapped[Staff | None] = relationship()

    def is_active_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


def _checkpoint_unit(checkpoint_id_column):
    """The unit of the row's checkpoint, as a column: scope follows the checkpoint's village."""
    return column_property(select(Checkpoint.unit_id).where(Checkpoint.id == checkpoint_id_column)
                           .correlate_except(Checkpoint).scalar_subquery(), deferred=True)


class Shift(db.Model):
    """A stretch of duty at a checkpoint. Cancelled shifts stay (phones are told to drop them)."""

    __tablename__ = "shift"
    __scope_column__ = "unit_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    county_id: Mapped[int] = county_key("checkpoint_id")
    starts_at: Mapped[datetime] = mapped_column(index=True)  # naive UTC
    ends_at: Mapped[datetime]  # naive UTC
    needed: Mapped[int] = mapped_column(default=2)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    checkpoint: Mapped[Checkpoint] = relationship()
    leader: Mapped[Staff | None] = relationship()
    assignments: Mapped[list[ShiftAssignment]] = relationship(
        order_by="ShiftAssignment.id",
        primaryjoin="and_(ShiftAssignment.shift_id == Shift.id, ShiftAssignment.removed_at.is_(None))",
        viewonly=True)

    unit_id = _checkpoint_unit(checkpoint_id)

    @property
    def people(self) -> list[Staff]:
        return [a.staff for a in self.assignments]

    @property
    def understaffed(self) -> bool:
        return len(self.assignments) < self.needed


class ShiftAssignment(db.Model):
    """A person booked on a shift. Removing someone keeps the row (`removed_at`) so phones learn of it."""

    __tablename__ = "shift_assignment"
    __table_args__ = (UniqueConstraint("shift_id", "staff_id", name="uq_shift_assignment_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    county_id: Mapped[int] = county_key("shift_id")
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    removed_at: Mapped[datetime | None]

    shift: Mapped[Shift] = relationship()
    staff: Mapped[Staff] = relationship()


class VolunteerLink(db.Model):
    """A person's personal link. The signed token carries this row's random id; revoking flags the row."""

    __tablename__ = "volunteer_link"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    county_id: Mapped[int] = county_key("staff_id")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    staff: Mapped[Staff] = relationship()
    created_by: Mapped[User | None] = relationship()

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class _SyncedRecord:
    """What every typed row of a synced record keeps: who, which device, the phone's and the server's time."""

    id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)
    # The checkpoint's village when the record came: history stays where it happened.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(index=True)  # naive UTC, the phone's clock
    recorded_offset_minutes: Mapped[int] = mapped_column(default=480)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttendanceAction(str, enum.Enum):
    check_in = "check_in"
    check_out = "check_out"


class ShiftAttendance(_SyncedRecord, db.Model):
    """A check-in or check-out of a shift (record kind `shift_attendance`)."""

    __tablename__ = "shift_attendance"
    __scope_column__ = "unit_id"

    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    county_id: Mapped[int] = county_key("unit_id")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    action: Mapped[AttendanceAction] = mapped_column(db.Enum(AttendanceAction, native_enum=False, length=16))

    shift: Mapped[Shift] = relationship()
    staff: Mapped[Staff | None] = relationship()
    user: Mapped[User] = relationship()


DIRECTIONS = ("in", "out")
SHOWN_ITEMS = ("health_code", "itinerary_code", "id_card", "other")


class CheckpointEntry(_SyncedRecord, db.Model):
    """A person passing a checkpoint (record kind `checkpoint_entry`). Never changed after it is stored."""

    __tablename__ = "checkpoint_entry"
    __scope_column__ = "unit_id"

    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"))
    county_id: Mapped[int] = county_key("unit_id")
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    name: Mapped[str | None] = mapped_column(String(50))
    from_place: Mapped[str | None] = mapped_column(String(100))
    to_place: Mapped[str | None] = mapped_column(String(100))
    verified: Mapped[bool]
    shown: Mapped[str] = mapped_column(String(80), default="")  # comma-separated, e.g. "health_code,id_card"
    temperature: Mapped[float | None]
    disinfected: Mapped[bool]
    plate: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(200))
    # Judged once, with the threshold in force when it arrived: a later change of the setting
    # must not rewrite what the township was shown.
    fever: Mapped[bool] = mapped_column(default=False)
    flagged: Mapped[bool] = mapped_column(default=False)

    checkpoint: Mapped[Checkpoint] = relationship()
    shift: Mapped[Shift | None] = relationship()
    user: Mapped[User] = relationship()

    @property
    def shown_list(self) -> list[str]:
        return [item for item in self.shown.split(",") if item]


class EntryFollowUp(db.Model):
    """A flagged entry followed up by the township: a new row, the entry itself stays as it came."""

    __tablename__ = "checkpoint_entry_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("checkpoint_entry.id"), index=True)
    county_id: Mapped[int] = county_key("entry_id")
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[CheckpointEntry] = relationship()
    user: Mapped[User] = relationship()


Index("ix_checkpoint_entry_checkpoint_recorded", CheckpointEntry.checkpoint_id, CheckpointEntry.recorded_at)
Index("ix_checkpoint_entry_flagged_recorded", CheckpointEntry.flagged, CheckpointEntry.recorded_at)
Index("ix_shift_checkpoint_starts", Shift.checkpoint_id, Shift.starts_at)
