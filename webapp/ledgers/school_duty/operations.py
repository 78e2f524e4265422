"""School duty (值班值守): a school's own duty roster of its leaders and staff, on the roster core of
checkpoint duty (webapp/duty): the school's duty post is a Checkpoint whose unit is the school, so
its shifts, bookings, bulk creation, the phone's check-in and the coverage are written once there."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ...duty import clock
from ...duty import operations as duty
from ...duty.models import Checkpoint, Shift
from ...extensions import db
from ...org.models import Staff, Unit, UnitKind, User
from ...org.scoping import subtree_ids


def post_of(school: Unit) -> Checkpoint | None:
    return db.session.scalars(select(Checkpoint).where(Checkpoint.unit_id == school.id).order_by(Checkpoint.id)).first()


def open_post(user: User, school: Unit) -> Checkpoint:
    """The school's duty post, made once (a second click finds the first)."""
    return post_of(school) or duty.save_checkpoint(
        None, user, name=f"{school.name}值班", unit=school, address="", active_from=clock.local_today(),
        active_to=None, leader=None)


def posts_under(root: Unit) -> list[Checkpoint]:
    query = (select(Checkpoint).join(Unit, Unit.id == Checkpoint.unit_id)
             .where(Checkpoint.unit_id.in_(subtree_ids(root)), Unit.kind == UnitKind.school)
             .options(db.selectinload(Checkpoint.unit)).order_by(Unit.sort_key))
    return list(db.session.scalars(query))


def coverage(root: Unit, day: date) -> list[duty.Coverage]:
    """Each school's duty on `day`: shifts, understaffed, started with nobody checked in (the worst first)."""
    lines = duty.coverage(posts_under(root), day)
    return sorted(lines, key=lambda line: (-line.not_checked_in, -line.understaffed))


def week(post: Checkpoint, monday: date) -> list[tuple[Shift, dict]]:
    """The week's shifts with who checked in and out (the roster core's attendance)."""
    return [(shift, duty.attendance_of(shift)) for shift in duty.shifts_between(post, monday, monday + timedelta(days=6))]


def staff_of(school: Unit) -> list[Staff]:
    return list(db.session.scalars(select(Staff).where(Staff.unit_id.in_(subtree_ids(school)), Staff.active.is_(True),
                                                       Staff.is_volunteer.is_(False)).order_by(Staff.name, Staff.id)))
