"""The trace-back screens: the lapses of a period with who answered for each, and the monthly table."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from .. import spreadsheets
from ..jobs import operations as jobs
from ..navigation import add_entry
from ..org.access import admin_only
from ..org.models import ADMIN_ROLES, Unit, UnitKind
from ..org.queries import breadcrumb
from ..org.scoping import get_scoped
from ..org.settings import local_today
from . import export
from .forms import MonthForm, PeriodForm, SummaryJobForm
from .operations import TraceBack, month_bounds, overall

bp = Blueprint("accountability", __name__, url_prefix="/traceback")
add_entry("accountability.lapses", _l("Trace-back"), ADMIN_ROLES)
LISTED = 500  # lapses listed on one page; the monthly table counts them all


def _unit(form) -> Unit:
    return get_scoped(Unit, form.unit_id.data) if form.unit_id.data else current_user.scope


@bp.route("")
@admin_only
def lapses():
    form = PeriodForm(formdata=request.args)
    valid = form.validate()
    unit, today = _unit(form), local_today()
    if not valid or not form.start.data:
        form.start.data, form.end.data = today - timedelta(days=13), today
    end = form.end.data or today
    trace = TraceBack(unit, form.start.data, end)
    return render_template("accountability/lapses.html", form=form, unit=unit, trace=trace,
                           lapses=trace.lapses(LISTED + 1), limit=LISTED, crumbs=breadcrumb(unit, current_user),
                           in_background=in_background(unit), job_form=SummaryJobForm(
                               formdata=None, unit_id=unit.id, start=trace.start, end=max(trace.start, trace.end)))


def _month(form: MonthForm) -> tuple[Unit, date, date]:
    unit = _unit(form)
    if not form.validate() or not form.month.data:
        form.month.data = local_today().replace(day=1)
    return unit, *month_bounds(form.month.data)


@bp.route("/monthly")
@admin_only
def monthly():
    form = MonthForm(formdata=request.args)
    unit, start, end = _month(form)
    trace = TraceBack(unit, start, end)
    townships = trace.monthly()
    return render_template("accountability/monthly.html", form=form, unit=unit, trace=trace, townships=townships,
                           total=overall(townships, unit.id, unit.name), start=start, end=end, job_form=SummaryJobForm(
                               formdata=None, unit_id=unit.id, start=start, end=trace.end),
                           in_background=in_background(unit))


@bp.route(f"/monthly.{spreadsheets.FILE}")
@admin_only
def monthly_file(fmt: str):
    form = MonthForm(formdata=request.args)
    unit, start, end = _month(form)
    name = f"{_('Monthly trace-back table')} {export.unit_title(unit)} {start.strftime('%Y-%m')}"
    return spreadsheets.response(export.monthly_table(TraceBack(unit, start, end), unit, start), name, fmt, about=unit)


def in_background(unit: Unit) -> bool:
    """A township's or the county's summary is a background job; a school's or a class's comes at once."""
    return unit.kind in (UnitKind.county, UnitKind.township)


@bp.route(f"/reports.{spreadsheets.FILE}")
@admin_only
def summary_file(fmt: str):
    """The daily report summary of a period (a school or below: at once; larger areas: the job below)."""
    form = PeriodForm(formdata=request.args)
    unit = _unit(form)
    if not form.validate() or not form.start.data or not form.end.data or in_background(unit):
        return redirect(url_for("accountability.lapses", **request.args))
    trace = TraceBack(unit, form.start.data, form.end.data)
    name = export.summary_name(unit, trace.start, trace.end)
    return spreadsheets.response(export.summary_table(trace, unit), name, fmt, about=unit)


@bp.route("/reports/job", methods=["POST"])
@admin_only
def summary_job():
    form = SummaryJobForm()
    if not form.validate():
        abort(400)
    unit = get_scoped(Unit, form.unit_id.data)
    params = {"unit_id": unit.id, "start": form.start.data.isoformat(), "end": form.end.data.isoformat(),
              "format": form.format.data}
    params["title"] = f"{export.summary_name(unit, form.start.data, form.end.data)}.{form.format.data}"
    job = jobs.start(export.SUMMARY_JOB.name, params, current_user, unit)
    return redirect(url_for("jobs.show", job_id=job.id))
