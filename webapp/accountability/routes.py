"""The trace-back screens: the lapses of a period with who answered for each, and the monthly table."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..navigation import add_entry
from ..org.access import admin_only
from ..org.models import ADMIN_ROLES, Unit
from ..org.queries import breadcrumb
from ..org.scoping import get_scoped
from ..org.settings import local_today
from .forms import MonthForm, PeriodForm
from .operations import TraceBack, month_bounds

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
                           lapses=trace.lapses(LISTED + 1), limit=LISTED, crumbs=breadcrumb(unit, current_user))


@bp.route("/monthly")
@admin_only
def monthly():
    form = MonthForm(formdata=request.args)
    unit = _unit(form)
    if not form.validate() or not form.month.data:
        form.month.data = local_today().replace(day=1)
    start, end = month_bounds(form.month.data)
    trace = TraceBack(unit, start, end)
    return render_template("accountability/monthly.html", form=form, unit=unit, trace=trace,
                           townships=trace.monthly(), start=start, end=end)
