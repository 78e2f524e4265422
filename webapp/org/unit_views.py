"""The hierarchy: the tree of the user's area, a unit's page, adding, renaming and moving units."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import OutOfScope, RuleError
from ..extensions import db
from . import bp, operations, queries
from .access import admin_only
from .forms import UnitChangeForm, UnitForm, options
from .labels import kind_label
from .models import CHILD_KINDS, Unit, UnitKind
from .routes import ID, me, refuse, search_arg
from .scoping import get_scoped


@bp.route("/units")
@admin_only
def units():
    """The user's area as a tree, two levels deep, with head counts."""
    return render_template("org/units.html", tree=queries.unit_tree(current_user.scope))


@bp.route(f"/units/<{ID}:unit_id>")
@admin_only
def unit(unit_id: int):
    """A unit's page: where it stands, what is below, who answers for it, its history and its forms."""
    unit = get_scoped(Unit, unit_id)
    return _unit_page(unit, _add_form(unit), _change_form(unit))


@bp.route(f"/units/<{ID}:unit_id>/children", methods=["POST"])
@admin_only
def add_unit(unit_id: int):
    """Add a unit below this one (of a kind that may stand there)."""
    parent = get_scoped(Unit, unit_id)
    form = _add_form(parent)
    if form is None:
        flash(_("Nothing can stand below a %(kind)s.", kind=kind_label(parent.kind)), "error")
        return redirect(url_for(".unit", unit_id=parent.id))
    if form.validate():
        try:
            child = operations.add_unit(parent, UnitKind(form.kind.data), form.name.data)
        except RuleError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("%(kind)s %(name)s added.", kind=kind_label(child.kind), name=child.name))
            return redirect(url_for(".unit", unit_id=parent.id))
    return _unit_page(parent, form, _change_form(parent))


@bp.route(f"/units/<{ID}:unit_id>/change", methods=["POST"])
@admin_only
def change_unit(unit_id: int):
    """Rename and/or move a unit; the history keeps what it was."""
    unit = get_scoped(Unit, unit_id)
    form = _change_form(unit)
    if form.validate():
        try:
            operations.rename_or_move(unit, form.name.data, _chosen_parent(unit, form), me())
        except RuleError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Saved. The old name and place are kept in the history."))
            return redirect(url_for(".unit", unit_id=unit.id))
    return _unit_page(unit, _add_form(unit), form)


def _unit_page(unit: Unit, add_form, change_form):
    responsible = operations.responsible_for(unit)
    staff_q = search_arg("staff_q")
    near = queries.nearest(unit, UnitKind.school) or unit
    return render_template(
        "org/unit.html", unit=unit, breadcrumb=queries.breadcrumb(unit, current_user),
        tree=queries.unit_tree(unit), history=queries.unit_history(unit), add_form=add_form,
        change_form=change_form, responsible=responsible, staff_q=staff_q,
        candidates=queries.staff_candidates(current_user, staff_q, near, [s.id for s in responsible]))


def _add_form(unit: Unit) -> UnitForm | None:
    """The form for a unit below this one, with the kinds that may stand there (none below a class)."""
    kinds = CHILD_KINDS[unit.kind]
    if not kinds:
        return None
    form = UnitForm(prefix="add")
    form.kind.choices = options((kind.value, kind_label(kind)) for kind in kinds)
    return form


def _change_form(unit: Unit) -> UnitChangeForm:
    """Rename, and move under any unit of the user's area that may hold this kind (never its own subtree)."""
    form = UnitChangeForm(prefix="change", data={"name": unit.name, "parent": unit.parent_id})
    if unit.parent is None:
        del form.parent  # the county stands at the top
        return form
    holders = [kind for kind, below in CHILD_KINDS.items() if unit.kind in below]
    choices = queries.unit_choices(current_user, holders, exclude=unit)
    if unit.parent_id not in dict(choices):  # the parent is above the user's area: it can only stay
        choices.insert(0, (unit.parent_id, unit.parent.name))
    form.parent.choices = options(choices)
    return form


def _chosen_parent(unit: Unit, form) -> Unit | None:
    """The parent chosen in the form: the current one, or a unit in the user's area."""
    if "parent" not in form or form.parent.data == unit.parent_id:
        return unit.parent
    parent = queries.find_scoped(Unit, form.parent.data)
    if parent is None:
        raise OutOfScope(_l("That unit is outside your area."), "parent")
    return parent
