"""Rules and state changes of checkpoint duty. They flush, never commit; the views commit.

Times given to these functions are naive **local** times of the county (what people type);
they are stored as naive UTC through `clock.to_utc`.
"""
from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..errors import OutOfScope, RuleError
from ..extensions import db
from ..org.models import Staff, Unit, UnitKind, User, utcnow
from ..org.scoping import scope_clause, scoped
from ..org.ordering import in_school_order
from ..org.validators import valid_mobile
from . import clock
from .models import (
    AttendanceAction,
    Checkpoint,
    CheckpointEntry,
    EntryFollowUp,
    Shift,
    ShiftAssignment,
    ShiftAttendance,
    VolunteerLink,
)

MAX_NEEDED = 50
MAX_BULK_DAYS = 62
MAX_COPY_WEEKS = 8
LINK_DAYS = 30
LINK_SALT = "volunteer-link"


# ---- checkpoints ---------------------------------------------------------------------------

def save_checkpoint(checkpoint: Checkpoint | None, user: User, *, name: str, unit: Unit, address: str,
                    active_from: date, active_to: date | None, leader: Staff | None) -> Checkpoint:
    """Create a checkpoint (checkpoint None) or change one, in a village of the user's scope; or a
    school's own duty post (值班值守, webapp/ledgers/school_duty): the same roster serves both."""
    if unit.kind not in PLACE_KINDS:
        raise RuleError(_l("A checkpoint stands in a village, a community or a school."), "unit_id")
    if not user.scope.contains(unit):
        raise OutOfScope(_l("That place is outside your area."), "unit_id")
    if active_to is not None and active_to < active_from:
        raise RuleError(_l("The last day comes before the first day."), "active_to")
    checkpoint = checkpoint or Checkpoint()
    checkpoint.name, checkpoint.unit, checkpoint.address = name.strip(), unit, (address or "").strip()
    checkpoint.active_from, checkpoint.active_to, checkpoint.leader = active_from, active_to, leader
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


# ---- shifts --------------------------------------------------------------------------------

def _check_shift(checkpoint: Checkpoint, starts: datetime, ends: datetime, needed: int) -> None:
    if ends <= starts:
        raise RuleError(_l("A shift must end after it starts."), "end")
    if ends - starts > timedelta(hours=24):
        raise RuleError(_l("A shift lasts at most 24 hours."), "end")
    if not 1 <= needed <= MAX_NEEDED:
        raise RuleError(_l("People needed must be between 1 and %(max)s.", max=MAX_NEEDED), "needed")
    if not checkpoint.is_active_on(starts.date()):
        raise RuleError(_l("The checkpoint is not active on %(day)s.", day=starts.date().isoformat()), "start")


def _existing_shift(checkpoint: Checkpoint, starts_utc: datetime, ends_utc: datetime) -> Shift | None:
    query = select(Shift).where(Shift.checkpoint_id == checkpoint.id, Shift.starts_at == starts_utc,
                                Shift.ends_at == ends_utc, Shift.cancelled.is_(False))
    return db.session.scalars(query).first()


def create_shift(checkpoint: Checkpoint, starts: datetime, ends: datetime, needed: int,
                 leader: Staff | None = None) -> Shift:
    """One shift at local times `starts`–`ends`; the same shift twice is refused."""
    _check_shift(checkpoint, starts, ends, needed)
    starts_utc, ends_utc = clock.to_utc(starts), clock.to_utc(ends)
    if _existing_shift(checkpoint, starts_utc, ends_utc):
        raise RuleError(_l("This checkpoint already has a shift at that time."), "start")
    shift = Shift(checkpoint=checkpoint, starts_at=starts_utc, ends_at=ends_utc, needed=needed)
    db.session.add(shift)
    db.session.flush()
    if leader is not None:
        set_leader(shift, leader)
    return shift


def parse_slots(text: str) -> list[tuple[time, time]]:
    """"07:00-13:00, 13:00-19:00" as pairs of times; an end at or before the start runs overnight."""
    slots = []
    for part in text.replace("，", ",").replace("–", "-").replace("～", "-").replace("~", "-").split(","):
        if not part.strip():
            continue
        try:
            start, end = (time.fromisoformat(p.strip().zfill(5)) for p in part.split("-"))
        except ValueError:
            raise RuleError(_l("\"%(slot)s\" is not a time range like 07:00-13:00.", slot=part.strip()), "slots")
        slots.append((start, end))
    if not slots:
        raise RuleError(_l("Give at least one time range, like 07:00-13:00."), "slots")
    return slots


def _slot_times(day: date, slot: tuple[time, time]) -> tuple[datetime, datetime]:
    starts, ends = datetime.combine(day, slot[0]), datetime.combine(day, slot[1])
    return starts, ends if ends > starts else ends + timedelta(days=1)


def bulk_create(checkpoint: Checkpoint, first: date, last: date, slots: list[tuple[time, time]],
                needed: int) -> tuple[list[Shift], int]:
    """Every day from `first` to `last`, one shift per slot. Returns (created, how many already existed)."""
    if last < first:
        raise RuleError(_l("The last day comes before the first day."), "last_day")
    if (last - first).days >= MAX_BULK_DAYS:
        raise RuleError(_l("At most %(n)s days at once.", n=MAX_BULK_DAYS), "last_day")
    created, existing = [], 0
    for offset in range((last - first).days + 1):
        for slot in slots:
            starts, ends = _slot_times(first + timedelta(days=offset), slot)
            _check_shift(checkpoint, starts, ends, needed)
            if _existing_shift(checkpoint, clock.to_utc(starts), clock.to_utc(ends)):
                existing += 1  # a second click on the same form must not double the roster
                continue
            created.append(create_shift(checkpoint, starts, ends, needed))
    return created, existing


def shifts_between(checkpoint: Checkpoint, first: date, last: date) -> list[Shift]:
    """The checkpoint's shifts that start on local days `first` to `last`, with their people."""
    start, end = clock.day_bounds(first, last)
    query = (select(Shift).where(Shift.checkpoint_id == checkpoint.id, Shift.cancelled.is_(False),
                                 Shift.starts_at >= start, Shift.starts_at < end)
             .options(selectinload(Shift.assignments).selectinload(ShiftAssignment.staff),
                      selectinload(Shift.leader))
             .order_by(Shift.starts_at, Shift.ends_at))
    return list(db.session.scalars(query))


def copy_week(checkpoint: Checkpoint, monday: date, weeks: int = 1) -> tuple[int, int]:
    """Copy the week starting `monday` (shifts, people, leaders) to the next `weeks` weeks.

    Returns (shifts created, shifts skipped because one was already there or the checkpoint is closed).
    """
    if not 1 <= weeks <= MAX_COPY_WEEKS:
        raise RuleError(_l("Copy to between 1 and %(n)s weeks.", n=MAX_COPY_WEEKS), "weeks")
    created = skipped = 0
    for source in shifts_between(checkpoint, monday, monday + timedelta(days=6)):
        for k in range(1, weeks + 1):
            if _copy_shift(source, timedelta(days=7 * k)):
                created += 1
            else:
                skipped += 1
    return created, skipped


def _copy_shift(source: Shift, delta: timedelta) -> Shift | None:
    # Shift in local time: a county with daylight saving keeps its 07:00 at 07:00.
    starts = clock.to_local(source.starts_at).replace(tzinfo=None) + delta
    ends = clock.to_local(source.ends_at).replace(tzinfo=None) + delta
    checkpoint = source.checkpoint
    if not checkpoint.is_active_on(starts.date()) or _existing_shift(checkpoint, clock.to_utc(starts),
                                                                        clock.to_utc(ends)):
        return None
    copy = create_shift(checkpoint, starts, ends, source.needed)
    for person in source.people:
        assign(copy, person)
    if source.leader is not None:
        set_leader(copy, source.leader)
    return copy


def cancel_shift(shift: Shift) -> None:
    """Take a shift off the roster; phones learn of it at their next pull."""
    shift.cancelled = True
    shift.updated_at = utcnow()
    db.session.flush()


# ---- people on shifts ----------------------------------------------------------------------

def _assignment(shift: Shift, staff: Staff) -> ShiftAssignment | None:
    return db.session.scalars(select(ShiftAssignment).filter_by(shift_id=shift.id, staff_id=staff.id)).first()


def assign(shift: Shift, staff: Staff) -> ShiftAssignment:
    """Book a person on a shift (again, if they had been removed). Idempotent."""
    if not staff.active:
        raise RuleError(_l("%(name)s is no longer active.", name=staff.name), "staff_id")
    link = _assignment(shift, staff)
    if link is None:
        link = ShiftAssignment(shift_id=shift.id, staff_id=staff.id)
        db.session.add(link)
    elif link.removed_at is not None:
        link.removed_at, link.updated_at = None, utcnow()
    _touch(shift)
    return link


def unassign(shift: Shift, staff: Staff) -> None:
    """Take a person off a shift; the row stays, marked removed, so their phone drops the shift."""
    link = _assignment(shift, staff)
    if link is None or link.removed_at is not None:
        raise RuleError(_l("%(name)s is not on this shift.", name=staff.name), "staff_id")
    link.removed_at = link.updated_at = utcnow()
    if shift.leader_id == staff.id:
        shift.leader_id = None
    _touch(shift)


def replace_person(shift: Shift, old: Staff, new: Staff) -> ShiftAssignment:
    """Put `new` in `old`'s place on the shift; a replaced leader's place as leader goes to `new`."""
    if old.id == new.id:
        raise RuleError(_l("Choose a different person."), "new_staff_id")
    if _assignment(shift, new) is not None and _assignment(shift, new).removed_at is None:
        raise RuleError(_l("%(name)s is already on this shift.", name=new.name), "new_staff_id")
    was_leader = shift.leader_id == old.id
    unassign(shift, old)
    link = assign(shift, new)
    if was_leader:
        shift.leader_id = new.id
    db.session.flush()
    return link


def set_leader(shift: Shift, staff: Staff) -> None:
    """The shift's leader (带班): booked on the shift, and the one whose phone number others may see."""
    assign(shift, staff)
    shift.leader_id = staff.id
    db.session.flush()


def _touch(shift: Shift) -> None:
    shift.updated_at = utcnow()
    db.session.flush()
    db.session.expire(shift, ["assignments"])


def add_volunteer(village: Unit, name: str, phone: str, user: User | None = None) -> tuple[Staff, bool]:
    """A volunteer without an account: name and mobile number. Returns (person, whether new).

    A person already known by that number in the user's area is reused, so nobody is on the roster
    twice. A number known only outside the area is answered exactly like an unknown one (a new
    volunteer here): the answer never tells that the number exists elsewhere.
    """
    name, phone = (name or "").strip(), (phone or "").strip()
    if not name:
        raise RuleError(_l("Give the volunteer's name."), "name")
    if not valid_mobile(phone):
        raise RuleError(_l("Give an 11-digit mobile number."), "phone")
    query = select(Staff).where(Staff.phone == phone, Staff.active.is_(True)).order_by(Staff.id)
    if user is not None:
        query = query.where(scope_clause(Staff, user))
    known = db.session.scalars(query).first()
    if known is not None:
        return known, False
    staff = Staff(unit_id=village.id, name=name[:50], phone=phone, is_volunteer=True)
    db.session.add(staff)
    db.session.flush()
    return staff, True


# ---- warnings ------------------------------------------------------------------------------

@dataclass
class Clash:
    """`staff` is booked on `shift` and, at an overlapping time, on `other`."""

    staff: Staff
    shift: Shift
    other: Shift


def double_bookings(shifts: list[Shift]) -> dict[int, list[Clash]]:
    """For each of these shifts, its people also booked at an overlapping time (any checkpoint)."""
    if not shifts:
        return {}
    mine, theirs = aliased(ShiftAssignment), aliased(ShiftAssignment)
    this, other = aliased(Shift), aliased(Shift)
    query = (select(this, other, mine.staff_id)
             .join(mine, and_(mine.shift_id == this.id, mine.removed_at.is_(None)))
             .join(theirs, and_(theirs.staff_id == mine.staff_id, theirs.shift_id != mine.shift_id,
                                theirs.removed_at.is_(None)))
             .join(other, and_(other.id == theirs.shift_id, other.cancelled.is_(False),
                               other.starts_at < this.ends_at, this.starts_at < other.ends_at))
             .where(this.id.in_([s.id for s in shifts]))
             .order_by(other.starts_at))
    clashes: dict[int, list[Clash]] = defaultdict(list)
    for shift, other_shift, staff_id in db.session.execute(query):
        clashes[shift.id].append(Clash(db.session.get(Staff, staff_id), shift, other_shift))
    return dict(clashes)


def clashes_for(shift: Shift, staff: Staff) -> list[Shift]:
    """The other shifts `staff` is booked on that overlap `shift`."""
    query = (select(Shift).join(ShiftAssignment, ShiftAssignment.shift_id == Shift.id)
             .where(ShiftAssignment.staff_id == staff.id, ShiftAssignment.removed_at.is_(None),
                    Shift.id != shift.id, Shift.cancelled.is_(False),
                    Shift.starts_at < shift.ends_at, shift.starts_at < Shift.ends_at))
    return list(db.session.scalars(query))


# ---- volunteers' personal links ------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALT)


def issue_link(staff: Staff, by: User | None, days: int = LINK_DAYS) -> VolunteerLink:
    """A new personal link for `staff`; any link they had before stops working."""
    revoke_links(staff)
    link = VolunteerLink(id=secrets.token_urlsafe(16), staff_id=staff.id, created_by=by,
                         expires_at=utcnow() + timedelta(days=days))
    db.session.add(link)
    db.session.flush()
    return link


def revoke_links(staff: Staff) -> int:
    """Revoke every live link of `staff`; returns how many there were."""
    now = utcnow()
    links = db.session.scalars(select(VolunteerLink).where(VolunteerLink.staff_id == staff.id,
                                                           VolunteerLink.revoked_at.is_(None))).all()
    for link in links:
        link.revoked_at = now
    db.session.flush()
    return len(links)


def current_links(staff_ids: list[int]) -> dict[int, VolunteerLink]:
    """Each person's live link (not revoked, not expired), by staff id."""
    query = select(VolunteerLink).where(VolunteerLink.staff_id.in_(staff_ids), VolunteerLink.revoked_at.is_(None),
                                        VolunteerLink.expires_at > utcnow())
    return {link.staff_id: link for link in db.session.scalars(query.order_by(VolunteerLink.created_at))}


def link_token(link: VolunteerLink) -> str:
    return _serializer().dumps(link.id)


def find_link(token: str) -> VolunteerLink | None:
    """The link a token stands for, live or not; None when the token was not signed by us."""
    try:
        link_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(VolunteerLink, link_id) if isinstance(link_id, str) else None


def is_live(link: VolunteerLink) -> bool:
    """Not revoked, not expired, and its person still active."""
    return link.is_valid(utcnow()) and link.staff.active


def mask_phone(phone: str | None) -> str:
    """139****0001: enough for a colleague to recognise, not enough to call."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def shifts_of(staff: Staff, after: datetime, before: datetime) -> list[Shift]:
    """The person's shifts that end after `after` and start before `before` (naive UTC), soonest first."""
    query = (select(Shift).join(ShiftAssignment, ShiftAssignment.shift_id == Shift.id)
             .where(ShiftAssignment.staff_id == staff.id, ShiftAssignment.removed_at.is_(None),
                    Shift.cancelled.is_(False), Shift.ends_at > after, Shift.starts_at < before)
             .options(selectinload(Shift.checkpoint), selectinload(Shift.leader))
             .order_by(Shift.starts_at))
    return list(db.session.scalars(query))


def rosters_for(shifts: list[Shift]) -> list[tuple[Checkpoint, date, list[Shift]]]:
    """The full roster of each checkpoint on each local day the person stands duty there."""
    days = sorted({(s.checkpoint_id, clock.to_local(s.starts_at).date()) for s in shifts},
                  key=lambda pair: (pair[1], pair[0]))
    checkpoints = {s.checkpoint_id: s.checkpoint for s in shifts}
    return [(checkpoints[cid], day, shifts_between(checkpoints[cid], day, day)) for cid, day in days]


# ---- coverage, log and follow-up -----------------------------------------------------------

@dataclass
class Coverage:
    checkpoint: Checkpoint
    shifts: int = 0
    staffed: int = 0
    understaffed: int = 0
    not_checked_in: int = 0
    flagged: int = 0
    missing: list[Shift] = field(default_factory=list)  # started, and nobody checked in


def coverage(checkpoints: list[Checkpoint], day: date, flags: dict[int, int] | None = None) -> list[Coverage]:
    """Per checkpoint on a local day: shifts, staffed / understaffed, started with nobody checked in.

    `flags` (open flagged entries per checkpoint id) is carried along for the page.
    """
    now = utcnow()
    rows = []
    for checkpoint in checkpoints:
        line = Coverage(checkpoint, flagged=(flags or {}).get(checkpoint.id, 0))
        for shift in shifts_between(checkpoint, day, day):
            line.shifts += 1
            line.understaffed += shift.understaffed
            line.staffed += not shift.understaffed
            if shift.starts_at <= now and not _anyone_checked_in(shift):
                line.not_checked_in += 1
                line.missing.append(shift)
        rows.append(line)
    return rows


def _anyone_checked_in(shift: Shift) -> bool:
    return db.session.scalar(select(exists().where(ShiftAttendance.shift_id == shift.id,
                                                   ShiftAttendance.action == AttendanceAction.check_in)))


def attendance_of(shift: Shift) -> dict[int, dict]:
    """Per staff id: the first check-in and the latest check-out (derived from the synced records)."""
    query = (select(ShiftAttendance).where(ShiftAttendance.shift_id == shift.id, ShiftAttendance.staff_id.is_not(None))
             .order_by(ShiftAttendance.recorded_at, ShiftAttendance.received_at))
    seen: dict[int, dict] = {}
    for record in db.session.scalars(query):
        state = seen.setdefault(record.staff_id, {"check_in": None, "check_out": None})
        if record.action is AttendanceAction.check_in and state["check_in"] is None:
            state["check_in"] = record.recorded_at
        elif record.action is AttendanceAction.check_out:
            state["check_out"] = record.recorded_at
    return seen


def entries_of_day(checkpoint: Checkpoint, day: date) -> list[CheckpointEntry]:
    """The checkpoint's log of a local day (by the phone's time), in order."""
    start, end = clock.day_bounds(day)
    query = (select(CheckpointEntry).where(CheckpointEntry.checkpoint_id == checkpoint.id,
                                           CheckpointEntry.recorded_at >= start, CheckpointEntry.recorded_at < end)
             .order_by(CheckpointEntry.recorded_at, CheckpointEntry.received_at))
    return list(db.session.scalars(query))


def log_counts(entries: list[CheckpointEntry]) -> dict[str, int]:
    return {"in": sum(e.direction == "in" for e in entries), "out": sum(e.direction == "out" for e in entries),
            "flagged": sum(e.flagged for e in entries), "fever": sum(e.fever for e in entries)}


def followed_up_ids(entry_ids: list[str]) -> dict[str, EntryFollowUp]:
    """The latest follow-up of each of these entries."""
    query = (select(EntryFollowUp).where(EntryFollowUp.entry_id.in_(entry_ids))
             .order_by(EntryFollowUp.created_at, EntryFollowUp.id))
    return {f.entry_id: f for f in db.session.scalars(query)}


def open_flag_clause():
    """Flagged entries nobody has followed up yet."""
    return and_(CheckpointEntry.flagged.is_(True),
                ~exists().where(EntryFollowUp.entry_id == CheckpointEntry.id))


def follow_up(entry: CheckpointEntry, user: User, note: str | None) -> EntryFollowUp:
    """Mark a flagged entry as followed up: a new row, the entry stays as it came from the phone."""
    if not entry.flagged:
        raise RuleError(_l("Only flagged entries are followed up."), "entry")
    row = EntryFollowUp(entry_id=entry.id, user_id=user.id, note=(note or "").strip()[:200] or None)
    db.session.add(row)
    db.session.flush()
    return row


def count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


# ---- lookups for the office screens ----------------------------------------------------------

def set_needed(shift: Shift, needed: int) -> None:
    if not 1 <= needed <= MAX_NEEDED:
        raise RuleError(_l("People needed must be between 1 and %(max)s.", max=MAX_NEEDED), "needed")
    shift.needed = needed
    _touch(shift)


def candidates(user: User, checkpoint: Checkpoint, search: str | None, limit: int = 60) -> list[Staff]:
    """People in the user's scope to put on a shift: this checkpoint's regulars and its village's
    volunteers first, then everyone else by name; `search` matches a name or a phone number."""
    regulars = (select(ShiftAssignment.staff_id).join(Shift, Shift.id == ShiftAssignment.shift_id)
                .where(Shift.checkpoint_id == checkpoint.id, ShiftAssignment.removed_at.is_(None)))
    query = scoped(Staff, user).where(Staff.active.is_(True))
    if search and search.strip():
        needle = search.strip()
        query = query.where(or_(Staff.name.contains(needle, autoescape=True),
                                Staff.phone.contains(needle, autoescape=True)))
    rank = case((Staff.id.in_(regulars), 0), (Staff.unit_id == checkpoint.unit_id, 1), else_=2)
    return list(db.session.scalars(query.order_by(rank, Staff.name, Staff.id).limit(limit)))


def next_shift(shift: Shift) -> Shift | None:
    """The checkpoint's next shift after this one: "save and next" walks a roster quickly."""
    query = (select(Shift).where(Shift.checkpoint_id == shift.checkpoint_id, Shift.cancelled.is_(False),
                                 or_(Shift.starts_at > shift.starts_at,
                                     and_(Shift.starts_at == shift.starts_at, Shift.id > shift.id)))
             .order_by(Shift.starts_at, Shift.id).limit(1))
    return db.session.scalars(query).first()


PLACE_KINDS = (UnitKind.village, UnitKind.school)  # a community checkpoint, or a school's gate and duty post


def places_in_scope(user: User) -> dict[UnitKind, list[Unit]]:
    """Where a checkpoint may stand in the user's area: its villages and its schools, in the school's order."""
    units = in_school_order(list(db.session.scalars(scoped(Unit, user).where(Unit.kind.in_(PLACE_KINDS)))))
    return {kind: [u for u in units if u.kind is kind] for kind in PLACE_KINDS}


def checkpoints_in_scope(user: User) -> list[Checkpoint]:
    return list(db.session.scalars(scoped(Checkpoint, user).options(selectinload(Checkpoint.unit))
                                   .order_by(Checkpoint.name, Checkpoint.id)))


def open_flags_by_checkpoint(user: User, day: date) -> dict[int, int]:
    """Open (not followed up) flagged entries of a local day, per checkpoint, in the user's scope."""
    start, end = clock.day_bounds(day)
    query = (select(CheckpointEntry.checkpoint_id, func.count())
             .where(scope_clause(CheckpointEntry, user), open_flag_clause(),
                    CheckpointEntry.recorded_at >= start, CheckpointEntry.recorded_at < end)
             .group_by(CheckpointEntry.checkpoint_id))
    return dict(db.session.execute(query).all())


def flagged_entries(user: User, show: str, page: int, size: int) -> tuple[list[CheckpointEntry], int]:
    """Flagged entries in the user's scope, newest first: `open`, `done` (followed up) or `all`."""
    query = scoped(CheckpointEntry, user).where(CheckpointEntry.flagged.is_(True))
    done = exists().where(EntryFollowUp.entry_id == CheckpointEntry.id)
    if show == "open":
        query = query.where(~done)
    elif show == "done":
        query = query.where(done)
    total = count(query)
    query = (query.options(selectinload(CheckpointEntry.checkpoint))
             .order_by(CheckpointEntry.recorded_at.desc(), CheckpointEntry.id).offset((page - 1) * size).limit(size))
    return list(db.session.scalars(query)), total


def leaders_in_scope(user: User, limit: int = 500) -> list[Staff]:
    """Who may answer for a checkpoint: active people in scope, party members first."""
    query = scoped(Staff, user).where(Staff.active.is_(True))
    return list(db.session.scalars(query.order_by(Staff.party_member.desc(), Staff.name, Staff.id).limit(limit)))
