"""The start page: the user's part of the county at a glance; for admins, first what is missing
today and whom to call, then who is abnormal today. `?unit_id=` opens a unit below (in scope)."""
from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import replica
from ..duty import clock, operations as duty
from ..duty.routes import day_label
from ..health.labels import labels
from ..org.access import REPORT_READERS, admin_only
from ..org.models import Unit, utcnow
from ..org.scoping import get_scoped, in_scope
from ..org.settings import local_today
from . import operations
from .today import KINDS, abnormal_people, today

bp = Blueprint("dashboard", __name__)
LISTED = 20  # the start page lists this many of each; the full lists are one click away
SHIFT_DAYS, SHIFTS_SHOWN = 7, 4  # the start page shows the user's next shifts of the coming week


@bp.context_processor
def _words():
    return {"labels": labels(), "local": clock.to_local, "day_label": day_label}


def _my_shifts() -> list:
    """The user's own checkpoint shifts of the coming week (a volunteer's, or a teacher's on duty)."""
    if current_user.staff is None:
        return []
    now = utcnow()
    return duty.shifts_of(current_user.staff, now, now + timedelta(days=SHIFT_DAYS))[:SHIFTS_SHOWN]


def _unit() -> Unit:
    unit_id = request.args.get("unit_id", type=int)
    return get_scoped(Unit, unit_id) if unit_id is not None else current_user.scope


@bp.route("/")
def home():
    unit = _unit()
    parent = unit.parent if unit.id != current_user.scope_unit_id else None
    with replica.reading():  # the leaders' figures may come from a replica (DATABASE_REPLICA_URL)
        day = today(unit, local_today(), current_user.role, listed=LISTED, called_first=LISTED) if current_user.is_admin else None
        overview = operations.overview(unit, operations.students_below(day.status) if day is not None else None)
    return render_template("dashboard/home.html", overview=overview, today=day, limit=LISTED,
                           reads_reports=current_user.role in REPORT_READERS,
                           up=parent if parent is not None and in_scope(parent) else None,
                           as_of=replica.as_of_shown(), shifts=_my_shifts() if parent is None else [])


def _kind_names() -> list[tuple[str, str]]:
    return [("fever", _("Fever")), ("symptoms", _("Other symptoms")), ("illness", _("Absent for illness"))]


@bp.route("/abnormal")
@admin_only
def abnormal():
    """Everyone abnormal today in the area, or those of one kind (?kind=fever|symptoms|illness)."""
    area, kind = _unit(), request.args.get("kind")
    kind = kind if kind in KINDS else None
    people = [p for p in abnormal_people(area, local_today(), with_staff=True) if kind is None or kind in p.kinds]
    title = dict(_kind_names()).get(kind, _("Abnormal today"))
    return render_template("dashboard/abnormal.html", area=area, day=local_today(), kind=kind, people=people,
                           title=title, kinds=_kind_names())
