"""Office screens of school duty: each school's duty today (the county and townships), a school's
week on the roster with its forms (open the roster, shifts for days at once, who stands each), and the
week as .xlsx. The roster rules are checkpoint duty's (webapp/duty/operations.py)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ... import spreadsheets
from ...duty import clock
from ...duty import operations as duty
from ...duty.forms import AssignForm, BulkShiftsForm
from ...duty.models import Shift
from ...errors import RuleError
from ...fields import day_arg
from ...extensions import db
from ...navigation import add_entry
from ...org.access import require_roles
from ...org.models import Role, Unit, UnitKind
from ...org.scoping import get_scoped
from ..common import scoped_school
from . import export
from . import operations as ops

bp = Blueprint("school_duty", __name__, url_prefix="/ledgers/school-duty")
OFFICE = (Role.county_admin, Role.township_admin, Role.school_admin)
office = require_roles(*OFFICE)

add_entry("school_duty.overview", _l("School duty"), OFFICE, after="training.overview")


def _monday() -> date:
    return clock.week_start(day_arg("week", clock.local_today()))


@bp.route("/")
@office
def overview():
    if current_user.scope.kind is UnitKind.school:
        return redirect(url_for("school_duty.school", school_id=current_user.scope.id))
    today = clock.local_today()
    return render_template("ledgers/school_duty/overview.html", lines=ops.coverage(current_user.scope, today),
                           today=today, local=clock.to_local)


@bp.route("/school/<int:school_id>")
@office
def school(school_id: int):
    unit = scoped_school(school_id)
    post, monday = ops.post_of(unit), _monday()
    bulk = BulkShiftsForm(first_day=monday, last_day=monday + timedelta(days=6), slots="08:00-20:00, 20:00-08:00",
                          needed=1)
    assign = AssignForm()
    assign.staff_ids.choices = [(s.id, s.name) for s in ops.staff_of(unit)]
    return render_template("ledgers/school_duty/school.html", unit=unit, post=post, monday=monday,
                           shifts=ops.week(post, monday) if post else [], bulk=bulk, assign=assign,
                           local=clock.to_local, previous=monday - timedelta(days=7), following=monday + timedelta(days=7))


@bp.post("/school/<int:school_id>/open")
@office
def open_post(school_id: int):
    ops.open_post(current_user, scoped_school(school_id))
    db.session.commit()
    return redirect(url_for("school_duty.school", school_id=school_id))


@bp.post("/school/<int:school_id>/shifts")
@office
def add_shifts(school_id: int):
    unit = scoped_school(school_id)
    post = ops.post_of(unit) or abort(404)
    form = BulkShiftsForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("school_duty.school", school_id=unit.id))
    try:
        created, existing = duty.bulk_create(post, form.first_day.data, form.last_day.data,
                                             duty.parse_slots(form.slots.data), form.needed.data)
    except RuleError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(n)s shifts created, %(m)s were already there.", n=len(created), m=existing))
    return redirect(url_for("school_duty.school", school_id=unit.id, week=form.first_day.data.isoformat()))


def _shift(unit: Unit, shift_id: int) -> Shift:
    shift = get_scoped(Shift, shift_id)
    post = ops.post_of(unit)
    if post is None or shift.checkpoint_id != post.id:
        abort(404)
    return shift


@bp.post("/school/<int:school_id>/shifts/<int:shift_id>/people")
@office
def assign(school_id: int, shift_id: int):
    unit = scoped_school(school_id)
    shift = _shift(unit, shift_id)
    staff = {s.id: s for s in ops.staff_of(unit)}
    wanted = {int(v) for v in request.form.getlist("staff_ids") if v.isdigit()}
    try:
        for person in shift.people:
            if person.id not in wanted:
                duty.unassign(shift, person)
        for staff_id in wanted:
            if staff_id not in staff:
                raise RuleError(_l("Only the school's own staff stand its duty."), "staff_ids")
            duty.assign(shift, staff[staff_id])
    except RuleError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The shift is saved."))
    week = clock.week_start(clock.to_local(shift.starts_at).date()).isoformat()
    return redirect(url_for("school_duty.school", school_id=unit.id, week=week, _anchor=f"shift-{shift.id}"))


@bp.route(f"/school/<int:school_id>/week.{spreadsheets.FILE}")
@office
def export_week(school_id: int, fmt: str):
    unit = scoped_school(school_id)
    post, monday = ops.post_of(unit), _monday()
    table = export.week_table(unit, monday, ops.week(post, monday) if post else [])
    return spreadsheets.response(table, None, fmt, about=unit)
