"""The world the authorization matrix runs in: the small county, one shift and one volunteer link
on each side, and the URL of every route made from its arguments.

Side A is what the matrix's accounts look after (township A, school A1, class 1-1, village A);
side B lies outside all of them but the county admin (township B, school B1, village B). An id of
side B must answer 404 wherever the same id of side A passes the role check.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from types import SimpleNamespace

from webapp.duty import clock
from webapp.duty import operations as duty
from webapp.extensions import db
from webapp.ledgers.disinfection.models import Area, AreaKind
from webapp.notices.models import Notice, NoticeKind
from webapp.org.models import Staff

# The principals, in the order of the matrix's columns.
PRINCIPALS = ("county", "township_a", "school_a1", "homeroom_a1", "teacher_a1", "volunteer_a", "anonymous",
              "volunteer_link")


def build(county) -> SimpleNamespace:
    """Side A and side B objects of every kind the routes take an id of."""
    start = clock.local_today() - timedelta(days=3)
    cp_a = duty.save_checkpoint(None, county.users.township_a, name="东村卡点", unit=county.village_a,
                                address="东村村口", active_from=start, active_to=None, leader=None)
    cp_b = duty.save_checkpoint(None, county.users.county, name="西村卡点", unit=county.village_b,
                                address="西村桥头", active_from=start, active_to=None, leader=None)
    volunteer_b = Staff(unit=county.village_b, name="钱志愿", phone="13900000019", is_volunteer=True)
    db.session.add(volunteer_b)
    db.session.flush()
    monday = clock.week_start(clock.local_today()) + timedelta(days=14)
    shift_a = duty.create_shift(cp_a, datetime.combine(monday, time(7)), datetime.combine(monday, time(13)), 2)
    shift_b = duty.create_shift(cp_b, datetime.combine(monday, time(7)), datetime.combine(monday, time(13)), 2)
    duty.assign(shift_a, county.volunteer)
    duty.assign(shift_b, volunteer_b)
    link = duty.issue_link(county.volunteer, county.users.township_a)
    notices = [Notice(unit=school, kind=list(NoticeKind)[0], title="通知", body="正文", published_by=county.users.county)
               for school in (county.school_a1, county.school_b1)]
    areas = [Area(unit=school, name="食堂", kind=list(AreaKind)[0]) for school in (county.school_a1, county.school_b1)]
    db.session.add_all(notices + areas)
    db.session.commit()
    c = county
    return SimpleNamespace(
        token=duty.link_token(link),
        # argument name -> (side A, side B); a route's own needs are in ARGUMENTS below.
        ids={
            "student_id": (c.students_a1_1[0].id, c.students_b1_1[0].id),
            "person_id": (c.students_a1_1[0].id, c.students_b1_1[0].id),
            "staff_id": (c.teacher_a1_1.id, c.teacher_b1.id),
            "user_id": (c.users.teacher_a1.id, c.users.homeroom_b1.id),
            "unit_id": (c.school_a1.id, c.school_b1.id),
            "school_id": (c.school_a1.id, c.school_b1.id),
            "checkpoint_id": (cp_a.id, cp_b.id),
            "shift_id": (shift_a.id, shift_b.id),
            "notice_id": (notices[0].id, notices[1].id),
            "area_id": (areas[0].id, areas[1].id),
        },
        volunteer_ids=(county.volunteer.id, volunteer_b.id))


# Arguments that are no id of side A / B: the same for every principal. A route whose arguments
# cannot be made here answers what its missing object answers (404), after its role check.
FIXED = {"code": "en", "fmt": "xlsx", "filename": "css/app.css", "entry_id": "00000000-0000-4000-8000-000000000000",
         "job_id": 1, "item_id": 1}  # jobs are their owner's only; items are the county's list
# Per endpoint, where an argument means something else than elsewhere.
ARGUMENTS = {
    "imports.template": {"kind": "students"},
    "tracking.person": {"kind": "student"},
    "imports.accounts": {"token": "no-such-upload"},
    "imports.cancel": {"token": "no-such-upload"},
    "imports.confirm": {"token": "no-such-upload"},
}
# The volunteer's own staff record, not a teacher's, for the duty screens about a person.
VOLUNTEER_STAFF = {"duty.issue_link", "duty.revoke_link", "duty.make_leader", "duty.remove"}


def arguments(rule, world, side: int, principal: str) -> dict | None:
    """The values of the rule's arguments on one side (0: A, 1: B); None when it has no id to swap."""
    values, swapped = {}, False
    for name in rule.arguments:
        if name in ARGUMENTS.get(rule.endpoint, {}):
            values[name] = ARGUMENTS[rule.endpoint][name]
        elif name == "token":
            values[name] = world.token if principal == "volunteer_link" else "not-a-token"
        elif name == "staff_id" and rule.endpoint in VOLUNTEER_STAFF:
            values[name], swapped = world.volunteer_ids[side], True
        elif name in world.ids:
            values[name], swapped = world.ids[name][side], True
        else:
            values[name] = FIXED[name]
    return values if side == 0 or swapped else None
