"""Office screens of the supplies ledger: the overview (schools short first), a school's ledger
with its entry form, and the county's items and standards. Views are thin: parse, operate, commit.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ... import spreadsheets
from ...duty import clock
from ...errors import RuleError
from ...fields import day_arg
from ...extensions import db
from ...navigation import add_entry
from ...org.access import require_roles
from ...org.forms import options
from ...org.models import Role, UnitKind
from ..common import item_views, new_record_id, refuse, scoped_school, submit
from . import export
from . import operations as ops
from .forms import ItemForm, MovementForm, basis_labels, movement_labels, reason_labels
from .models import Basis, SupplyItem

bp = Blueprint("supplies", __name__, url_prefix="/ledgers/supplies")
OFFICE = (Role.county_admin, Role.township_admin, Role.school_admin)
office = require_roles(*OFFICE)
county_only = require_roles(Role.county_admin)
LEDGER_DAYS = 31

add_entry("supplies.overview", _l("Supplies"), OFFICE)


@bp.context_processor
def _labels():
    return {"movement_labels": movement_labels(), "reason_labels": reason_labels(), "basis_labels": basis_labels(),
            "amount": amount}


def amount(value) -> str:
    """A quantity as people write it: 120, 2.5, never 120.0."""
    if value is None:
        return "—"
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


@bp.route("/")
@office
def overview():
    if current_user.scope.kind is UnitKind.school:
        return redirect(url_for("supplies.school", school_id=current_user.scope.id))
    schools = ops.overview(current_user.scope, clock.local_today())
    return render_template("ledgers/supplies/overview.html", schools=schools, items=ops.active_items())


@bp.route("/school/<int:school_id>", methods=["GET", "POST"])
@office
def school(school_id: int):
    unit = scoped_school(school_id)
    today = clock.local_today()
    form = MovementForm()
    form.item_id.choices = options((i.id, f"{i.name}（{i.unit}）") for i in ops.active_items())
    if request.method == "GET":
        form.record_id.data, form.date.data = new_record_id(), today
    elif form.validate_on_submit():
        data = {"school_id": unit.id, "item_id": form.item_id.data, "date": form.date.data.isoformat(),
                "movement": form.movement.data, "quantity": float(form.quantity.data),
                "counterpart": form.counterpart.data or None, "reason": form.reason.data, "note": form.note.data or None}
        try:
            submit(current_user, "supply_movement", data, form.record_id.data or None)
        except RuleError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The entry is saved."))
            return redirect(url_for("supplies.school", school_id=unit.id))
    entry = ops.overview(unit, today)[0]
    movements = ops.movements(unit, today - timedelta(days=LEDGER_DAYS), today)
    return render_template("ledgers/supplies/school.html", unit=unit, entry=entry, form=form,
                           movements=list(reversed(movements)), ledger_days=LEDGER_DAYS)


@bp.route(f"/overview.{spreadsheets.FILE}")
@office
def export_overview(fmt: str):
    today = clock.local_today()
    table = export.overview_table(current_user.scope, today, ops.overview(current_user.scope, today))
    return spreadsheets.response(table, None, fmt)


@bp.route(f"/school/<int:school_id>/ledger.{spreadsheets.FILE}")
@office
def export_ledger(school_id: int, fmt: str):
    unit = scoped_school(school_id)
    last = clock.local_today()
    first = day_arg("from", last.replace(day=1))
    last = max(first, day_arg("to", last))
    table = export.ledger_table(unit, first, last, ops.movements(unit, first, last))
    return spreadsheets.response(table, None, fmt, about=unit)


# ---- the county's items --------------------------------------------------------------------

@bp.route("/items")
@county_only
def items():
    return render_template("ledgers/supplies/items.html", items=ops.all_items())


def _save_item(item: SupplyItem | None):
    form = ItemForm(obj=item)
    if request.method == "GET" and item is not None:
        form.basis.data = item.basis.value
    if form.validate_on_submit():
        try:
            ops.save_item(item, name=form.name.data, unit=form.unit.data, basis=Basis(form.basis.data),
                          standard=float(form.standard.data), reserve_days=form.reserve_days.data,
                          active=form.active.data, position=form.position.data or 0)
        except RuleError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The item is saved."))
            return redirect(url_for("supplies.items"))
    return render_template("ledgers/supplies/item_form.html", form=form, item=item)


item_views(bp, SupplyItem, _save_item, county_only)
