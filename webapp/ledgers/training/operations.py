"""Training's figures: per school, the share of its staff on duty trained in disinfection and in the
infrared thermometer (and of all its staff). "On duty": booked on a shift of the duty roster
(webapp/duty, the one roster of checkpoints and schools) from 30 days back to 14 days ahead."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ...duty import clock
from ...duty.models import Shift, ShiftAssignment
from ...extensions import db
from ...org.models import Staff, Unit
from ...org.scoping import subtree_ids
from ..common import schools_under, township_names
from .models import Topic, TrainingAttendee, TrainingSession

DUTY_BACK, DUTY_AHEAD = 30, 14
TOPICS = (Topic.disinfection, Topic.thermometer)


@dataclass
class SchoolTraining:
    school: Unit
    township: str
    staff: set[int] = field(default_factory=set)
    on_duty: set[int] = field(default_factory=set)
    trained: dict[Topic, set[int]] = field(default_factory=dict)

    def share(self, topic: Topic, on_duty: bool = True) -> float | None:
        people = self.on_duty if on_duty else self.staff
        return len(people & self.trained.get(topic, set())) / len(people) if people else None

    @property
    def lowest(self) -> float:
        shares = [s for t in TOPICS if (s := self.share(t)) is not None]
        return min(shares) if shares else 2.0


def _school_of(path: str) -> int | None:
    parts = path.strip("/").split("/")
    return int(parts[2]) if len(parts) > 2 else None


def on_duty(root: Unit, today: date) -> set[int]:
    """Staff under `root` booked on a shift of the roster in the window (one query)."""
    start, end = clock.day_bounds(today - timedelta(days=DUTY_BACK), today + timedelta(days=DUTY_AHEAD))
    query = (select(ShiftAssignment.staff_id).join(Shift, Shift.id == ShiftAssignment.shift_id)
             .join(Staff, Staff.id == ShiftAssignment.staff_id)
             .where(ShiftAssignment.removed_at.is_(None), Shift.cancelled.is_(False), Shift.starts_at >= start,
                    Shift.starts_at < end, Staff.unit_id.in_(subtree_ids(root))).distinct())
    return set(db.session.scalars(query))


def schools(root: Unit, today: date) -> list[SchoolTraining]:
    """Every school under `root`, the lowest share of trained staff on duty first."""
    units = schools_under(root)
    townships = township_names(units)
    result = {u.id: SchoolTraining(u, townships.get(u.id, "")) for u in units}
    staff_school = {}
    for staff_id, path in db.session.execute(select(Staff.id, Unit.path).join(Unit, Unit.id == Staff.unit_id).where(
            Staff.unit_id.in_(subtree_ids(root)), Staff.active.is_(True), Staff.is_volunteer.is_(False))):
        school_id = _school_of(path)
        if school_id in result:
            result[school_id].staff.add(staff_id)
            staff_school[staff_id] = school_id
    for staff_id in on_duty(root, today):
        if staff_id in staff_school:
            result[staff_school[staff_id]].on_duty.add(staff_id)
    trained = select(TrainingSession.school_id, TrainingSession.topic, TrainingAttendee.staff_id).join(
        TrainingAttendee, TrainingAttendee.record_id == TrainingSession.record_id).where(
        TrainingSession.school_id.in_(subtree_ids(root)))
    for school_id, topic, staff_id in db.session.execute(trained):
        if school_id in result:
            result[school_id].trained.setdefault(topic, set()).add(staff_id)
    return sorted(result.values(), key=lambda s: s.lowest)


def sessions(school: Unit) -> list[TrainingSession]:
    query = (select(TrainingSession).where(TrainingSession.school_id == school.id)
             .options(db.selectinload(TrainingSession.attendees).joinedload(TrainingAttendee.staff))
             .order_by(TrainingSession.date.desc(), TrainingSession.recorded_at.desc()))
    return list(db.session.scalars(query))


def school_staff(school: Unit) -> list[Staff]:
    return list(db.session.scalars(select(Staff).where(Staff.unit_id.in_(subtree_ids(school)),
                                                       Staff.active.is_(True), Staff.is_volunteer.is_(False))
                                   .order_by(Staff.name, Staff.id)))
