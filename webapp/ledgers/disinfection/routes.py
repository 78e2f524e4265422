"""Office screens of the disinfection ledger: today's coverage (places with areas overdue first),
a place's day with its entry form, its month at a glance and its .xlsx / CSV, its areas, the county's
default due times. Views are thin: parse, operate, commit."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ... import spreadsheets
from ...duty import clock
from ...errors import RuleError
from ...fields import FIRST_DAY, LAST_DAY
from ...extensions import db
from ...navigation import add_entry
from ...org.access import require_roles
from ...org.forms import options
from ...org.models import Role, Unit, UnitKind
from ...org.scoping import get_scoped
from ..common import new_record_id, refuse, submit
from . import export
from . import operations as ops
from .forms import AreaForm, EntryForm, kind_labels, method_labels
from .models import Area, AreaKind
from .schedule import due_text

bp = Blueprint("disinfection", __name__, url_prefix="/ledgers/disinfection")
OFFICE = (Role.county_admin, Role.township_admin, Role.school_admin)
office = require_roles(*OFFICE)

add_entry("disinfection.overview", _l("Disinfection"), OFFICE, after="supplies.overview")


@bp.context_processor
def _labels():
    return {"kind_labels": kind_labels(), "method_labels": method_labels()}


def _place(unit_id: int) -> Unit:
    unit = get_scoped(Unit, unit_id)
    if unit.kind not in (UnitKind.school, UnitKind.village):
        abort(404)
    return unit


@bp.route("/")
@office
def overview():
    if current_user.scope.kind is UnitKind.school:
        return redirect(url_for("disinfection.place", unit_id=current_user.scope.id))
    now = clock.local_now()
    places = ops.coverage(current_user.scope, now.date(), now.time())
    return render_template("ledgers/disinfection/overview.html", places=places, today=now.date())


@bp.route("/unit/<int:unit_id>", methods=["GET", "POST"])
@office
def place(unit_id: int):
    unit = _place(unit_id)
    now = clock.local_now()
    form = EntryForm()
    form.area_ids.choices = options((a.id, a.name) for a in ops.areas_of(unit))
    if request.method == "GET":
        form.record_id.data, form.date.data = new_record_id(), now.date()
        form.time.data = now.time().replace(second=0, microsecond=0)
        form.done_by.data = current_user.display_name
    elif form.validate_on_submit():
        data = {"unit_id": unit.id, "areas": [{"area_id": a} for a in form.area_ids.data],
                "date": form.date.data.isoformat(), "time": form.time.data.strftime("%H:%M"),
                "method": form.method.data, "agent": form.agent.data or None,
                "concentration": form.concentration.data or None, "done_by": form.done_by.data,
                "note": form.note.data or None}
        try:
            submit(current_user, "disinfection", data, form.record_id.data or None)
        except RuleError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The entry is saved."))
            return redirect(url_for("disinfection.place", unit_id=unit.id))
    day = ops.coverage(unit, now.date(), now.time())
    return render_template("ledgers/disinfection/place.html", unit=unit, form=form, today=now.date(),
                           place=day[0] if day else None, entries=ops.entries(unit, now.date(), now.date()))


def _month_arg() -> date:
    first = clock.local_today().replace(day=1)
    try:
        day = date.fromisoformat(request.args.get("month", "") + "-01")
    except ValueError:
        return first
    return day if FIRST_DAY <= day <= LAST_DAY else first


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@bp.route("/unit/<int:unit_id>/month")
@office
def month(unit_id: int):
    unit = _place(unit_id)
    first = _month_arg()
    last, now = _month_end(first), clock.local_now()
    areas, grid = ops.month(unit, first, last, now.date(), now.time())
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return render_template("ledgers/disinfection/month.html", unit=unit, areas=areas, grid=grid, days=days,
                           first=first, previous=(first - timedelta(days=1)).replace(day=1),
                           following=last + timedelta(days=1))


@bp.route(f"/unit/<int:unit_id>/month.{spreadsheets.FILE}")
@office
def export_month(unit_id: int, fmt: str):
    unit = _place(unit_id)
    first = _month_arg()
    table = export.month_table(unit, first, ops.entries(unit, first, _month_end(first)))
    return spreadsheets.response(table, None, fmt, about=unit)


# ---- areas and defaults --------------------------------------------------------------------

@bp.route("/unit/<int:unit_id>/areas", methods=["GET", "POST"])
@office
def areas(unit_id: int):
    return _save_area(_place(unit_id), None)


@bp.route("/unit/<int:unit_id>/areas/<int:area_id>", methods=["GET", "POST"])
@office
def edit_area(unit_id: int, area_id: int):
    unit = _place(unit_id)
    area = get_scoped(Area, area_id)
    if area.unit_id != unit.id:
        abort(404)
    return _save_area(unit, area)


def _save_area(unit: Unit, area: Area | None):
    form = AreaForm(obj=area)
    if request.method == "GET" and area is not None:
        form.kind.data = area.kind.value
    if form.validate_on_submit():
        try:
            ops.save_area(area, current_user, unit, name=form.name.data, kind=AreaKind(form.kind.data),
                          due_times=form.due_times.data, active=form.active.data)
        except RuleError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The area is saved."))
            return redirect(url_for("disinfection.areas", unit_id=unit.id))
    return render_template("ledgers/disinfection/areas.html", unit=unit, form=form, area=area,
                           areas=ops.areas_of(unit, active_only=False),
                           defaults={k: due_text(v) for k, v in ops.due_defaults().items()})


@bp.route("/defaults", methods=["GET", "POST"])
@require_roles(Role.county_admin)
def defaults():
    current = {kind: due_text(times) for kind, times in ops.due_defaults().items()}
    if request.method == "POST":  # the app's CSRF protection has checked the form's token
        values = {kind: request.form.get(kind.value, "") for kind in AreaKind}
        try:
            ops.save_defaults(values)
        except RuleError as error:
            flash(_("%(kind)s: %(why)s", kind=kind_labels()[AreaKind(error.field)], why=error.message), "error")
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("The county's due times are saved."))
            return redirect(url_for("disinfection.defaults"))
        current = {kind: values[kind] for kind in AreaKind}
    return render_template("ledgers/disinfection/defaults.html", current=current)
