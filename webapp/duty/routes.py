"""Office screens of checkpoint duty: checkpoints and today's coverage, weekly rosters, shifts,
volunteers' links, each checkpoint's log by day, and the township's flagged entries.

Views are thin: parse, call an operation, commit, answer. Access: township admins and above,
always through the scoping helpers.
"""
from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_skeleton
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import spreadsheets
from ..errors import RuleError
from ..extensions import db
from ..fields import day_arg
from ..navigation import add_entry
from ..org.access import require_roles
from ..org.models import Role, Staff, Unit, UnitKind
from ..org.scoping import get_scoped, in_scope
from . import clock, export
from . import operations as ops
from .forms import (
    ActionForm,
    AssignForm,
    BulkShiftsForm,
    CheckpointForm,
    CopyWeekForm,
    FollowUpForm,
    NeededForm,
    ReplaceForm,
    VolunteerForm,
)
from .models import Checkpoint, CheckpointEntry, Shift

bp = Blueprint("duty", __name__, url_prefix="/duty")
OFFICE = (Role.county_admin, Role.township_admin)
office = require_roles(*OFFICE)

add_entry("duty.checkpoints", _l("Checkpoints"), OFFICE)
add_entry("duty.flagged", _l("Flagged entries"), OFFICE, after="duty.checkpoints")


@bp.context_processor
def _helpers():
    return {"local": clock.to_local, "day_label": day_label, "mask_phone": ops.mask_phone, "timedelta": timedelta}


def day_label(day: date) -> str:
    """"3月2日周一" / "Mon, Mar 2": the way a roster names a day."""
    return format_skeleton("MMMEd", day, locale=str(get_locale() or "zh"))


def _refuse(form, error: RuleError) -> None:
    """Show a refused operation on the form field it is about, else as a message at the top."""
    target = getattr(form, error.field or "", None)
    if target is not None and hasattr(target, "errors"):
        target.errors = list(target.errors) + [error.message]
    else:
        flash(error.message, "error")


# ---- checkpoints and today's coverage ------------------------------------------------------

@bp.route("/")
@office
def checkpoints():
    today = clock.local_today()
    flags = ops.open_flags_by_checkpoint(current_user, today)
    lines = ops.coverage(ops.checkpoints_in_scope(current_user), today, flags)
    _first, open_flags = ops.flagged_entries(current_user, "open", 1, 1)
    return render_template("duty/checkpoints.html", lines=lines, today=today, open_flags=open_flags)


def _checkpoint_form(checkpoint: Checkpoint | None) -> CheckpointForm:
    form = CheckpointForm(obj=checkpoint)
    places = ops.places_in_scope(current_user)
    form.unit_id.choices = {str(_("Villages and communities")): [(u.id, u.name) for u in places[UnitKind.village]],
                            str(_("Schools")): [(u.id, u.name) for u in places[UnitKind.school]]}
    form.leader_id.choices = [(None, _("(none)"))] + [
        (s.id, f"{s.name} {s.position or ''}".strip()) for s in ops.leaders_in_scope(current_user)]
    return form


def _save_checkpoint(checkpoint: Checkpoint | None):
    form = _checkpoint_form(checkpoint)
    if form.validate_on_submit():
        try:
            unit = get_scoped(Unit, form.unit_id.data)
            leader = get_scoped(Staff, form.leader_id.data) if form.leader_id.data else None
            saved = ops.save_checkpoint(checkpoint, current_user, name=form.name.data, unit=unit,
                                        address=form.address.data, active_from=form.active_from.data,
                                        active_to=form.active_to.data, leader=leader)
        except RuleError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("The checkpoint is saved."))
            return redirect(url_for("duty.roster", checkpoint_id=saved.id))
    return render_template("duty/checkpoint_form.html", form=form, checkpoint=checkpoint)


@bp.route("/checkpoints/new", methods=["GET", "POST"])
@office
def new_checkpoint():
    return _save_checkpoint(None)


@bp.route("/checkpoints/<int:checkpoint_id>/edit", methods=["GET", "POST"])
@office
def edit_checkpoint(checkpoint_id: int):
    return _save_checkpoint(get_scoped(Checkpoint, checkpoint_id))


# ---- the roster of a week ------------------------------------------------------------------

@bp.route("/checkpoints/<int:checkpoint_id>")
@office
def roster(checkpoint_id: int):
    checkpoint = get_scoped(Checkpoint, checkpoint_id)
    monday = clock.week_start(day_arg("week", clock.local_today()))
    shifts = ops.shifts_between(checkpoint, monday, monday + timedelta(days=6))
    people = sorted({p.id: p for s in shifts for p in s.people}.values(), key=lambda p: p.name)
    links = ops.current_links([p.id for p in people])
    days = [(monday + timedelta(days=i), [s for s in shifts if local_day(s) == monday + timedelta(days=i)])
            for i in range(7)]
    return render_template("duty/roster.html", checkpoint=checkpoint, monday=monday, days=days, shifts=shifts,
                           clashes=ops.double_bookings(shifts), people=people, links=links,
                           link_url=_link_url, manageable=lambda p: in_scope(p.unit),
                           copy_form=CopyWeekForm(), action_form=ActionForm())


def local_day(shift: Shift) -> date:
    return clock.to_local(shift.starts_at).date()


def _link_url(link) -> str:
    return url_for("public.volunteer", token=ops.link_token(link), _external=True)


@bp.route("/checkpoints/<int:checkpoint_id>/bulk", methods=["GET", "POST"])
@office
def bulk_shifts(checkpoint_id: int):
    checkpoint = get_scoped(Checkpoint, checkpoint_id)
    form = BulkShiftsForm()
    if request.method == "GET":
        form.first_day.data = max(clock.local_today(), checkpoint.active_from)
        form.last_day.data = form.first_day.data + timedelta(days=13)
    if form.validate_on_submit():
        try:
            slots = ops.parse_slots(form.slots.data)
            created, existing = ops.bulk_create(checkpoint, form.first_day.data, form.last_day.data, slots,
                                                form.needed.data)
        except RuleError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("%(n)s shifts created (%(m)s were already there).", n=len(created), m=existing))
            return redirect(url_for("duty.roster", checkpoint_id=checkpoint.id, week=form.first_day.data.isoformat()))
    return render_template("duty/bulk.html", form=form, checkpoint=checkpoint)


@bp.route("/checkpoints/<int:checkpoint_id>/copy-week", methods=["POST"])
@office
def copy_week(checkpoint_id: int):
    checkpoint = get_scoped(Checkpoint, checkpoint_id)
    monday = clock.week_start(day_arg("week", clock.local_today()))
    form = CopyWeekForm()
    if not form.validate_on_submit():
        flash(_("Copy to between 1 and %(n)s weeks.", n=ops.MAX_COPY_WEEKS), "error")
        return redirect(url_for("duty.roster", checkpoint_id=checkpoint.id, week=monday.isoformat()))
    try:
        created, skipped = ops.copy_week(checkpoint, monday, form.weeks.data)
    except RuleError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(n)s shifts copied; %(m)s skipped (already there, or the checkpoint is closed then).",
                n=created, m=skipped))
    return redirect(url_for("duty.roster", checkpoint_id=checkpoint.id, week=(monday + timedelta(days=7)).isoformat()))


# ---- one shift: its people -----------------------------------------------------------------

def _shift_page(shift: Shift, assign_form=None, volunteer_form=None, replace_form=None, needed_form=None):
    search = request.args.get("q", "")
    on_shift = {p.id for p in shift.people}
    candidates = [p for p in ops.candidates(current_user, shift.checkpoint, search) if p.id not in on_shift]
    assign_form = assign_form or AssignForm()
    assign_form.staff_ids.choices = [(p.id, p.name) for p in candidates]
    replace_form = replace_form or _replace_form(shift, candidates)
    clashes = ops.double_bookings([shift]).get(shift.id, [])
    return render_template("duty/shift.html", shift=shift, checkpoint=shift.checkpoint, candidates=candidates,
                           search=search, assign_form=assign_form, volunteer_form=volunteer_form or VolunteerForm(),
                           replace_form=replace_form, needed_form=needed_form or NeededForm(needed=shift.needed),
                           action_form=ActionForm(), clashes=clashes, attendance=ops.attendance_of(shift),
                           next_shift=ops.next_shift(shift))


def _replace_form(shift: Shift, candidates) -> ReplaceForm:
    form = ReplaceForm()
    form.old_staff_id.choices = [(p.id, p.name) for p in shift.people]
    form.new_staff_id.choices = [(p.id, f"{p.name} {ops.mask_phone(p.phone)}") for p in candidates]
    return form


@bp.route("/shifts/<int:shift_id>")
@office
def shift(shift_id: int):
    return _shift_page(get_scoped(Shift, shift_id))


def _warn_clashes(shift: Shift, people) -> None:
    for person in people:
        for other in ops.clashes_for(shift, person):
            flash(_("%(name)s is also booked at %(place)s, %(when)s.", name=person.name, place=other.checkpoint.name,
                    when=clock.to_local(other.starts_at).strftime("%m-%d %H:%M")), "error")


def _after_shift_change(shift: Shift):
    """Back to the shift, or on to the next one when the user asked for "save and next"."""
    nxt = ops.next_shift(shift) if request.form.get("next") else None
    return redirect(url_for("duty.shift", shift_id=(nxt or shift).id))


@bp.route("/shifts/<int:shift_id>/assign", methods=["POST"])
@office
def assign(shift_id: int):
    shift = get_scoped(Shift, shift_id)
    form = AssignForm()
    form.staff_ids.choices = [(int(v), "") for v in request.form.getlist("staff_ids") if v.isdigit()]
    if not form.validate_on_submit():
        return _shift_page(shift, assign_form=form), 400
    people = [get_scoped(Staff, staff_id) for staff_id in form.staff_ids.data or ()]  # none ticked: no list at all
    if not people:
        flash(_("Tick the people to put on this shift."), "error")
        return redirect(url_for("duty.shift", shift_id=shift.id))
    try:
        for person in people:
            ops.assign(shift, person)
    except RuleError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("duty.shift", shift_id=shift.id))
    db.session.commit()
    _warn_clashes(shift, people)
    return _after_shift_change(shift)


@bp.route("/shifts/<int:shift_id>/volunteer", methods=["POST"])
@office
def add_volunteer(shift_id: int):
    shift = get_scoped(Shift, shift_id)
    form = VolunteerForm()
    if form.validate_on_submit():
        try:
            person, new = ops.add_volunteer(shift.checkpoint.unit, form.name.data, form.phone.data, current_user)
            ops.assign(shift, person)
        except RuleError as error:
            db.session.rollback()
            _refuse(form, error)
        else:
            db.session.commit()
            if not new:
                flash(_("%(name)s was already known by this number and is now on the shift.", name=person.name))
            _warn_clashes(shift, [person])
            return redirect(url_for("duty.shift", shift_id=shift.id))
    return _shift_page(shift, volunteer_form=form), 400


def _person_on(shift: Shift, staff_id: int) -> Staff:
    person = next((p for p in shift.people if p.id == staff_id), None)
    if person is None:
        abort(404)
    return person


@bp.route("/shifts/<int:shift_id>/replace", methods=["POST"])
@office
def replace(shift_id: int):
    shift = get_scoped(Shift, shift_id)
    old = _person_on(shift, request.form.get("old_staff_id", type=int))
    new = get_scoped(Staff, request.form.get("new_staff_id", type=int))
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        ops.replace_person(shift, old, new)
    except RuleError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(old)s is replaced by %(new)s.", old=old.name, new=new.name))
        _warn_clashes(shift, [new])
    return redirect(url_for("duty.shift", shift_id=shift.id))


@bp.route("/shifts/<int:shift_id>/people/<int:staff_id>/remove", methods=["POST"])
@office
def remove(shift_id: int, staff_id: int):
    return _act_on_person(shift_id, staff_id, ops.unassign,
                          lambda person: _("%(name)s is off this shift.", name=person.name))


@bp.route("/shifts/<int:shift_id>/people/<int:staff_id>/leader", methods=["POST"])
@office
def make_leader(shift_id: int, staff_id: int):
    return _act_on_person(shift_id, staff_id, ops.set_leader)


def _act_on_person(shift_id: int, staff_id: int, action, message=None):
    """`action(shift, person)` on someone on a shift of my area, after a valid form; back to the shift."""
    shift = get_scoped(Shift, shift_id)
    person = _person_on(shift, staff_id)
    if ActionForm().validate_on_submit():
        action(shift, person)
        db.session.commit()
        if message is not None:
            flash(message(person))
    return redirect(url_for("duty.shift", shift_id=shift.id))


@bp.route("/shifts/<int:shift_id>/needed", methods=["POST"])
@office
def set_needed(shift_id: int):
    shift = get_scoped(Shift, shift_id)
    form = NeededForm()
    if not form.validate_on_submit():
        return _shift_page(shift, needed_form=form), 400
    ops.set_needed(shift, form.needed.data)
    db.session.commit()
    return redirect(url_for("duty.shift", shift_id=shift.id))


@bp.route("/shifts/<int:shift_id>/cancel", methods=["POST"])
@office
def cancel(shift_id: int):
    shift = get_scoped(Shift, shift_id)
    if ActionForm().validate_on_submit():
        ops.cancel_shift(shift)
        db.session.commit()
        flash(_("The shift is cancelled."))
    return redirect(url_for("duty.roster", checkpoint_id=shift.checkpoint_id, week=local_day(shift).isoformat()))


# ---- personal links ------------------------------------------------------------------------

def _back_to_roster():
    checkpoint_id = request.form.get("checkpoint_id", type=int)
    if checkpoint_id:
        return redirect(url_for("duty.roster", checkpoint_id=checkpoint_id, week=request.form.get("week")))
    return redirect(url_for("duty.checkpoints"))


@bp.route("/people/<int:staff_id>/link", methods=["POST"])
@office
def issue_link(staff_id: int):
    person = get_scoped(Staff, staff_id)
    if ActionForm().validate_on_submit():
        link = ops.issue_link(person, current_user)
        db.session.commit()
        flash(_("A new link for %(name)s is ready; any earlier link no longer opens.", name=person.name))
        current_app.logger.info("volunteer link %s issued for staff %s by user %s", link.id[:6], person.id,
                                current_user.id)
    return _back_to_roster()


@bp.route("/people/<int:staff_id>/link/revoke", methods=["POST"])
@office
def revoke_link(staff_id: int):
    person = get_scoped(Staff, staff_id)
    if ActionForm().validate_on_submit():
        ops.revoke_links(person)
        db.session.commit()
        flash(_("The link of %(name)s no longer opens.", name=person.name))
    return _back_to_roster()


# ---- the log of a day, and flagged entries -------------------------------------------------

@bp.route("/checkpoints/<int:checkpoint_id>/log")
@office
def log(checkpoint_id: int):
    checkpoint = get_scoped(Checkpoint, checkpoint_id)
    day = day_arg("day", clock.local_today())
    entries = ops.entries_of_day(checkpoint, day)
    follow_ups = ops.followed_up_ids([e.id for e in entries if e.flagged])
    return render_template("duty/log.html", checkpoint=checkpoint, day=day, entries=entries,
                           flagged=[e for e in entries if e.flagged], counts=ops.log_counts(entries),
                           follow_ups=follow_ups, shifts=ops.shifts_between(checkpoint, day, day), form=FollowUpForm(),
                           prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1))


@bp.route(f"/checkpoints/<int:checkpoint_id>/log.{spreadsheets.FILE}")
@office
def export_log(checkpoint_id: int, fmt: str):
    checkpoint = get_scoped(Checkpoint, checkpoint_id)
    day = day_arg("day", clock.local_today())
    entries = ops.entries_of_day(checkpoint, day)
    table = export.day_log_table(checkpoint, day, entries, ops.followed_up_ids([e.id for e in entries]))
    return spreadsheets.response(table, None, fmt,
                                 about=checkpoint.unit)


@bp.route("/flagged")
@office
def flagged():
    show = request.args.get("show", "open")
    show = show if show in ("open", "done", "all") else "open"
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    size = current_app.config["PAGE_SIZE"]
    entries, total = ops.flagged_entries(current_user, show, page, size)
    return render_template("duty/flagged.html", entries=entries, total=total, show=show, page=page, size=size,
                           follow_ups=ops.followed_up_ids([e.id for e in entries]), form=FollowUpForm())


@bp.route("/entries/<entry_id>/follow-up", methods=["POST"])
@office
def follow_up(entry_id: str):
    entry = get_scoped(CheckpointEntry, entry_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            ops.follow_up(entry, current_user, form.note.data)
        except RuleError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Marked as followed up."))
    else:
        flash(_("The note has at most 200 characters."), "error")
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith("/duty/")
                    else url_for("duty.flagged"))
