"""The data-quality screens: an area's flags with their explanations, the "looked into" marks and their history."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from ..errors import RuleError
from ..extensions import db
from ..navigation import add_entry
from ..org.access import admin_only
from ..org.models import ADMIN_ROLES, Unit, UnitKind, User
from ..org.operations import unit_titles
from ..org.queries import breadcrumb
from ..org.scoping import get_scoped, scoped, subtree_ids
from ..org.settings import local_today
from . import operations
from .forms import ReviewForm
from .models import QualityReview

bp = Blueprint("quality", __name__, url_prefix="/quality")
add_entry("quality.area", _l("Data quality"), ADMIN_ROLES)


def _area() -> Unit:
    unit_id = request.args.get("unit_id", type=int)
    return get_scoped(Unit, unit_id) if unit_id is not None else current_user.scope


@bp.route("")
@admin_only
def area():
    unit = _area()
    if unit.kind not in operations.AREA_KINDS:  # a county: pick a township (each is read on its own)
        townships = db.session.scalars(scoped(Unit).where(Unit.parent_id == unit.id, Unit.kind == UnitKind.township)
                                       .order_by(Unit.name)).all()
        return render_template("quality/choose.html", unit=unit, townships=townships)
    end = local_today()
    return render_template("quality/flags.html", unit=unit, flags=operations.flags(unit, end), end=end,
                           days=operations.WINDOW_DAYS, form=ReviewForm(), crumbs=breadcrumb(unit, current_user))


@bp.route("/review", methods=["POST"])
@admin_only
def review():
    form = ReviewForm()
    unit = get_scoped(Unit, form.unit_id.data) if form.unit_id.data else current_user.scope
    back = url_for("quality.area", unit_id=request.form.get("area", type=int) or unit.id)
    if not form.validate():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")  # some are lazy strings
        return redirect(back)
    _check_subject(form, unit)
    try:
        operations.mark_looked_into(unit, form.signal.data, form.subject_kind.data, form.subject_id.data,
                                    form.note.data, current_user)
    except RuleError as error:
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Marked as looked into."), "success")
    return redirect(back)


def _check_subject(form: ReviewForm, unit: Unit) -> None:
    """The flag's subject lies in the user's area: a class is the mark's unit, a recorder an account in scope."""
    if form.subject_kind.data == "class" and form.subject_id.data != unit.id:
        get_scoped(Unit, form.subject_id.data)
    elif form.subject_kind.data == "recorder":
        get_scoped(User, form.subject_id.data)


@bp.route("/history")
@admin_only
def history():
    unit = _area()
    query = scoped(QualityReview).where(QualityReview.unit_id.in_(subtree_ids(unit)))
    reviews = operations.history(query)
    return render_template("quality/history.html", unit=unit, reviews=reviews, titles=operations.TITLES,
                           where=unit_titles({r.unit for r in reviews}))
