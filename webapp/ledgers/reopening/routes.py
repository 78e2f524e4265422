"""Office screens of the reopening plan: the county's readiness item by item (schools not ready
first), a school's copy with its form per item, the county's template, and the .xlsx / CSV files."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ... import spreadsheets
from ...duty import clock
from ...errors import RuleError
from ...extensions import db
from ...navigation import add_entry
from ...org.access import require_roles
from ...org.models import Role, UnitKind
from ..common import item_views, new_record_id, refuse, scoped_school, submit
from . import export
from . import operations as ops
from .forms import ItemForm, UpdateForm, status_labels
from .models import PlanItem

bp = Blueprint("reopening", __name__, url_prefix="/ledgers/reopening")
OFFICE = (Role.county_admin, Role.township_admin, Role.school_admin)
office = require_roles(*OFFICE)
county_only = require_roles(Role.county_admin)

add_entry("reopening.overview", _l("Reopening plan"), OFFICE, after="disinfection.overview")


@bp.context_processor
def _labels():
    return {"status_labels": status_labels(), "new_record_id": new_record_id}


@bp.route("/")
@office
def overview():
    if current_user.scope.kind is UnitKind.school:
        return redirect(url_for("reopening.school", school_id=current_user.scope.id))
    plans = ops.readiness(current_user.scope)
    return render_template("ledgers/reopening/overview.html", plans=plans, items=ops.active_items(),
                           not_back=ops.students_not_back(current_user.scope, clock.local_today()))


@bp.route("/school/<int:school_id>", methods=["GET", "POST"])
@office
def school(school_id: int):
    unit = scoped_school(school_id)
    form, failed = UpdateForm(), None
    if request.method == "POST" and form.validate_on_submit():
        data = {"school_id": unit.id, "item_id": int(form.item_id.data) if form.item_id.data.isdigit() else 0,
                "person": form.person.data, "status": form.status.data, "note": form.note.data or None}
        try:
            submit(current_user, "reopening_item", data, form.record_id.data or None)
        except RuleError as error:
            failed = (data["item_id"], error.message)
        else:
            db.session.commit()
            flash(_("The item is saved."))
            return redirect(url_for("reopening.school", school_id=unit.id, _anchor=f"item-{data['item_id']}"))
    elif request.method == "POST":
        failed = (int(form.item_id.data) if (form.item_id.data or "").isdigit() else 0,
                  " ".join(str(e) for errors in form.errors.values() for e in errors))
    plan = ops.readiness(unit)[0]
    return render_template("ledgers/reopening/school.html", unit=unit, plan=plan, failed=failed,
                           not_back=ops.students_not_back(unit, clock.local_today()))


@bp.route(f"/readiness.{spreadsheets.FILE}")
@office
def export_readiness(fmt: str):
    table = export.readiness_table(current_user.scope, clock.local_today(), ops.active_items(),
                                   ops.readiness(current_user.scope))
    return spreadsheets.response(table, None, fmt)


@bp.route(f"/school/<int:school_id>/plan.{spreadsheets.FILE}")
@office
def export_school(school_id: int, fmt: str):
    unit = scoped_school(school_id)
    return spreadsheets.response(export.school_table(unit, clock.local_today(), ops.readiness(unit)[0]),
                                 None, fmt, about=unit)


# ---- the county's template -----------------------------------------------------------------

@bp.route("/items")
@county_only
def items():
    return render_template("ledgers/reopening/items.html", items=ops.all_items())


def _save_item(item: PlanItem | None):
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        try:
            ops.save_item(item, title=form.title.data, detail=form.detail.data, position=form.position.data or 0,
                          active=form.active.data)
        except RuleError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The item is saved."))
            return redirect(url_for("reopening.items"))
    return render_template("ledgers/reopening/item_form.html", form=form, item=item)


item_views(bp, PlanItem, _save_item, county_only)
