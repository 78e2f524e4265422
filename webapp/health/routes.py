"""Office screens of the health checks: a unit's daily report, a person's history, completeness, the ledger."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..dashboard.operations import ROLLED_UP, completeness as completeness_of, list_classes
from ..navigation import add_entry
from ..org.access import REPORT_READERS, people_readers, report_readers, staff_health_readers
from ..org.models import Staff, Student, Unit, UnitKind, utcnow
from ..org.operations import unit_label
from ..org.scoping import get_scoped, scope_clause
from ..org.settings import current_settings, cutoff_moment, local_today
from .. import audit, replica, spreadsheets
from ..jobs import operations as jobs
from . import export, operations
from .figures import day_figures
from .forms import DayForm, LedgerJobForm
from .labels import labels
from .models import HealthCheck

bp = Blueprint("health", __name__, url_prefix="/reports")
add_entry("health.index", _l("Daily report"), REPORT_READERS, after="dashboard.home")
add_entry("health.completeness", _l("Completeness"), REPORT_READERS, after="health.index")


@bp.context_processor
def _words():
    return {"labels": labels(), "sessions": operations.SESSIONS}


# A report is read per class, grade or school; above a school the question is who is missing.
REPORT_KINDS = (UnitKind.klass, UnitKind.grade, UnitKind.school)
CLASSES_LISTED = 300  # above this, the completeness page lists schools, and their missing classes


def _chosen_day() -> tuple[date, DayForm]:
    """The day asked for in ?date=, else today in the county; a bad date is shown on the form."""
    form = DayForm(formdata=request.args)
    if form.validate() and form.date.data:
        return form.date.data, form
    day = local_today()
    if not form.date.errors:
        form.date.data = day
    return day, form


@bp.route("")
@report_readers
def index():
    """The user's own report: their class or school, or the completeness of a larger area."""
    target = "health.unit_report" if current_user.scope.kind in REPORT_KINDS else "health.completeness"
    return redirect(url_for(target, unit_id=current_user.scope_unit_id, date=request.args.get("date")))


@bp.route("/<int:unit_id>")
@report_readers
def unit_report(unit_id: int):
    unit = get_scoped(Unit, unit_id)
    if unit.kind not in REPORT_KINDS:
        return redirect(url_for("health.completeness", unit_id=unit.id, date=request.args.get("date")))
    day, form = _chosen_day()
    audit.viewed("view_health", unit=unit, detail=f"report {day.isoformat()}")
    settings, report = current_settings(), operations.unit_day(unit, day)
    filed = [unit] if report.report else []
    figures = day_figures(filed + [line.unit for line in report.classes if line.report], day)
    return render_template("health/report.html", form=form, report=report, figures=figures,
                           label=unit_label(unit), settings=settings,
                           overdue=utcnow() > cutoff_moment(day, settings))


@bp.route("/person/<int:student_id>")
@people_readers
def person(student_id: int):
    student = get_scoped(Student, student_id)
    return _history(student, HealthCheck.student_id, student.klass)


@bp.route("/staff/<int:staff_id>")
@staff_health_readers
def staff_person(staff_id: int):
    staff = get_scoped(Staff, staff_id)
    return _history(staff, HealthCheck.staff_id, staff.unit)


def _history(person, column, unit: Unit):
    """The history page of a student or a staff member (`column` is HealthCheck's link to them)."""
    audit.viewed("view_health", subject=person)
    lines = operations.history(scope_clause(HealthCheck), column, person.id)
    return render_template("health/history.html", name=person.name, unit=unit, label=unit_label(unit), lines=lines)


def _area() -> Unit:
    """The unit asked for in ?unit_id= (inside the user's scope), else the user's scope."""
    unit_id = request.args.get("unit_id", type=int)
    return get_scoped(Unit, unit_id) if unit_id is not None else current_user.scope


@bp.route("/completeness")
@report_readers
def completeness():
    area, (day, form) = _area(), _chosen_day()
    only_missing = request.args.get("missing") == "1"
    with replica.reading():  # it may come from a replica (DATABASE_REPLICA_URL)
        # A township's or the county's classes are counted per school in SQL; listed one by one
        # when they are few, or when only the missing ones are asked for.
        status = completeness_of(area, day, per_school=area.kind in ROLLED_UP and not only_missing)
        if not status.listed and status.totals["classes"] <= CLASSES_LISTED:
            list_classes(status, status.schools)
    # A large area lists one line per school (a county's 5,000 classes would be megabytes on a phone).
    per_school = not status.listed
    return render_template("health/completeness.html", form=form, area=area, only_missing=only_missing,
                           per_school=per_school, status=status, in_background=ledger_in_background(area),
                           job_form=LedgerJobForm(formdata=None, unit_id=area.id, date=day),
                           as_of=replica.as_of_shown())


def ledger_in_background(area: Unit) -> bool:
    """A township's or the county's ledger is a background job; a school's or a class's comes at once."""
    return area.kind not in REPORT_KINDS


@bp.route(f"/ledger.{spreadsheets.FILE}")
@report_readers
def ledger(fmt: str):
    area, (day, form) = _area(), _chosen_day()
    if form.date.errors or ledger_in_background(area):
        # The completeness page shows the date's error next to the field, and the button that
        # starts a large area's ledger as a background job.
        return redirect(url_for("health.completeness", unit_id=area.id, date=request.args.get("date")))
    return spreadsheets.response(export.ledger_table(area, day), export.file_name(area, day), fmt, about=area)


@bp.route("/ledger/job", methods=["POST"])
@report_readers
def ledger_job():
    """Start (or find again) the background job of a large area's ledger, and follow it."""
    form = LedgerJobForm()
    if not form.validate():
        abort(400)
    area = get_scoped(Unit, form.unit_id.data)
    params = {"unit_id": area.id, "date": form.date.data.isoformat(), "format": form.format.data,
              "title": f"{export.file_name(area, form.date.data)}.{form.format.data}"}
    job = jobs.start(export.LEDGER_JOB.name, params, current_user, area)
    return redirect(url_for("jobs.show", job_id=job.id))
